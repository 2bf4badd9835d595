package io.membership.infra.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.membership.events.MembershipEvent;
import io.membership.events.json.MembershipJson;
import io.membership.infra.support.TestDatabase;

/**
 * A PostgreSQL schema of its own for one fault scenario, on the tests' database server
 * ({@link TestDatabase}) or one the scenario runs itself: the services under test create
 * their tables in it with Flyway, and the test reads the event store straight from it.
 * Dropped on close.
 */
final class FaultSchema implements AutoCloseable {

	private static final Pattern SERVER = Pattern.compile("jdbc:postgresql://([^:/?]+)(?::(\\d+))?(/.*)");

	private final String serverUrl;

	private final String username;

	private final String password;

	private final String name;

	private FaultSchema(String serverUrl, String username, String password, String name) {
		this.serverUrl = serverUrl;
		this.username = username;
		this.password = password;
		this.name = name;
	}

	static FaultSchema create(String scenario) {
		TestDatabase database = TestDatabase.get();
		return create(scenario, database.serverUrl(), database.username(), database.password());
	}

	/** A schema on another server, such as a cluster the scenario runs itself. */
	static FaultSchema create(String scenario, String serverUrl, String username, String password) {
		String name = "fault_" + scenario + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		FaultSchema schema = new FaultSchema(serverUrl, username, password, name);
		schema.execute("CREATE SCHEMA " + name);
		return schema;
	}

	String name() {
		return this.name;
	}

	String username() {
		return this.username;
	}

	String password() {
		return this.password;
	}

	String jdbcUrl() {
		String server = this.serverUrl;
		return server + (server.contains("?") ? "&" : "?") + "currentSchema=" + this.name;
	}

	/** The same database through another host and port, e.g. a proxy. */
	String jdbcUrlVia(String host, int port) {
		Matcher url = SERVER.matcher(jdbcUrl());
		if (!url.matches()) {
			throw new IllegalStateException("Not a PostgreSQL JDBC URL: " + jdbcUrl());
		}
		return "jdbc:postgresql://" + host + ":" + port + url.group(3);
	}

	/** The database server's host. */
	String serverHost() {
		Matcher url = SERVER.matcher(this.serverUrl);
		if (!url.matches()) {
			throw new IllegalStateException("Not a PostgreSQL JDBC URL: " + this.serverUrl);
		}
		return url.group(1);
	}

	/** The database server's port. */
	int serverPort() {
		Matcher url = SERVER.matcher(this.serverUrl);
		if (!url.matches()) {
			throw new IllegalStateException("Not a PostgreSQL JDBC URL: " + this.serverUrl);
		}
		return (url.group(2) != null) ? Integer.parseInt(url.group(2)) : 5432;
	}

	Connection connect() throws SQLException {
		return DriverManager.getConnection(jdbcUrl(), username(), password());
	}

	/** Every event in the store, in the order it was stored. */
	List<StoredEvent> events() {
		List<StoredEvent> events = new ArrayList<>();
		try (Connection connection = connect();
				PreparedStatement query = connection.prepareStatement("SELECT globalindex, aggregateidentifier, "
						+ "sequencenumber, eventidentifier, payloadtype, payload FROM domainevententry "
						+ "ORDER BY globalindex")) {
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					Class<?> type = Class.forName(rows.getString("payloadtype"));
					MembershipEvent event = (MembershipEvent) MembershipJson.mapper()
						.readValue(rows.getBytes("payload"), type);
					events.add(new StoredEvent(rows.getLong("globalindex"), rows.getString("aggregateidentifier"),
							rows.getLong("sequencenumber"), rows.getString("eventidentifier"), event));
				}
			}
		}
		catch (SQLException | ClassNotFoundException ex) {
			throw new IllegalStateException("Cannot read the event store in " + this.name, ex);
		}
		return events;
	}

	long count(String sql, Object... parameters) {
		try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				query.setObject(i + 1, parameters[i]);
			}
			try (ResultSet rows = query.executeQuery()) {
				rows.next();
				return rows.getLong(1);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot run " + sql + " in " + this.name, ex);
		}
	}

	<T> List<T> query(String sql, RowReader<T> reader, Object... parameters) {
		List<T> results = new ArrayList<>();
		try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				query.setObject(i + 1, parameters[i]);
			}
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					results.add(reader.read(rows));
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot run " + sql + " in " + this.name, ex);
		}
		return results;
	}

	private void execute(String sql) {
		try (Connection connection = DriverManager.getConnection(this.serverUrl, username(), password());
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot run " + sql, ex);
		}
	}

	@Override
	public void close() {
		execute("DROP SCHEMA IF EXISTS " + this.name + " CASCADE");
	}

	/** Reads one row. */
	@FunctionalInterface
	interface RowReader<T> {

		T read(ResultSet row) throws SQLException;

	}

	/** One row of {@code domainevententry}. */
	record StoredEvent(long globalIndex, String organizationId, long sequenceNumber, String eventId,
			MembershipEvent event) {

		/** The organization's version this event made. */
		long version() {
			return this.sequenceNumber + 1;
		}

	}

}
