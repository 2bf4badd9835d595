package io.membership.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;

/**
 * The least a durable projection of {@code membership.events.v1} can be: a plain consumer
 * ({@link Topics#consumer}: no group, every partition from offset 0, the service's poll
 * size of 1,000 records) that writes one row per record (organization, version, event id,
 * payload) into a PostgreSQL table, one JDBC batch and one commit per poll. It decides
 * nothing and keeps no positions; it is the ceiling the service's rebuild is compared
 * with ({@code replay_ratio_to_durable_consumer}).
 */
final class DurableConsumer {

	static final String TABLE = "bench_durable_projection";

	/**
	 * Keyed as a projection keys an organization's events, so a record delivered twice is
	 * written once, as the service's projection would.
	 */
	static final String CREATE_TABLE = "CREATE TABLE " + TABLE + " (organization_id VARCHAR(255) NOT NULL, "
			+ "version BIGINT NOT NULL, event_id VARCHAR(255) NOT NULL, payload BYTEA NOT NULL, "
			+ "PRIMARY KEY (organization_id, version))";

	private static final String INSERT = "INSERT INTO " + TABLE + " (organization_id, version, event_id, payload) "
			+ "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";

	private DurableConsumer() {
	}

	/**
	 * Reads the topic from the start into the table, over a connection of its own
	 * (autocommit off), until {@code expected} records are written or the timeout.
	 */
	static Topics.Read readAll(String bootstrapServers, Connection connection, long expected, Duration timeout)
			throws SQLException {
		long started = System.nanoTime();
		long deadline = started + timeout.toNanos();
		long first = 0;
		long records = 0;
		long bytes = 0;
		connection.setAutoCommit(false);
		try (KafkaConsumer<byte[], byte[]> consumer = Topics.consumer(bootstrapServers, "bench-durable-consumer");
				PreparedStatement insert = connection.prepareStatement(INSERT)) {
			consumer.seekToBeginning(consumer.assignment());
			while (records < expected && System.nanoTime() < deadline) {
				ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(500));
				if (polled.isEmpty()) {
					continue;
				}
				if (first == 0) {
					first = System.nanoTime();
				}
				for (ConsumerRecord<byte[], byte[]> record : polled) {
					insert.setString(1, new String(record.key(), StandardCharsets.UTF_8));
					insert.setLong(2, Long.parseLong(header(record, "ce_orgversion")));
					insert.setString(3, header(record, "ce_id"));
					insert.setBytes(4, record.value());
					insert.addBatch();
					bytes += record.serializedValueSize();
				}
				insert.executeBatch();
				connection.commit();
				records += polled.count();
			}
		}
		long ended = System.nanoTime();
		return new Topics.Read(records, bytes, (ended - started) / 1e9,
				(ended - ((first != 0) ? first : started)) / 1e9);
	}

	private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		if (header == null) {
			throw new IllegalStateException("A record at " + record.topic() + "-" + record.partition() + "@"
					+ record.offset() + " has no " + name + " header");
		}
		return new String(header.value(), StandardCharsets.UTF_8);
	}

}
