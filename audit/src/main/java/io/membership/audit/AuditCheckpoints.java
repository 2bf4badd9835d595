package io.membership.audit;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import tools.jackson.databind.node.ObjectNode;

import io.membership.audit.chain.CanonicalJson;
import io.membership.events.json.MembershipJson;

/**
 * Signed checkpoints of each organization's hash chain: (organization, version, hash,
 * time) signed with the audit key. Taken on a schedule for every organization whose chain
 * moved, and on demand; stored, served over REST and published
 * ({@link CheckpointPublisher}: to Kafka, where copies outlive the database). A chain
 * rewritten in the database without the key no longer ends in a signed hash.
 */
public class AuditCheckpoints {

	private static final Logger logger = LoggerFactory.getLogger(AuditCheckpoints.class);

	private final JdbcClient jdbc;

	private final AuditSigner signer;

	private final CheckpointPublisher publisher;

	private final Clock clock;

	AuditCheckpoints(JdbcClient jdbc, AuditSigner signer, CheckpointPublisher publisher, Clock clock) {
		this.jdbc = jdbc;
		this.signer = signer;
		this.publisher = publisher;
		this.clock = clock;
	}

	/**
	 * Signs the organization's current head, unless it is signed already; empty if no
	 * events.
	 */
	public Optional<Checkpoint> checkpoint(String organizationId) {
		Optional<Object[]> head = this.jdbc
			.sql("SELECT version, hash FROM event_hash_chain WHERE organization_id = ? ORDER BY version DESC LIMIT 1")
			.param(organizationId)
			.query((row, number) -> new Object[] { row.getLong(1), row.getString(2) })
			.optional();
		if (head.isEmpty()) {
			return Optional.empty();
		}
		long version = (Long) head.get()[0];
		Optional<Checkpoint> existing = stored(organizationId, version);
		if (existing.isPresent()) {
			return existing;
		}
		String signedAt = DateTimeFormatter.ISO_INSTANT.format(this.clock.instant());
		Checkpoint unsigned = new Checkpoint(organizationId, version, (String) head.get()[1], signedAt,
				this.signer.keyId(), null);
		Checkpoint checkpoint = unsigned.withSignature(this.signer.sign(CanonicalJson.bytes(unsigned.signedPart())));
		try {
			this.jdbc
				.sql("INSERT INTO audit_checkpoints (organization_id, version, hash, signed_at, key_id, signature) "
						+ "VALUES (?, ?, ?, ?, ?, ?)")
				.params(checkpoint.organizationId(), checkpoint.version(), checkpoint.hash(), checkpoint.signedAt(),
						checkpoint.keyId(), checkpoint.signature())
				.update();
		}
		catch (DuplicateKeyException signedMeanwhile) {
			// Another request (or the schedule, or another instance) signed this head
			// first.
			return stored(organizationId, version);
		}
		this.publisher.publish(checkpoint);
		return Optional.of(checkpoint);
	}

	private Optional<Checkpoint> stored(String organizationId, long version) {
		return this.jdbc
			.sql("SELECT organization_id, version, hash, signed_at, key_id, signature FROM audit_checkpoints "
					+ "WHERE organization_id = ? AND version = ?")
			.params(organizationId, version)
			.query(AuditCheckpoints::checkpointOf)
			.optional();
	}

	public List<Checkpoint> of(String organizationId) {
		return this.jdbc
			.sql("SELECT organization_id, version, hash, signed_at, key_id, signature FROM audit_checkpoints "
					+ "WHERE organization_id = ? ORDER BY version")
			.param(organizationId)
			.query(AuditCheckpoints::checkpointOf)
			.list();
	}

	/**
	 * Every stored checkpoint, by organization and version, for a command that restores
	 * the checkpoints topic from the database.
	 */
	public static void forEachStored(JdbcClient jdbc, Consumer<Checkpoint> action) {
		try (Stream<Checkpoint> stored = jdbc
			.sql("SELECT organization_id, version, hash, signed_at, key_id, signature FROM audit_checkpoints "
					+ "ORDER BY organization_id, version")
			.query(AuditCheckpoints::checkpointOf)
			.stream()) {
			stored.forEach(action);
		}
	}

	/**
	 * Every organization whose chain has moved past its last checkpoint gets a new one.
	 */
	@Scheduled(fixedDelayString = "${membership.audit.checkpoint-every:5m}", initialDelayString = "30s")
	void checkpointMovedChains() {
		List<String> moved = this.jdbc
			.sql("SELECT c.organization_id FROM event_hash_chain c GROUP BY c.organization_id "
					+ "HAVING MAX(c.version) > COALESCE((SELECT MAX(a.version) FROM audit_checkpoints a "
					+ "WHERE a.organization_id = c.organization_id), 0)")
			.query(String.class)
			.list();
		for (String organization : moved) {
			try {
				checkpoint(organization);
			}
			catch (RuntimeException ex) {
				logger.warn("Could not checkpoint {}; the next run tries again", organization, ex);
			}
		}
	}

	private static Checkpoint checkpointOf(java.sql.ResultSet row, int number) throws java.sql.SQLException {
		return new Checkpoint(row.getString(1), row.getLong(2), row.getString(3).trim(), row.getString(4),
				row.getString(5), row.getString(6));
	}

	/**
	 * A checkpoint of the given head, signed now: for the one-time migration that rewrote
	 * the chains the old checkpoints signed.
	 */
	public static Checkpoint signed(String organizationId, long version, String hash, String signedAt,
			AuditSigner signer) {
		Checkpoint unsigned = new Checkpoint(organizationId, version, hash, signedAt, signer.keyId(), null);
		return unsigned.withSignature(signer.sign(CanonicalJson.bytes(unsigned.signedPart())));
	}

	/**
	 * A signed chain head. The signature is Ed25519 over the canonical JSON (RFC 8785) of
	 * {@code {organization_id, version, hash, signed_at, key_id}}.
	 */
	public record Checkpoint(String organizationId, long version, String hash, String signedAt, String keyId,
			String signature) {

		ObjectNode signedPart() {
			ObjectNode signed = MembershipJson.mapper().createObjectNode();
			signed.put("organization_id", this.organizationId);
			signed.put("version", this.version);
			signed.put("hash", this.hash);
			signed.put("signed_at", this.signedAt);
			signed.put("key_id", this.keyId);
			return signed;
		}

		Checkpoint withSignature(String newSignature) {
			return new Checkpoint(this.organizationId, this.version, this.hash, this.signedAt, this.keyId,
					newSignature);
		}

	}

}
