package io.membership.infra.erasure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.flywaydb.core.Flyway;
import tools.jackson.databind.JsonNode;

import io.membership.audit.AuditCheckpoints;
import io.membership.audit.AuditCheckpoints.Checkpoint;
import io.membership.audit.AuditSigner;
import io.membership.audit.chain.HashChain;
import io.membership.events.json.MembershipJson;
import io.membership.infra.support.RevisionOneFixtures;
import io.membership.infra.support.RevisionOneFixtures.Fixture;
import io.membership.infra.support.TestDatabase;
import io.membership.query.projection.ProjectionMigrations;

/**
 * A PostgreSQL schema as the version before issue 17 left it: its migrations up to V12
 * applied (the tables before the one-time migration V13), and the revision-1 fixtures
 * stored in it as that version stored them, with the e-mail addresses in the payloads,
 * their hash chain computed from those payloads and a checkpoint of its head signed with
 * the audit key of the data directory the service will start with.
 */
final class UpgradedStore {

	final String schema;

	final List<String> oldHashes = new ArrayList<>();

	final List<String> eventIds = new ArrayList<>();

	final Checkpoint oldCheckpoint;

	/**
	 * Drops the schema: it lives beside the test run's own, which the run drops at its
	 * end, so this one has to be dropped by whoever made it.
	 */
	void drop(TestDatabase database) throws SQLException {
		try (Connection connection = DriverManager.getConnection(database.jdbcUrl(this.schema), database.username(),
				database.password()); Statement statement = connection.createStatement()) {
			statement.execute("DROP SCHEMA IF EXISTS " + this.schema + " CASCADE");
		}
	}

	UpgradedStore(TestDatabase database, Path dataDirectory) throws SQLException {
		this.schema = database.schema() + "_upgrade_" + UUID.randomUUID().toString().substring(0, 8);
		Flyway.configure()
			.dataSource(database.jdbcUrl(this.schema), database.username(), database.password())
			.schemas(this.schema)
			.locations("classpath:db/migration/common", "classpath:db/migration/postgresql",
					ProjectionMigrations.COMMON, ProjectionMigrations.POSTGRESQL)
			.target("12")
			.load()
			.migrate();
		AuditSigner signer = AuditSigner.fromConfiguredOrDataDirectory("", dataDirectory);
		try (Connection connection = DriverManager.getConnection(database.jdbcUrl(this.schema), database.username(),
				database.password())) {
			String previous = HashChain.GENESIS;
			long version = 0;
			for (Fixture fixture : RevisionOneFixtures.history()) {
				version++;
				byte[] payload = fixture.bytes();
				JsonNode tree = MembershipJson.mapper().readTree(payload);
				String eventId = UUID.randomUUID().toString();
				try (PreparedStatement insert = connection.prepareStatement("INSERT INTO domainevententry "
						+ "(aggregateidentifier, sequencenumber, type, eventidentifier, metadata, payload, "
						+ "payloadrevision, payloadtype, timestamp) VALUES (?, ?, 'Organization', ?, ?, ?, '1', ?, ?)")) {
					insert.setString(1, RevisionOneFixtures.ORGANIZATION);
					insert.setLong(2, version - 1);
					insert.setString(3, eventId);
					insert.setBytes(4, "{}".getBytes(StandardCharsets.UTF_8));
					insert.setBytes(5, payload);
					insert.setString(6, fixture.type().getName());
					insert.setString(7, tree.path("occurred_at").asString());
					insert.executeUpdate();
				}
				String hash = HashChain.hash(previous, HashChain.envelope(RevisionOneFixtures.ORGANIZATION, version,
						eventId, fixture.type().getSimpleName(), tree.path("occurred_at").asString(), tree));
				try (PreparedStatement link = connection.prepareStatement("INSERT INTO event_hash_chain "
						+ "(organization_id, version, event_id, prev_hash, hash) VALUES (?, ?, ?, ?, ?)")) {
					link.setString(1, RevisionOneFixtures.ORGANIZATION);
					link.setLong(2, version);
					link.setString(3, eventId);
					link.setString(4, previous);
					link.setString(5, hash);
					link.executeUpdate();
				}
				this.oldHashes.add(hash);
				this.eventIds.add(eventId);
				previous = hash;
			}
			publishedAlready(connection);
			this.oldCheckpoint = AuditCheckpoints.signed(RevisionOneFixtures.ORGANIZATION, version, previous,
					"2026-11-01T10:00:00Z", signer);
			try (PreparedStatement checkpoint = connection.prepareStatement("INSERT INTO audit_checkpoints "
					+ "(organization_id, version, hash, signed_at, key_id, signature) VALUES (?, ?, ?, ?, ?, ?)")) {
				checkpoint.setString(1, this.oldCheckpoint.organizationId());
				checkpoint.setLong(2, this.oldCheckpoint.version());
				checkpoint.setString(3, this.oldCheckpoint.hash());
				checkpoint.setString(4, this.oldCheckpoint.signedAt());
				checkpoint.setString(5, this.oldCheckpoint.keyId());
				checkpoint.setString(6, this.oldCheckpoint.signature());
				checkpoint.executeUpdate();
			}
		}
	}

	/**
	 * The older version had published every event: the publisher's segments are at the
	 * last one, so the upgraded service does not publish them again (the test writes
	 * their revision-1 records to the topic itself, as they were published).
	 */
	private static void publishedAlready(Connection connection) throws SQLException {
		Serializer tokens = Jackson3Serializer.builder().build();
		long last;
		try (PreparedStatement max = connection.prepareStatement("SELECT MAX(globalindex) FROM domainevententry");
				java.sql.ResultSet row = max.executeQuery()) {
			row.next();
			last = row.getLong(1);
		}
		SerializedObject<byte[]> token = tokens.serialize(GapAwareTrackingToken.newInstance(last, Set.of()),
				byte[].class);
		for (int segment = 0; segment < 4; segment++) {
			try (PreparedStatement insert = connection.prepareStatement("INSERT INTO tokenentry (processorname, "
					+ "segment, token, tokentype, timestamp, owner) VALUES ('kafka-publisher', ?, ?, ?, ?, NULL)")) {
				insert.setInt(1, segment);
				insert.setBytes(2, token.getData());
				insert.setString(3, token.getType().getName());
				insert.setString(4, Instant.now().toString());
				insert.executeUpdate();
			}
		}
	}

}
