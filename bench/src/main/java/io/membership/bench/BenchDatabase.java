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
