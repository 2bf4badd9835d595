package io.membership.query.rebuild;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.membership.query.feed.AuthenticRecords;
import io.membership.query.feed.EventRecords;
import io.membership.query.feed.PartitionLanes;
import io.membership.query.feed.PersonalDataFeed;
import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.PersonalDataProjection;
import io.membership.query.projection.ProjectedEvent;
import io.membership.topics.MembershipTopics;
import io.membership.topics.RecordMac;

/**
 * {@value MembershipTopics#EVENTS} replayed from its first record into a
 * {@link ScratchDatabase}, through the same {@link MembershipProjection} as the live
 * consumer, and, like it, only the records the service signed, by groups of partitions
 * applied side by side ({@link PartitionLanes}), each poll's group in a transaction of
 * its own. It replays up to the offsets it is given and can be taken further later: a
 * rebuild replays up to the live positions, compares, then goes on to the topic's end.
 */
final class Replay implements AutoCloseable {

	/** How long Kafka may deliver nothing before the replay gives up. */
	private static final Duration STALL = Duration.ofSeconds(60);

	private final ScratchDatabase database;

	private final MembershipProjection projection;

	private final TransactionTemplate transactions;

	private final Consumer<String, byte[]> consumer;

	private final AuthenticRecords authenticity;

	private final PersonalDataFeed personalData;

	private final PartitionLanes lanes;

	/** Per partition, the offset of the next record to apply. */
	private final Map<TopicPartition, Long> next = new HashMap<>();

	private long replayed;

	/**
	 * @param consumer a consumer of the events topic, closed with the replay
	 * @param personalData a consumer of the personal-data topic, closed with the replay
	 * @param mac the service's record keys
	 * @throws IllegalStateException if a partition no longer starts at offset 0
	 */
	Replay(Consumer<String, byte[]> consumer, Consumer<String, byte[]> personalData, RecordMac mac) {
		this(consumer, personalData, mac, PartitionLanes.DEFAULT);
	}

	/**
	 * @param lanes how many groups of partitions each poll is split into, applied side by
	 * side
	 */
	Replay(Consumer<String, byte[]> consumer, Consumer<String, byte[]> personalData, RecordMac mac, int lanes) {
		this.consumer = consumer;
		this.database = new ScratchDatabase();
		this.lanes = new PartitionLanes(lanes, "rebuild-lane");
		// A connection per transaction, so that the lanes write side by side.
		DataSource connections = this.database.connections();
		JdbcClient jdbc = JdbcClient.create(connections);
		this.projection = new MembershipProjection(jdbc, new JdbcTemplate(connections));
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(connections));
		// Refusals are counted for the report, not as the service's metrics.
		this.authenticity = new AuthenticRecords(mac, new SimpleMeterRegistry());
		this.personalData = new PersonalDataFeed(personalData, new PersonalDataProjection(jdbc), this.transactions,
				this.authenticity);
		try {
			assignFromTheStart();
			// Every address first, so that reading to the end again is rarely needed.
			personalDataToEnd();
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
	}

	/**
	 * The consumer a rebuild reads the topic with: its own client id, positions kept by
	 * the replay, never committed.
	 */
	static Consumer<String, byte[]> consumer(Map<String, Object> kafkaClient, String clientId) {
		return consumer(kafkaClient, clientId, Map.of());
	}

