package io.membership.audit.personal;

import java.sql.Connection;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.audit.AuditCheckpoints;
import io.membership.audit.AuditCheckpoints.Checkpoint;
import io.membership.audit.AuditSigner;
import io.membership.audit.chain.HashChain;
import io.membership.events.AddressKeptApart;
import io.membership.events.MembershipEvent;
import io.membership.events.json.MembershipJson;

/**
 * The one-time move of the e-mail addresses out of the events stored before revision 2
 * (issue 17). Run once, on the connection and in the transaction of a Flyway migration,
 * before the service reads or serves anything:
 * <ol>
 * <li>every stored revision-1 OrganizationCreated, UserInvited, MemberJoined and
 * InvitationRevoked gives its address to the personal data (in the order the events were
 * stored, so a user's latest address wins, as it does for new events);</li>
 * <li>its stored payload is rewritten to the revision-2 shape, without the address;</li>
 * <li>the organization's hash chain is recomputed from its first rewritten event on (the
 * hash covers the payload, so every later hash changes);</li>
 * <li>its checkpoints are signed anew over the new hashes (the old signatures no longer
 * match any head), and the old and new head are recorded in
 * {@code personal_data_migration}, so that an auditor holding old checkpoints can connect
 * them to the new chain.</li>
 * </ol>
 * An organization without revision-1 events is not touched.
 */
public class AddressMigration {

	private static final Logger logger = LoggerFactory.getLogger(AddressMigration.class);

	private final AuditSigner signer;

	private final Clock clock;

	public AddressMigration(AuditSigner signer, Clock clock) {
		this.signer = signer;
		this.clock = clock;
	}

	/** Migrates every organization; the organizations migrated, by id. */
	public List<String> migrate(Connection connection) {
		SingleConnectionDataSource dataSource = new SingleConnectionDataSource(connection, true);
		JdbcClient jdbc = JdbcClient.create(dataSource);
		PersonalData personalData = new PersonalData(dataSource);
		Map<String, String> members = new HashMap<>();
		AddressKeptApart.REVISION_1_ADDRESS_MEMBERS.forEach((type, member) -> members.put(type.getName(), member));
		String types = String.join(", ", members.keySet().stream().map((any) -> "?").toList());

		// 1. and 2.: addresses out, in the order the events were stored.
		Map<String, Long> firstRewritten = new HashMap<>();
		List<Object> typeParameters = List.copyOf(members.keySet());
		List<Object[]> rows = jdbc
			.sql("SELECT globalindex, aggregateidentifier, sequencenumber, payloadtype, payload FROM domainevententry "
					+ "WHERE payloadrevision = '1' AND payloadtype IN (" + types + ") ORDER BY globalindex")
			.params(typeParameters)
			.query((row,
					number) -> new Object[] { row.getLong(1), row.getString(2), row.getLong(3), row.getString(4),
							row.getBytes(5) })
			.list();
		for (Object[] row : rows) {
			String organization = (String) row[1];
			String type = (String) row[3];
			ObjectNode payload = (ObjectNode) MembershipJson.mapper().readTree((byte[]) row[4]);
			JsonNode address = payload.remove(members.get(type));
			Class<? extends MembershipEvent> eventClass = MembershipEvent
				.typeNamed(type.substring(type.lastIndexOf('.') + 1))
				.orElseThrow();
			AddressKeptApart event = (AddressKeptApart) MembershipJson.mapper().treeToValue(payload, eventClass);
			String email = (address != null && address.isString()) ? address.asString() : null;
			personalData.record(organization, (AddressKeptApart) event.withEmail(email));
			jdbc.sql("UPDATE domainevententry SET payload = ?, payloadrevision = '2' WHERE globalindex = ?")
				.params(MembershipJson.mapper().writeValueAsBytes(payload), row[0])
				.update();
			firstRewritten.merge(organization, (Long) row[2] + 1, Math::min);
		}

		// 3. and 4.: each organization's chain from its first rewritten event on.
		List<String> migrated = new ArrayList<>(firstRewritten.keySet());
		migrated.sort(null);
		for (String organization : migrated) {
			rechain(jdbc, organization, firstRewritten.get(organization));
		}
		if (!migrated.isEmpty()) {
			logger.info("Moved the e-mail addresses of {} stored events out of them, and re-signed the checkpoints of "
					+ "the {} organizations whose chains that changed", rows.size(), migrated.size());
		}
		return migrated;
	}

	private void rechain(JdbcClient jdbc, String organization, long from) {
		String previous = (from == 1) ? HashChain.GENESIS
				: jdbc.sql("SELECT hash FROM event_hash_chain WHERE organization_id = ? AND version = ?")
					.params(organization, from - 1)
					.query(String.class)
					.single()
					.trim();
		Optional<Object[]> oldHead = jdbc
			.sql("SELECT version, hash FROM event_hash_chain WHERE organization_id = ? ORDER BY version DESC LIMIT 1")
			.param(organization)
			.query((row, number) -> new Object[] { row.getLong(1), row.getString(2).trim() })
			.optional();
		List<Object[]> events = jdbc
			.sql("SELECT sequencenumber, eventidentifier, payloadtype, payload FROM domainevententry "
					+ "WHERE aggregateidentifier = ? AND sequencenumber >= ? ORDER BY sequencenumber")
			.params(organization, from - 1)
			.query((row,
					number) -> new Object[] { row.getLong(1) + 1, row.getString(2), row.getString(3), row.getBytes(4) })
			.list();
		Map<Long, String> hashes = new HashMap<>();
		for (Object[] event : events) {
			long version = (Long) event[0];
			String type = (String) event[2];
			JsonNode payload = MembershipJson.mapper().readTree((byte[]) event[3]);
			String hash = HashChain.hash(previous, HashChain.envelope(organization, version, (String) event[1],
					type.substring(type.lastIndexOf('.') + 1), payload.path("occurred_at").asString(), payload));
			jdbc.sql("UPDATE event_hash_chain SET prev_hash = ?, hash = ? WHERE organization_id = ? AND version = ?")
				.params(previous, hash, organization, version)
				.update();
			hashes.put(version, hash);
			previous = hash;
		}
		String signedAt = DateTimeFormatter.ISO_INSTANT.format(this.clock.instant());
		List<Long> checkpointed = jdbc
			.sql("SELECT version FROM audit_checkpoints WHERE organization_id = ? AND version >= ? ORDER BY version")
			.params(organization, from)
			.query(Long.class)
			.list();
		for (long version : checkpointed) {
			String hash = hashes.get(version);
			if (hash == null) {
				// A checkpoint of a version the chain does not have: nothing to connect
				// it to.
				continue;
			}
			Checkpoint checkpoint = AuditCheckpoints.signed(organization, version, hash, signedAt, this.signer);
			jdbc.sql("UPDATE audit_checkpoints SET hash = ?, signed_at = ?, key_id = ?, signature = ? "
					+ "WHERE organization_id = ? AND version = ?")
				.params(checkpoint.hash(), checkpoint.signedAt(), checkpoint.keyId(), checkpoint.signature(),
						organization, version)
				.update();
		}
		if (oldHead.isPresent()) {
			long headVersion = (Long) oldHead.get()[0];
			jdbc.sql("INSERT INTO personal_data_migration (organization_id, head_version, old_head_hash, "
					+ "new_head_hash, first_rewritten, migrated_at) VALUES (?, ?, ?, ?, ?, ?)")
				.params(organization, headVersion, oldHead.get()[1], hashes.get(headVersion), from,
						this.clock.instant().atOffset(ZoneOffset.UTC))
				.update();
		}
	}

}
