package io.membership.infra.query;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import io.membership.events.MembershipEvent;
import io.membership.events.json.MembershipJson;
import io.membership.infra.kafka.KafkaBootstrapServers;
import io.membership.infra.kafka.KafkaSettings;
import io.membership.infra.kafka.MembershipTopics;
import io.membership.infra.web.DatabaseUnavailable;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.ProjectedEvent;
import io.membership.query.view.PermissionView;

/**
 * Feeds the query side from {@code membership.events.v1}, the same stream downstream
 * services read. Each poll is applied in one database transaction together with this
 * consumer's position in every partition, so a crash neither loses nor double-applies an
 * event; the in-memory permission view follows once the transaction has committed.
 *
 * <p>
 * It reads every partition itself (no consumer-group rebalancing): each instance's
 * in-memory view must see every organization. Several instances sharing one database each
 * keep their own position, and the projection's per-organization version makes the second
 * writer of an event a no-op.
 */
public class ProjectionConsumer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ProjectionConsumer.class);

	private final Properties properties = new Properties();

	private final String consumerName;

	private final MembershipProjection projection;

	private final PermissionView view;

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private volatile Consumer<String, byte[]> consumer;

	private volatile Thread thread;

	private volatile boolean running;

	public ProjectionConsumer(KafkaBootstrapServers bootstrapServers, KafkaSettings settings, String consumerName,
			MembershipProjection projection, PermissionView view, JdbcClient jdbc, TransactionTemplate transactions) {
		this.properties.putAll(settings.clientProperties());
		this.properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.value());
		this.properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		this.properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
		this.properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "membership-query-" + consumerName);
		this.consumerName = consumerName;
		this.projection = projection;
		this.view = view;
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	@Override
	public synchronized void start() {
		this.view.loadAll();
		this.consumer = new KafkaConsumer<>(this.properties, new StringDeserializer(), new ByteArrayDeserializer());
		this.running = true;
		this.thread = new Thread(this::run, "query-projection");
		this.thread.start();
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.consumer != null) {
			this.consumer.wakeup();
		}
		if (this.thread != null) {
			try {
				this.thread.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Follows the topic until stopped. A failure (Kafka unreachable at start, a database
	 * error) never ends the loop: it starts again from the last committed positions.
	 */
	private void run() {
		try (Consumer<String, byte[]> kafka = this.consumer) {
			while (this.running) {
				try {
					follow(kafka);
				}
				catch (WakeupException stopping) {
					return;
				}
				catch (RuntimeException ex) {
					if (DatabaseUnavailable.causedBy(ex)) {
						logger.warn("The database is unavailable; starting again from the last committed position: {}",
								ex.getMessage());
					}
					else {
						logger.error("The query-side consumer failed; starting again from the last committed position",
								ex);
					}
					pause();
				}
			}
		}
		finally {
			this.running = false;
		}
	}

	private void follow(Consumer<String, byte[]> kafka) {
		List<TopicPartition> partitions = kafka.partitionsFor(MembershipTopics.EVENTS)
			.stream()
			.map((info) -> new TopicPartition(info.topic(), info.partition()))
			.toList();
		kafka.assign(partitions);
		seekToStoredPositions(kafka, partitions);
		while (this.running) {
			ConsumerRecords<String, byte[]> records = kafka.poll(Duration.ofMillis(500));
			if (!records.isEmpty()) {
				List<ProjectedEvent> committed = this.transactions.execute((status) -> applyAll(records));
				committed.forEach(this.view::accept);
			}
		}
	}

	private List<ProjectedEvent> applyAll(ConsumerRecords<String, byte[]> records) {
		List<ProjectedEvent> applied = new ArrayList<>();
		Map<TopicPartition, Long> positions = new HashMap<>();
		for (ConsumerRecord<String, byte[]> record : records) {
			parse(record).ifPresent(applied::add);
			positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
		}
		this.projection.applyAll(applied);
		positions.forEach(this::storePosition);
		return applied;
	}

	/**
	 * The event a record carries, or empty for a type this version does not know (also
	 * what a rebuild replays).
	 */
	static Optional<ProjectedEvent> parse(ConsumerRecord<String, byte[]> record) {
		String type = header(record, "ce_type");
		Optional<Class<? extends MembershipEvent>> eventClass = (type != null) ? MembershipEvent.typeNamed(type)
				: Optional.empty();
		if (eventClass.isEmpty()) {
			// A type this version does not know: the organization's next event will show
			// up as a gap, recorded and reported, rather than being applied past it.
			logger.error("Unknown event type {} at {}-{}@{}", type, record.topic(), record.partition(),
					record.offset());
			return Optional.empty();
		}
		MembershipEvent event = MembershipJson.mapper().readValue(record.value(), eventClass.get());
		return Optional
			.of(new ProjectedEvent(event, Long.parseLong(header(record, "ce_orgversion")), header(record, "ce_id")));
	}

	private static String header(ConsumerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	private void seekToStoredPositions(Consumer<String, byte[]> kafka, List<TopicPartition> partitions) {
		Map<Integer, Long> stored = new HashMap<>();
		this.jdbc
			.sql("SELECT partition_id, next_offset FROM qs_consumer_positions WHERE consumer_name = ? AND topic = ?")
			.params(this.consumerName, MembershipTopics.EVENTS)
			.query((row) -> {
				stored.put(row.getInt(1), row.getLong(2));
			});
		for (TopicPartition partition : partitions) {
			Long offset = stored.get(partition.partition());
			if (offset != null) {
				kafka.seek(partition, offset);
			}
			else {
				kafka.seekToBeginning(List.of(partition));
			}
		}
	}

	private void storePosition(TopicPartition partition, long nextOffset) {
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

	private void pause() {
		try {
			Thread.sleep(1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

}