	/** The personal-data topic's consumer: its fetches held briefly (see the feed). */
	static Consumer<String, byte[]> personalDataConsumer(Map<String, Object> kafkaClient, String clientId) {
		return consumer(kafkaClient, clientId,
				Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, PersonalDataFeed.FETCH_MAX_WAIT_MS));
	}

	private static Consumer<String, byte[]> consumer(Map<String, Object> kafkaClient, String clientId,
			Map<String, Object> settings) {
		Properties properties = new Properties();
		properties.putAll(kafkaClient);
		properties.putAll(settings);
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
		properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
		return new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
	}

	private void assignFromTheStart() {
		List<TopicPartition> partitions = this.consumer.partitionsFor(MembershipTopics.EVENTS, STALL)
			.stream()
			.map((info) -> new TopicPartition(info.topic(), info.partition()))
			.toList();
		this.consumer.assign(partitions);
		this.consumer.beginningOffsets(partitions).forEach((partition, first) -> {
			if (first > 0) {
				throw new IllegalStateException(MembershipTopics.EVENTS + " partition " + partition.partition()
						+ " no longer starts at offset 0 (its first record is at " + first
						+ "): events were deleted from it, and a replay would be incomplete");
			}
			this.next.put(partition, 0L);
		});
	}

	/** The scratch database's connection, holding the replay's tables. */
	Connection database() {
		return this.database.connection();
	}

	/** How many events were applied so far. */
	long replayed() {
		return this.replayed;
	}

	/** How many records were refused for want of a valid MAC so far. */
	long refused() {
		return this.authenticity.refused();
	}

	/**
	 * Reads the personal-data topic up to its end, so that the rebuilt addresses are
	 * those the topic holds now.
	 */
	void personalDataToEnd() {
		this.transactions.executeWithoutResult((status) -> this.personalData.readToEnd());
	}

	/**
	 * Per partition of the personal-data topic, the offset of the next record to read.
	 */
	Map<Integer, Long> personalDataPositions() {
		return this.personalData.positions();
	}

	/** Per partition, the offset the topic's next record will get. */
	Map<Integer, Long> endOffsets() {
		Map<Integer, Long> end = new TreeMap<>();
		this.consumer.endOffsets(this.next.keySet(), STALL)
			.forEach((partition, offset) -> end.put(partition.partition(), offset));
		return end;
	}

	/**
	 * Applies every record below the target offset of its partition (a partition not
	 * named stays where it is).
	 */
	void replayTo(Map<Integer, Long> target) {
		Map<TopicPartition, Long> goal = new HashMap<>();
		for (TopicPartition partition : this.next.keySet()) {
			long offset = target.getOrDefault(partition.partition(), this.next.get(partition));
			if (offset < this.next.get(partition)) {
				throw new IllegalStateException("The live position " + offset + " in partition " + partition.partition()
						+ " went back while rebuilding");
			}
			goal.put(partition, offset);
		}
		for (Integer partition : target.keySet()) {
			if (goal.keySet().stream().noneMatch((known) -> known.partition() == partition)) {
				throw new IllegalStateException("The live projections have a position in partition " + partition
						+ " of " + MembershipTopics.EVENTS + ", which the topic does not have");
			}
		}
		Map<TopicPartition, Long> end = this.consumer.endOffsets(goal.keySet(), STALL);
		goal.forEach((partition, offset) -> {
			if (offset > end.get(partition)) {
				throw new IllegalStateException("The live position " + offset + " in partition " + partition.partition()
						+ " is beyond the end of " + MembershipTopics.EVENTS + " (" + end.get(partition)
						+ "): the topic was recreated; rebuild to start the views over");
			}
		});
		Set<TopicPartition> pending = goal.keySet()
			.stream()
			.filter((partition) -> this.next.get(partition) < goal.get(partition))
			.collect(Collectors.toCollection(LinkedHashSet::new));
		this.consumer.pause(this.next.keySet());
		for (TopicPartition partition : pending) {
			this.consumer.seek(partition, this.next.get(partition));
		}
		this.consumer.resume(pending);
		Instant lastProgress = Instant.now();
		while (!pending.isEmpty()) {
			ConsumerRecords<String, byte[]> records = this.consumer.poll(Duration.ofMillis(500));
			if (!records.isEmpty()) {
				lastProgress = Instant.now();
				apply(records, goal);
			}
			else if (Duration.between(lastProgress, Instant.now()).compareTo(STALL) > 0) {
				throw new IllegalStateException("Kafka delivered nothing for " + STALL.toSeconds()
						+ " s while partitions " + pending + " were still short of " + goal);
			}
			for (TopicPartition partition : List.copyOf(pending)) {
				long position = this.consumer.position(partition);
				if (position >= goal.get(partition)) {
					this.next.put(partition, goal.get(partition));
					this.consumer.seek(partition, goal.get(partition));
					this.consumer.pause(List.of(partition));
					pending.remove(partition);
				}
			}
		}
	}

	/**
	 * Applies a poll's records below the goal as the live consumer does: by groups of
	 * partitions side by side, each in a transaction of its own, once the addresses the
	 * events refer to have been read.
	 */
	private void apply(ConsumerRecords<String, byte[]> records, Map<TopicPartition, Long> goal) {
		List<Pending> events = new ArrayList<>();
		for (ConsumerRecord<String, byte[]> record : records) {
			TopicPartition partition = new TopicPartition(record.topic(), record.partition());
			if (record.offset() < this.next.get(partition) || record.offset() >= goal.get(partition)) {
				continue;
			}
			EventRecords.parse(record, this.authenticity)
				.ifPresent((event) -> events.add(new Pending(record.partition(), event)));
			this.next.put(partition, record.offset() + 1);
		}
		// As the live consumer: the addresses the events refer to are read first, on
		// this thread, which alone reads the personal-data topic.
		Set<String> keys = events.stream()
			.flatMap((pending) -> PersonalDataProjection.keyOf(pending.projected().event()).stream())
			.collect(Collectors.toCollection(LinkedHashSet::new));
		this.transactions.executeWithoutResult((status) -> this.personalData.ensureKnown(keys));
		List<List<Pending>> groups = this.lanes.split(events, Pending::partition,
				(pending) -> pending.projected().event().asErasure().isPresent());
		this.lanes.run(groups.stream()
			.map((group) -> (Runnable) () -> this.transactions.executeWithoutResult(
					(status) -> this.projection.applyAll(group.stream().map(Pending::projected).toList())))
			.toList());
		this.replayed += events.size();
	}

	/** An event read from a partition, waiting for its group. */
	private record Pending(int partition, ProjectedEvent projected) {
	}

	@Override
	public void close() {
		this.lanes.close();
		this.personalData.close();
		this.consumer.close(Duration.ofSeconds(5));
		this.database.close();
	}

}
