package io.membership.infra.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

import tools.jackson.databind.node.ObjectNode;

import io.membership.audit.chain.HashChain;
import io.membership.events.json.MembershipJson;

/**
 * Long histories written straight into the event table and the hash chain, with valid
 * hashes, faster than commands could make them: one member's role alternating between AN
 * and RE. The payload type is one no handler of the service knows, so a running service's
 * Kafka publisher skips these rows rather than publishing made-up role changes; the
 * export streams rows whatever their type and names it by the type's simple name.
 */
final class SyntheticHistory {

	static final String TYPE = "io.membership.synthetic.MemberRoleChanged";

	static final String TYPE_NAME = "MemberRoleChanged";

	private static final int BATCH = 2_000;

	private SyntheticHistory() {
	}

	/** A new organization id that names what made it. */
	static String newOrganization(String purpose) {
		return "org_" + purpose + "_" + UUID.randomUUID().toString().replace("-", "");
	}

	/**
	 * Appends {@code events} role changes (versions 1 to {@code events}) for a new
	 * organization, hashed with {@link HashChain} as the service would, and commits them.
	 * Batched; add {@code reWriteBatchedInserts=true} to the connection's URL for speed.
	 */
	static void insert(Connection connection, String organization, int events) throws SQLException {
		boolean autoCommit = connection.getAutoCommit();
		connection.setAutoCommit(false);
		try (PreparedStatement event = connection
			.prepareStatement("INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, "
					+ "eventidentifier, metadata, payload, payloadrevision, payloadtype, timestamp) "
					+ "VALUES (?, ?, 'Organization', ?, ?, ?, '1', ?, ?)");
				PreparedStatement chain = connection.prepareStatement("INSERT INTO event_hash_chain "
						+ "(organization_id, version, event_id, prev_hash, hash) VALUES (?, ?, ?, ?, ?)")) {
			byte[] metadata = "{}".getBytes(StandardCharsets.UTF_8);
			Instant start = Instant.parse("2026-01-01T00:00:00Z");
			String previous = HashChain.GENESIS;
			for (int i = 0; i < events; i++) {
				long version = i + 1;
				String eventId = UUID.randomUUID().toString();
				String occurredAt = start.plusSeconds(i).toString();
				boolean toReviewer = i % 2 == 0;
				ObjectNode payload = MembershipJson.mapper().createObjectNode();
				payload.put("organization_id", organization);
				payload.put("user_id", 2);
				payload.put("from_role", toReviewer ? "AN" : "RE");
				payload.put("to_role", toReviewer ? "RE" : "AN");
				payload.put("reason", "synthetic change number " + version);
				payload.put("actor_user_id", 1);
				payload.put("occurred_at", occurredAt);
				payload.put("correlation_id", "synthetic-" + version);
				String hash = HashChain.hash(previous,
						HashChain.envelope(organization, version, eventId, TYPE_NAME, occurredAt, payload));
				event.setString(1, organization);
				event.setLong(2, i);
				event.setString(3, eventId);
				event.setBytes(4, metadata);
				event.setBytes(5, MembershipJson.mapper().writeValueAsBytes(payload));
				event.setString(6, TYPE);
				event.setString(7, occurredAt);
				event.addBatch();
				chain.setString(1, organization);
				chain.setLong(2, version);
				chain.setString(3, eventId);
				chain.setString(4, previous);
				chain.setString(5, hash);
				chain.addBatch();
				previous = hash;
				if (version % BATCH == 0) {
					event.executeBatch();
					chain.executeBatch();
				}
			}
			event.executeBatch();
			chain.executeBatch();
			connection.commit();
		}
		finally {
			connection.setAutoCommit(autoCommit);
		}
	}

}
