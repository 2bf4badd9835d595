package io.membership.infra.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import tools.jackson.databind.JsonNode;

import io.membership.audit.AuditExport;
import io.membership.audit.personal.PersonalData;
import io.membership.audit.chain.HashChain;
import io.membership.events.json.MembershipJson;
import io.membership.infra.support.TestDatabase;

/**
 * One organization far larger than all the others is exported in one pass over its rows.
 *
 * <p>
 * PostgreSQL plans a query from statistics: with many small organizations it expects any
 * one of them to have a row or two, and a statement the driver has prepared on the
 * connection keeps its plan while an organization grows. A plan made for one row, run
 * over {@value #LARGE} events, is quadratic: the export read the whole hash chain once
 * per event (14 minutes for 100,000 events in the service's own suite). The test builds
 * that situation on one connection, then counts the chain rows the database read for the
 * export, a figure that does not depend on how fast the machine is. The system-wide
 * export, which keeps its join, is held to the same bound after exports of a single
 * event.
 */
class LargeOrganizationExportTest {

	static final int SMALL_ORGANIZATIONS = 300;

	static final int LARGE = 10_000;

	private static String schema;

	private static SingleConnectionDataSource connection;

	private static AuditExport export;

	@BeforeAll
	static void manySmallOrganizationsWithFreshStatistics() throws SQLException {
		TestDatabase database = TestDatabase.get();
		schema = database.migratedSchema("large_export");
		// One connection for everything, as a pooled connection serves export after
		// export.
		connection = new SingleConnectionDataSource(database.jdbcUrl(schema) + "&reWriteBatchedInserts=true",
				database.username(), database.password(), true);
		export = new AuditExport(new JdbcTemplate(connection), new DataSourceTransactionManager(connection),
				Clock.systemUTC(), Duration.ofSeconds(5), new PersonalData(connection));
		for (int i = 0; i < SMALL_ORGANIZATIONS; i++) {
			SyntheticHistory.insert(connection.getConnection(), SyntheticHistory.newOrganization("small" + i), 1);
		}
		try (Statement statement = connection.getConnection().createStatement()) {
			// What autovacuum does in production as the tables fill.
			statement.execute("ANALYZE domainevententry, event_hash_chain");
		}
	}

	@AfterAll
	static void dropSchema() throws SQLException {
		try (Statement statement = connection.getConnection().createStatement()) {
			statement.execute("DROP SCHEMA " + schema + " CASCADE");
		}
		connection.destroy();
	}

	@Test
	void an_organization_far_larger_than_the_others_is_exported_reading_each_chain_row_once() throws SQLException {
		List<String> small = smallOrganizations();
		// Enough exports of small organizations for the driver to prepare the statement
		// on
		// the server and for PostgreSQL to settle on a plan for it.
		for (int i = 0; i < 12; i++) {
			assertThat(lines(exportOf(small.get(i)))).hasSize(1);
		}
		String large = SyntheticHistory.newOrganization("large");
		SyntheticHistory.insert(connection.getConnection(), large, LARGE);

		long chainRowsBefore = chainRowsRead();
		List<JsonNode> exported = lines(exportOf(large));
		long chainRowsRead = chainRowsRead() - chainRowsBefore;
		System.out.printf("LargeOrganizationExportTest: exporting %,d events read %,d hash chain rows%n", LARGE,
				chainRowsRead);

		assertThat(exported).hasSize(LARGE);
		String previous = HashChain.GENESIS;
		for (int i = 0; i < exported.size(); i++) {
			JsonNode line = exported.get(i);
			assertThat(line.path("version").asLong()).isEqualTo(i + 1);
			assertThat(line.path("prev_hash").asString()).isEqualTo(previous);
			previous = line.path("hash").asString();
		}
		assertThat(chainRowsRead).as("hash chain rows the database read to export %,d events", LARGE)
			.isLessThan(2L * LARGE);
	}

	@Test
	void the_system_wide_export_reads_each_chain_row_once_whatever_plan_small_exports_left() throws SQLException {
		String tail = SyntheticHistory.newOrganization("tail");
		SyntheticHistory.insert(connection.getConnection(), tail, 1);
		long tailPosition = new JdbcTemplate(connection)
			.queryForObject("SELECT globalindex FROM domainevententry WHERE aggregateidentifier = ?", Long.class, tail);
		// Exports of the last event only, enough for a prepared statement and a plan of
		// its own.
		for (int i = 0; i < 12; i++) {
			assertThat(lines(allAfter(tailPosition - 1))).hasSize(1);
		}
		String large = SyntheticHistory.newOrganization("large_all");
		SyntheticHistory.insert(connection.getConnection(), large, LARGE);

		long chainRowsBefore = chainRowsRead();
		List<JsonNode> exported = lines(allAfter(tailPosition));
		long chainRowsRead = chainRowsRead() - chainRowsBefore;
		System.out.printf(
				"LargeOrganizationExportTest: the system-wide export of %,d events read %,d hash chain rows%n",
				exported.size(), chainRowsRead);

		assertThat(exported).hasSizeGreaterThanOrEqualTo(LARGE);
		assertThat(exported).allSatisfy((line) -> assertThat(line.path("hash").asString()).hasSize(64));
		long total = new JdbcTemplate(connection).queryForObject("SELECT count(*) FROM event_hash_chain", Long.class);
		assertThat(chainRowsRead).as("hash chain rows the database read to export %,d events", exported.size())
			.isLessThanOrEqualTo(2 * total);
	}

	/**
	 * The system-wide export after a position; the settle time is zero, so nothing is
	 * held back (the synthetic events are dated in the past anyway).
	 */
	private static byte[] allAfter(long position) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		export.all(position, out);
		return out.toByteArray();
	}

	/** The small organizations made before the tests, one event each. */
	private static List<String> smallOrganizations() {
		return new JdbcTemplate(connection)
			.queryForList("SELECT organization_id FROM event_hash_chain WHERE organization_id LIKE 'org\\_small%' "
					+ "ORDER BY organization_id", String.class);
	}

	private static byte[] exportOf(String organization) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		export.organization(organization, 0, out);
		return out.toByteArray();
	}

	private static List<JsonNode> lines(byte[] export) {
		return new String(export, StandardCharsets.UTF_8).lines()
			.map((line) -> MembershipJson.mapper().readTree(line))
			.toList();
	}

	/**
	 * Rows of the chain table PostgreSQL has read so far, by sequential and index scans.
	 * The connection's own counts are flushed first: a backend reports them when it goes
	 * idle, and {@code pg_stat_force_next_flush} makes that immediate.
	 */
	private static long chainRowsRead() throws SQLException {
		Connection shared = connection.getConnection();
		try (Statement statement = shared.createStatement()) {
			statement.execute("SELECT pg_stat_force_next_flush()");
			statement.execute("SELECT pg_stat_clear_snapshot()");
		}
		Long read = new JdbcTemplate(connection)
			.queryForObject("SELECT COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0) FROM pg_stat_user_tables "
					+ "WHERE schemaname = ? AND relname = 'event_hash_chain'", Long.class, schema);
		return (read != null) ? read : 0;
	}

}
