package io.membership.query.rebuild;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.membership.query.rebuild.TableShape.Row;
import io.membership.topics.MembershipTopics;

/**
 * Replaces the live projection tables' rows with the rebuilt ones, and every consumer's
 * position with the offsets the replay reached, in the caller's transaction: a consumer
 * that carries on afterwards finds every event below its position applied.
 */
final class TableReplacement {

	private static final int BATCH = 1000;

	private TableReplacement() {
	}

	/**
	 * Deletes every live projection row, copies the rebuilt ones in, and sets the
	 * positions of {@code consumerName} and of every consumer the table knows to
	 * {@code end}.
	 */
	static void replace(Connection live, Connection rebuilt, Map<Integer, Long> end, Map<Integer, Long> personalDataEnd,
			String consumerName) throws SQLException {
		for (String table : LiveTables.projectionTables(live)) {
			copy(live, rebuilt, TableShape.of(live, table));
		}
		setPositions(live, MembershipTopics.EVENTS, end, consumerName);
		setPositions(live, MembershipTopics.PERSONAL_DATA, personalDataEnd, consumerName);
	}

	private static void copy(Connection live, Connection rebuilt, TableShape shape) throws SQLException {
		try (Statement delete = live.createStatement()) {
			delete.executeUpdate("DELETE FROM " + shape.table());
		}
		try (PreparedStatement select = rebuilt.prepareStatement(shape.select(false));
				ResultSet rows = select.executeQuery();
				PreparedStatement insert = live.prepareStatement(shape.insert())) {
			int batched = 0;
			for (Row row = shape.next(rows); row != null; row = shape.next(rows)) {
				shape.bind(insert, row);
				insert.addBatch();
				if (++batched % BATCH == 0) {
					insert.executeBatch();
				}
			}
			insert.executeBatch();
		}
	}

	private static void setPositions(Connection live, String topic, Map<Integer, Long> end, String consumerName)
			throws SQLException {
		Set<String> consumers = new LinkedHashSet<>();
		consumers.add(consumerName);
		try (Statement select = live.createStatement();
				ResultSet rows = select
					.executeQuery("SELECT DISTINCT consumer_name FROM " + LiveTables.POSITIONS_TABLE)) {
			while (rows.next()) {
				consumers.add(rows.getString(1));
			}
		}
		try (PreparedStatement delete = live
			.prepareStatement("DELETE FROM " + LiveTables.POSITIONS_TABLE + " WHERE topic = ?")) {
			delete.setString(1, topic);
			delete.executeUpdate();
		}
		try (PreparedStatement insert = live.prepareStatement("INSERT INTO " + LiveTables.POSITIONS_TABLE
				+ " (consumer_name, topic, partition_id, next_offset) VALUES (?, ?, ?, ?)")) {
			for (String consumer : consumers) {
				for (Map.Entry<Integer, Long> position : end.entrySet()) {
					insert.setString(1, consumer);
					insert.setString(2, topic);
					insert.setInt(3, position.getKey());
					insert.setLong(4, position.getValue());
					insert.addBatch();
				}
			}
			insert.executeBatch();
		}
	}

}
