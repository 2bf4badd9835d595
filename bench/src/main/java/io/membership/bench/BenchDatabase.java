package io.membership.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The PostgreSQL the service runs against, one schema per service instance, created here
 * and dropped at the end of the run.
 */
final class BenchDatabase implements AutoCloseable {

	private final BenchSettings settings;

	private final List<String> schemas = new ArrayList<>();

	BenchDatabase(BenchSettings settings) {
		this.settings = settings;
	}

	/** A new, empty schema named {@code bench_<random>}. */
	String createSchema() {
		String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
		execute(null, "CREATE SCHEMA " + schema);
		this.schemas.add(schema);
		return schema;
	}

	Connection connect(String schema) throws SQLException {
		String url = (schema != null) ? urlWithSchema(this.settings.dbUrl(), schema) : this.settings.dbUrl();
		return DriverManager.getConnection(url, this.settings.dbUser(), this.settings.dbPassword());
	}

	void execute(String schema, String sql) {
		try (Connection connection = connect(schema); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Failed: " + sql + " (" + ex.getMessage() + ")", ex);
		}
	}

	/** Every table of the schema and how many rows it holds. */
	java.util.Map<String, Long> rowCounts(String schema) {
		java.util.Map<String, Long> counts = new java.util.TreeMap<>();
		try (Connection connection = connect(schema)) {
			List<String> tables = new ArrayList<>();
			try (var statement = connection.prepareStatement(
					"SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'")) {
				statement.setString(1, schema);
				try (var rows = statement.executeQuery()) {
					while (rows.next()) {
						tables.add(rows.getString(1));
					}
				}
			}
			for (String table : tables) {
				try (Statement statement = connection.createStatement();
						var rows = statement.executeQuery("SELECT COUNT(*) FROM " + schema + "." + table)) {
					rows.next();
					counts.put(table, rows.getLong(1));
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot count the rows of " + schema + ": " + ex.getMessage(), ex);
		}
		return counts;
	}

	String serverVersion() {
		try (Connection connection = connect(null);
				Statement statement = connection.createStatement();
				var rows = statement.executeQuery("SHOW server_version")) {
			rows.next();
			return rows.getString(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot reach PostgreSQL at " + this.settings.dbUrl() + " as "
					+ this.settings.dbUser() + ": " + ex.getMessage(), ex);
		}
	}

	static String urlWithSchema(String url, String schema) {
		return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
	}

	@Override
	public void close() {
		for (String schema : this.schemas) {
			try {
				execute(null, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
			}
			catch (RuntimeException ex) {
				System.err.println("Could not drop schema " + schema + ": " + ex.getMessage());
			}
		}
		this.schemas.clear();
	}

}
