package io.membership.infra.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import io.membership.query.projection.ProjectionMigrations;

/**
 * The PostgreSQL the tests run against: a Testcontainers PostgreSQL where a Docker engine
 * runs, otherwise the server at {@code MEMBERSHIP_TEST_DB_URL} (default the local
 * {@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}). Each test JVM
 * works in a schema of its own, dropped when the JVM exits. A database that cannot be
 * reached fails the tests with instructions; it never skips them.
 */
public final class TestDatabase {

	private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";

	private static TestDatabase instance;

	private final String url;

	private final String username;

	private final String password;

	private final String schema;

	private TestDatabase(String url, String username, String password) {
		this.url = url;
		this.username = username;
		this.password = password;
		this.schema = "membership_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

	public static synchronized TestDatabase get() {
		if (instance == null) {
			instance = start();
			instance.createSchema();
			Runtime.getRuntime().addShutdownHook(new Thread(instance::dropSchema, "drop-test-schema"));
		}
		return instance;
	}

	private static TestDatabase start() {
		String configuredUrl = System.getenv("MEMBERSHIP_TEST_DB_URL");
		if (configuredUrl == null && DockerClientFactory.instance().isDockerAvailable()) {
			PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
			container.start();
			return new TestDatabase(container.getJdbcUrl(), container.getUsername(), container.getPassword());
		}
		String url = (configuredUrl != null) ? configuredUrl : DEFAULT_URL;
		String username = env("MEMBERSHIP_TEST_DB_USER", "postgres");
		String password = env("MEMBERSHIP_TEST_DB_PASSWORD", "");
		return new TestDatabase(url, username, password);
	}

	private static String env(String name, String fallback) {
		String value = System.getenv(name);
		return (value != null) ? value : fallback;
	}

	/** The JDBC URL that puts every connection in this run's schema. */
	public String jdbcUrl() {
		return jdbcUrl(this.schema);
	}

	/**
	 * The JDBC URL that puts every connection in another schema of the same database, for
	 * tests that build a second copy of some tables (name it after {@link #schema()} so a
	 * leftover is recognisable).
	 */
	public String jdbcUrl(String otherSchema) {
		return this.url + (this.url.contains("?") ? "&" : "?") + "currentSchema=" + otherSchema;
	}

	/**
	 * The server's JDBC URL without a schema, for tests that give each service process a
	 * schema of its own.
	 */
	public String serverUrl() {
		return this.url;
	}

	public String username() {
		return this.username;
	}

	public String password() {
		return this.password;
	}

	public String schema() {
		return this.schema;
	}

	/**
	 * A new schema named after the run's with this suffix, with the service's own
	 * PostgreSQL migrations applied (infra's and the query side's, as
	 * {@code spring.flyway.locations} lists them): its tables exist and are empty.
	 */
	public String migratedSchema(String suffix) {
		String migrated = this.schema + "_" + suffix;
		Flyway.configure()
			.dataSource(jdbcUrl(migrated), this.username, this.password)
			.schemas(migrated)
			.locations("classpath:db/migration/common", "classpath:db/migration/postgresql",
					ProjectionMigrations.COMMON, ProjectionMigrations.POSTGRESQL)
			.load()
			.migrate();
		return migrated;
	}

	public Connection connect() throws SQLException {
		return DriverManager.getConnection(jdbcUrl(), this.username, this.password);
	}

	private void createSchema() {
		try (Connection connection = DriverManager.getConnection(this.url, this.username, this.password);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE SCHEMA " + this.schema);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("""
					The tests need PostgreSQL and could not reach it at %s as '%s': %s
					Start the local server (pg_ctlcluster 15 main start), or point MEMBERSHIP_TEST_DB_URL, \
					MEMBERSHIP_TEST_DB_USER and MEMBERSHIP_TEST_DB_PASSWORD at one, or run where a Docker engine \
					is available so Testcontainers can start one.""".formatted(this.url, this.username,
					ex.getMessage()), ex);
		}
	}

	private void dropSchema() {
		try (Connection connection = DriverManager.getConnection(this.url, this.username, this.password);
				Statement statement = connection.createStatement()) {
			statement.execute("DROP SCHEMA IF EXISTS " + this.schema + " CASCADE");
		}
		catch (SQLException ex) {
			// The JVM is exiting; a leftover schema is harmless and named for what it is.
		}
	}

}
