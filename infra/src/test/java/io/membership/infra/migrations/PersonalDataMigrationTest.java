package io.membership.infra.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.membership.events.InvitationRevoked;
import io.membership.events.MemberJoined;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.UserInvited;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.json.MembershipJson;
import io.membership.infra.support.TestDatabase;
import io.membership.query.projection.PersonalDataProjection;
import io.membership.query.projection.ProjectionMigrations;

/**
 * The query side's views held copies of e-mail addresses (issue 17): the member and
 * invitation rows, and the activity log's summaries and copies of the events' bodies. A
 * view of a version before the personal-data topic, migrated, holds none of them, and its
 * activity log reads exactly as the projection now writes it (so that a rebuild equals
 * it): the bodies without their address members, the summaries naming the invitation,
 * each entry naming the key of the address it refers to. On both databases.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PersonalDataMigrationTest {

	private static final OrganizationId ACME = new OrganizationId("org_acme");

	private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");

	private static final InvitationId ANN = new InvitationId("inv_ann");

	private static final InvitationId BOB = new InvitationId("inv_bob");

	/** The events as the version before wrote them into the activity log. */
	private static final List<MembershipEvent> EVENTS = List.of(
			new OrganizationCreated(ACME, "Acme", UserId.of(1), "owner@acme.test", new InviteLinkId("lnk_1"),
					UserId.of(1), AT, "c-1"),
			new UserInvited(ACME, ANN, "ann@acme.test", Role.ANNOTATOR, Set.of(), AT.plusSeconds(86400), UserId.of(1),
					AT.plusSeconds(1), "c-2"),
			new MemberJoined(ACME, UserId.of(2), "ann@acme.test", Role.ANNOTATOR, ANN, Set.of(), UserId.of(2),
					AT.plusSeconds(2), "c-3"),
			new UserInvited(ACME, BOB, "b\\\"o\"b@acme.test", null, Set.of(), AT.plusSeconds(86400), UserId.of(1),
					AT.plusSeconds(3), "c-4"),
			new InvitationRevoked(ACME, BOB, "b\\\"o\"b@acme.test", UserId.of(1), AT.plusSeconds(4), "c-5"),
			new OrganizationCreated(new OrganizationId("org_globex"), "Globex", UserId.of(7), null,
					new InviteLinkId("lnk_2"), UserId.of(7), AT.plusSeconds(5), "c-6"));

	/**
	 * The summaries the version before wrote, by the event's place in {@link #EVENTS}.
	 */
	private static final List<String> OLD_SUMMARIES = List.of(
			"User 1 created the organization \"Acme\" and is its Owner", "User 1 invited ann@acme.test as AN",
			"User 2 joined as AN by invitation", "User 1 invited b\\\"o\"b@acme.test (joins as NO)",
			"User 1 revoked the invitation of b\\\"o\"b@acme.test",
			"User 7 created the organization \"Globex\" and is its Owner");

	@ParameterizedTest
	@ValueSource(strings = { "h2", "postgresql" })
	void the_views_keep_no_address_and_the_activity_log_reads_as_the_projection_now_writes_it(String vendor)
			throws SQLException {
		try (Database database = Database.of(vendor)) {
			database.migrate("10");
			JdbcClient jdbc = database.jdbc();
			seedAsTheVersionBeforeWroteIt(jdbc);

			database.migrate(null);

			List<String> everything = new ArrayList<>();
			for (String table : List.of("qs_members", "qs_invitations", "qs_activity_log", "qs_organizations")) {
				jdbc.sql("SELECT * FROM " + table)
					.query()
					.listOfRows()
					.forEach((row) -> row.values().forEach((value) -> everything.add(String.valueOf(value))));
			}
			assertThat(everything).isNotEmpty().noneMatch((value) -> value.contains("@acme.test"));
			assertThat(jdbc.sql("SELECT COUNT(*) FROM qs_personal_data").query(Long.class).single())
				.as("filled from the personal-data topic, read from its start")
				.isZero();

			Map<Long, Map<String, Object>> log = new LinkedHashMap<>();
			jdbc.sql("SELECT version, organization_id, summary, details, personal_data_key FROM qs_activity_log "
					+ "ORDER BY version")
				.query()
				.listOfRows()
				.forEach((row) -> log.put(((Number) value(row, "version")).longValue(), row));
			for (int i = 0; i < EVENTS.size(); i++) {
				MembershipEvent event = EVENTS.get(i);
				Map<String, Object> entry = log.get(i + 1L);
				assertThat(String.valueOf(value(entry, "details"))).as("the body of %s", event.typeName())
					.isEqualTo(MembershipJson.mapper()
						.writeValueAsString(
								PersonalDataProjection.withoutAddress(MembershipJson.mapper().valueToTree(event))));
				assertThat(value(entry, "personal_data_key")).as("the key of %s", event.typeName())
					.isEqualTo(PersonalDataProjection.keyOf(event).orElseThrow());
			}
			assertThat(log.values()).extracting((entry) -> value(entry, "summary"))
				.containsExactly("User 1 created the organization \"Acme\" and is its Owner",
						"User 1 sent invitation inv_ann as AN", "User 2 joined as AN by invitation",
						"User 1 sent invitation inv_bob (joins as NO)", "User 1 revoked invitation inv_bob",
						"User 7 created the organization \"Globex\" and is its Owner");
		}
	}

	private static Object value(Map<String, Object> row, String column) {
		return row.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().equalsIgnoreCase(column))
			.findFirst()
			.map(Map.Entry::getValue)
			.map((value) -> (value instanceof java.sql.Clob clob) ? text(clob) : value)
			.orElse(null);
	}

	private static String text(java.sql.Clob clob) {
		try {
			return clob.getSubString(1, (int) clob.length());
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The rows the projection of the version before wrote for {@link #EVENTS}. */
	private static void seedAsTheVersionBeforeWroteIt(JdbcClient jdbc) {
		jdbc.sql("INSERT INTO qs_organizations (organization_id, name, owner_user_id, created_at, version) "
				+ "VALUES ('org_acme', 'Acme', 1, ?, 5)")
			.param(AT.atOffset(ZoneOffset.UTC))
			.update();
		jdbc.sql("INSERT INTO qs_members (organization_id, user_id, email, role, joined_at, version) VALUES "
				+ "('org_acme', 1, 'owner@acme.test', 'OW', ?, 1), ('org_acme', 2, 'ann@acme.test', 'AN', ?, 3)")
			.params(AT.atOffset(ZoneOffset.UTC), AT.atOffset(ZoneOffset.UTC))
			.update();
		jdbc.sql("INSERT INTO qs_invitations (organization_id, invitation_id, email, role, invited_at, invited_by, "
				+ "expires_at, status) VALUES ('org_acme', 'inv_ann', 'ann@acme.test', 'AN', ?, 1, ?, 'ACCEPTED'), "
				+ "('org_acme', 'inv_bob', 'b\\\"o\"b@acme.test', NULL, ?, 1, ?, 'REVOKED')")
			.params(AT.atOffset(ZoneOffset.UTC), AT.atOffset(ZoneOffset.UTC), AT.atOffset(ZoneOffset.UTC),
					AT.atOffset(ZoneOffset.UTC))
			.update();
		for (int i = 0; i < EVENTS.size(); i++) {
			MembershipEvent event = EVENTS.get(i);
			jdbc.sql("INSERT INTO qs_activity_log (organization_id, version, event_id, occurred_at, type, "
					+ "actor_user_id, subject_user_id, summary, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
				.params(event.organizationId().value(), i + 1, "evt-" + (i + 1),
						event.occurredAt().atOffset(ZoneOffset.UTC), event.typeName(), event.actorUserId().value(),
						event.subject().map(UserId::value).orElse(null), OLD_SUMMARIES.get(i),
						MembershipJson.mapper().writeValueAsString(event))
				.update();
		}
	}

	/**
	 * A database of the vendor, with only the query side's migrations, as a rebuild makes
	 * one.
	 */
	private record Database(String vendor, String url, String username, String password, String schema,
			SingleConnectionDataSource dataSource) implements AutoCloseable {

		static Database of(String vendor) {
			if (vendor.equals("h2")) {
				String url = "jdbc:h2:mem:personal_data_" + UUID.randomUUID().toString().replace("-", "")
						+ ";DB_CLOSE_DELAY=-1";
				return new Database(vendor, url, "sa", "", null, new SingleConnectionDataSource(url, "sa", "", true));
			}
			TestDatabase database = TestDatabase.get();
			String schema = database.schema() + "_personal_data";
			String url = database.jdbcUrl(schema);
			return new Database(vendor, url, database.username(), database.password(), schema,
					new SingleConnectionDataSource(url, database.username(), database.password(), true));
		}

		void migrate(String target) {
			var flyway = Flyway.configure()
				.dataSource(this.dataSource)
				.locations(ProjectionMigrations.COMMON,
						this.vendor.equals("h2") ? ProjectionMigrations.H2 : ProjectionMigrations.POSTGRESQL);
			if (this.schema != null) {
				flyway.schemas(this.schema);
			}
			if (target != null) {
				flyway.target(target);
			}
			flyway.load().migrate();
		}

		JdbcClient jdbc() {
			return JdbcClient.create(this.dataSource);
		}

		@Override
		public void close() throws SQLException {
			this.dataSource.destroy();
			if (this.schema != null) {
				TestDatabase database = TestDatabase.get();
				try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), this.username,
						this.password); Statement drop = connection.createStatement()) {
					drop.execute("DROP SCHEMA " + this.schema + " CASCADE");
				}
			}
		}

	}

}
