package io.membership.infra.queries;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import io.membership.infra.support.TestDatabase;
import io.membership.query.projection.MembershipProjection;

/**
 * The query side's projection tables ({@code qs_*}, not the consumer's positions) in one
 * schema: the live one the service keeps, or an empty copy made by the service's own
 * migrations, with a {@link MembershipProjection} of its own over it.
 */
final class ProjectionTables {

	/** The projections API.md's queries are answered from. */
	static final List<String> TABLES = List.of("qs_organizations", "qs_invitations", "qs_members", "qs_workspaces",
			"qs_member_workspaces", "qs_member_timeline", "qs_role_history", "qs_activity_log", "qs_projection_gaps",
			"qs_quarantined_organizations", "qs_projects", "qs_project_members", "qs_project_timeline");

	private final String schema;

	private final SingleConnectionDataSource dataSource;

	private final TransactionTemplate transactions;

	private ProjectionTables(String schema) {
		this.schema = schema;
		TestDatabase database = TestDatabase.get();
		// One connection, kept open: a replay runs thousands of statements.
		this.dataSource = new SingleConnectionDataSource(database.jdbcUrl(schema), database.username(),
				database.password(), true);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
	}

	/** The tables the running service keeps. */
	static ProjectionTables live() {
		return new ProjectionTables(TestDatabase.get().schema());
	}

	/**
	 * A new schema named after the run's with this suffix, migrated by the service's own
	 * Flyway migrations, so its projection tables exist and are empty.
	 */
	static ProjectionTables empty(String suffix) {
		return new ProjectionTables(TestDatabase.get().migratedSchema(suffix));
	}

	String schema() {
		return this.schema;
	}

	/**
	 * A projection writing into this schema, as the service's consumer applies events.
	 */
	MembershipProjection projection() {
		return new MembershipProjection(JdbcClient.create(this.dataSource));
	}

	JdbcClient jdbc() {
		return JdbcClient.create(this.dataSource);
	}

	/**
	 * Runs the work (applying events with {@link #projection()}) in one transaction, as
	 * the service's consumer applies a poll's records.
	 */
	<T> T inTransaction(Supplier<T> work) {
		return this.transactions.execute((status) -> work.get());
	}

	/**
	 * The names of this schema's projection tables fed from the events topic, as the
	 * database lists them. Not {@code qs_personal_data}, fed from the personal-data topic
	 * and keyed by person rather than organization: the query side's
	 * {@code ProjectionRebuildTest} and {@code PersonalDataErasureTest} compare it.
	 */
	List<String> tableNames() {
		return jdbc()
			.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_name LIKE 'qs\\_%' "
					+ "AND table_name NOT IN ('qs_consumer_positions', 'qs_personal_data') ORDER BY table_name")
			.param(this.schema)
			.query(String.class)
			.list();
	}

	/**
	 * Every row of every projection table that belongs to these organizations, every
	 * column, ordered by all columns: two snapshots are equal exactly when the tables
	 * hold the same rows.
	 */
	Map<String, List<List<Object>>> snapshot(Collection<String> organizations, Collection<String> tables) {
		Map<String, List<List<Object>>> snapshot = new LinkedHashMap<>();
		String in = String.join(", ", organizations.stream().map((organization) -> "?").toList());
		try (Connection connection = this.dataSource.getConnection()) {
			for (String table : tables) {
				int columns = columnCount(connection, table);
				StringBuilder orderBy = new StringBuilder();
				for (int column = 1; column <= columns; column++) {
					orderBy.append((column > 1) ? ", " : "").append(column);
				}
				try (PreparedStatement query = connection.prepareStatement(
						"SELECT * FROM " + table + " WHERE organization_id IN (" + in + ") ORDER BY " + orderBy)) {
					int index = 1;
					for (String organization : organizations) {
						query.setString(index++, organization);
					}
					List<List<Object>> rows = new ArrayList<>();
					try (ResultSet result = query.executeQuery()) {
						while (result.next()) {
							List<Object> row = new ArrayList<>();
							for (int column = 1; column <= columns; column++) {
								row.add(result.getObject(column));
							}
							rows.add(row);
						}
					}
					snapshot.put(table, rows);
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return snapshot;
	}

	private static int columnCount(Connection connection, String table) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet empty = statement.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
			ResultSetMetaData metadata = empty.getMetaData();
			return metadata.getColumnCount();
		}
	}

	/** Closes the connection. */
	void close() {
		this.dataSource.destroy();
	}

	/** Drops the schema and closes the connection; for copies only. */
	void drop() {
		close();
		TestDatabase database = TestDatabase.get();
		if (this.schema.equals(database.schema())) {
			throw new IllegalStateException("the live schema is not dropped by a test");
		}
		try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(),
				database.password()); Statement statement = connection.createStatement()) {
			statement.execute("DROP SCHEMA IF EXISTS " + this.schema + " CASCADE");
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
