package io.membership.query.rebuild;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.membership.topics.MembershipTopics;

/**
 * The live database's projection tables as a rebuild sees them: which there are, how far
 * into the topic they reflect, and how to make a running consumer wait while they are
 * replaced.
 */
final class LiveTables {

	/** Where each consumer keeps its position; not a projection, never compared. */
	static final String POSITIONS_TABLE = "qs_consumer_positions";

	private LiveTables() {
	}

	/**
	 * Every projection table of the database ({@code qs_*}) but the consumer positions.
	 */
	static List<String> projectionTables(Connection connection) throws SQLException {
		Set<String> tables = new TreeSet<>();
		try (ResultSet rows = connection.getMetaData()
			.getTables(connection.getCatalog(), connection.getSchema(), "%", new String[] { "TABLE" })) {
			while (rows.next()) {
				String name = rows.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
				if (name.startsWith("qs_") && !name.equals(POSITIONS_TABLE)) {
					tables.add(name);
				}
			}
		}
		return new ArrayList<>(tables);
	}

	/**
	 * For each partition, the furthest any consumer has got: instances sharing the
	 * database each keep a position, and the tables reflect every event below the
	 * furthest.
	 */
	static Map<Integer, Long> positions(Connection connection) throws SQLException {
		Map<Integer, Long> positions = new TreeMap<>();
		try (PreparedStatement select = connection.prepareStatement("SELECT partition_id, MAX(next_offset) FROM "
				+ POSITIONS_TABLE + " WHERE topic = ? GROUP BY partition_id")) {
			select.setString(1, MembershipTopics.EVENTS);
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					positions.put(rows.getInt(1), rows.getLong(2));
				}
			}
		}
		return positions;
	}

	/**
	 * Makes a running consumer wait until the caller's transaction ends (PostgreSQL
	 * only). Every consumer transaction writes {@code qs_organizations} first, so it is
	 * locked first.
	 */
	static void lock(Connection connection) throws SQLException {
		List<String> tables = new ArrayList<>(projectionTables(connection));
		tables.sort(Comparator.comparing((String table) -> !table.equals("qs_organizations")));
		tables.add(POSITIONS_TABLE);
		try (Statement lock = connection.createStatement()) {
			lock.execute("LOCK TABLE " + String.join(", ", tables) + " IN EXCLUSIVE MODE");
		}
	}

	static boolean isPostgres(Connection connection) throws SQLException {
		return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
	}

}
