package io.membership.query.feed;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.topics.MembershipTopics;

/**
 * One consumer's position in each partition of the events topic
 * ({@code qs_consumer_positions}), kept in the database with the projections: it is
 * stored in the transaction that applies the records before it, so the two never
 * disagree.
 */
final class ConsumerPositions {

	private final JdbcClient jdbc;

	private final String consumerName;

	private final String topic;

	/**
	 * @param consumerName this instance's name for its position; instances sharing a
	 * database must each have their own
	 */
	ConsumerPositions(JdbcClient jdbc, String consumerName) {
		this(jdbc, consumerName, MembershipTopics.EVENTS);
	}

	/** The consumer's positions in another of the topics the query side reads. */
	ConsumerPositions(JdbcClient jdbc, String consumerName, String topic) {
		this.jdbc = jdbc;
		this.consumerName = consumerName;
		this.topic = topic;
	}

	/** Per partition, the offset of the next record to apply; none for a new consumer. */
	Map<Integer, Long> stored() {
		Map<Integer, Long> stored = new HashMap<>();
		this.jdbc
			.sql("SELECT partition_id, next_offset FROM qs_consumer_positions WHERE consumer_name = ? AND topic = ?")
			.params(this.consumerName, this.topic)
			.query((row) -> {
				stored.put(row.getInt(1), row.getLong(2));
			});
		return stored;
	}

	/**
	 * Forgets every consumer's position in the events topic, so that each reads it again
	 * from the start: for a topic written anew, whose offsets no longer mean what the
	 * stored ones meant. What the views already hold is skipped as duplicates.
	 */
	static int forgetEveryConsumer(JdbcClient jdbc) {
		return jdbc.sql("DELETE FROM qs_consumer_positions WHERE topic = ?").param(MembershipTopics.EVENTS).update();
	}

	/** Records the offset of the next record to apply, in the caller's transaction. */
	void store(TopicPartition partition, long nextOffset) {
		int updated = this.jdbc
			.sql("UPDATE qs_consumer_positions SET next_offset = ? WHERE consumer_name = ? AND topic = ? "
					+ "AND partition_id = ?")
			.params(nextOffset, this.consumerName, partition.topic(), partition.partition())
			.update();
		if (updated == 0) {
			this.jdbc
				.sql("INSERT INTO qs_consumer_positions (consumer_name, topic, partition_id, next_offset) "
						+ "VALUES (?, ?, ?, ?)")
				.params(this.consumerName, partition.topic(), partition.partition(), nextOffset)
				.update();
		}
	}

}
