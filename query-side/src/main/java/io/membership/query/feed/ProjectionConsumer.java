package io.membership.query.feed;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import io.membership.query.projection.MembershipProjection;
import io.membership.query.projection.OrganizationQuarantine;
import io.membership.query.projection.PersonalDataProjection;
import io.membership.query.view.PermissionView;
import io.membership.topics.MembershipTopics;

/**
 * Feeds the query side from {@value MembershipTopics#EVENTS}, the same stream downstream
 * services read: it follows the topic on a thread of its own from the positions it stored
 * ({@link ConsumerPositions}) and hands each poll to a {@link PollApplier}, which applies
 * it by groups of partitions side by side ({@link PartitionLanes}), each in one
 * transaction with its partitions' new positions, and sets aside an organization whose
 * event cannot be applied. Between those polls it follows
 * {@value MembershipTopics#PERSONAL_DATA}, where the addresses the events no longer carry
 * are ({@link PersonalDataFeed}), and reads it up to its end before a poll whose events
 * refer to an address the query side has not heard of.
 *
 * <p>
 * It reads every partition itself (no consumer-group rebalancing): each instance's
 * in-memory view must see every organization. Several instances sharing one database each
 * keep their own position, and the projection's per-organization version makes the second
 * writer of an event a no-op.
 *
 * <p>
 * The positions table is the truth: the consumer starts from it, and it commits with the
 * projection. Once every group of a poll has committed, the same positions are also
 * committed to the consumer group {@code membership-query-<consumer name>}
 * ({@link #groupId}, {@link GroupCommits}), only so that Kafka's own tools (and lag
 * exporters) can see how far the query side is; nothing reads them back.
 */
public class ProjectionConsumer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ProjectionConsumer.class);

	private static final Duration QUARANTINE_CHECK_INTERVAL = Duration.ofSeconds(5);

	private final Properties properties = new Properties();

	private final PermissionView view;

	private final ConsumerPositions positions;

	private final MembershipProjection projection;

	private final OrganizationQuarantine quarantine;

	private final int laneCount;

	/** Made at each start, with its lanes, which stop with the consumer. */
	private volatile PollApplier applier;

	private volatile PartitionLanes lanes;

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final AuthenticRecords authenticity;

	private final String consumerName;

	/** Read on this consumer's thread only, between the polls of the events topic. */
	private volatile PersonalDataFeed personalData;

	private final Predicate<Throwable> databaseUnavailable;

	private final ConsumerLag lag;

	private final MeterRegistry meters;

	private final ProjectionObservations observations;

	/**
	 * Kafka's own consumer meters ({@code kafka_consumer_*}), fetch rates and lag among
	 * them.
	 */
	private KafkaClientMetrics consumerMeters;

	private final GroupCommits groupCommits = new GroupCommits();

	private long nextQuarantineCheck;

	private volatile Consumer<String, byte[]> consumer;

	private volatile Thread thread;

	private volatile boolean running;

	/**
	 * @param kafkaClient where the brokers are and how to reach them (TLS, SASL), as
	 * every Kafka client of the service is given them
	 * @param consumerName this instance's name for its position in the topic; instances
	 * sharing a database must each have their own
	 * @param databaseUnavailable whether a failure means the database cannot be reached
	 * right now, which is waited out, never blamed on an organization: the service's one
	 * definition, which also answers such requests 503
	 * @param meters where the consumer's lag per partition is reported
	 * @param observations where each traced event's projection is observed (a span in the
	 * trace of the request that produced it)
	 */
	public ProjectionConsumer(Map<String, Object> kafkaClient, String consumerName, MembershipProjection projection,
			OrganizationQuarantine quarantine, PermissionView view, JdbcClient jdbc, TransactionTemplate transactions,
			AuthenticRecords authenticity, Predicate<Throwable> databaseUnavailable, MeterRegistry meters,
			ObservationRegistry observations) {
		this(kafkaClient, consumerName, projection, quarantine, view, jdbc, transactions, authenticity,
				databaseUnavailable, meters, observations, PartitionLanes.DEFAULT);
	}

	/**
	 * @param lanes how many groups of partitions each poll is split into, applied side by
	 * side in transactions of their own ({@link PartitionLanes}); 1 applies each poll in
	 * one transaction on the consumer's thread
	 */
	public ProjectionConsumer(Map<String, Object> kafkaClient, String consumerName, MembershipProjection projection,
			OrganizationQuarantine quarantine, PermissionView view, JdbcClient jdbc, TransactionTemplate transactions,
			AuthenticRecords authenticity, Predicate<Throwable> databaseUnavailable, MeterRegistry meters,
			ObservationRegistry observations, int lanes) {
		if (lanes < 1) {
			throw new IllegalArgumentException("The query side needs at least one lane, not " + lanes);
		}
		this.properties.putAll(kafkaClient);
		this.properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		this.properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
		// A position that falls out of range while following (the topic deleted and
		// written anew under a running service) goes back to the start, where what the
		// views hold is skipped as duplicates, never to the end, which would skip events.
		this.properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		this.properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "membership-query-" + consumerName);
		// Partitions are assigned by hand, so the group never rebalances; it only holds
		// the committed offsets that Kafka's tools read.
		this.properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(consumerName));
		this.view = view;
		this.positions = new ConsumerPositions(jdbc, consumerName);
		this.projection = projection;
		this.quarantine = quarantine;
		this.laneCount = lanes;
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.authenticity = authenticity;
		this.consumerName = consumerName;
		this.databaseUnavailable = databaseUnavailable;
		this.lag = new ConsumerLag(meters);
		this.meters = meters;
		this.observations = new ProjectionObservations(observations);
	}

	@Override
	public synchronized void start() {
		this.view.loadAll();
		this.consumer = new KafkaConsumer<>(this.properties, new StringDeserializer(), new ByteArrayDeserializer());
		this.personalData = new PersonalDataFeed(
				new KafkaConsumer<>(personalDataProperties(), new StringDeserializer(), new ByteArrayDeserializer()),
				new PersonalDataProjection(this.jdbc), this.transactions, this.authenticity,
				new ConsumerPositions(this.jdbc, this.consumerName, MembershipTopics.PERSONAL_DATA));
		this.consumerMeters = new KafkaClientMetrics(this.consumer);
		this.consumerMeters.bindTo(this.meters);
		this.lanes = new PartitionLanes(this.laneCount, "query-projection-lane");
		this.applier = new PollApplier(this.projection, this.quarantine, this.view, this.positions, this.transactions,
				this.authenticity, this.databaseUnavailable, (keys) -> this.personalData.ensureKnown(keys), this.lanes);
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
		if (this.lanes != null) {
			// After the consumer's thread has ended: it waits for its lanes' groups.
			this.lanes.close();
		}
		if (this.consumerMeters != null) {
			this.consumerMeters.close();
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
		try (Consumer<String, byte[]> kafka = this.consumer; PersonalDataFeed addresses = this.personalData) {
			while (this.running) {
				try {
					follow(kafka);
				}
				catch (WakeupException stopping) {
					return;
				}
				catch (RuntimeException ex) {
					if (this.databaseUnavailable.test(ex)) {
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
		this.lag.track(partitions);
		this.groupCommits.restarted();
		seekToStoredPositions(kafka, partitions);
		this.personalData.restart();
		// Every address the topic holds before the first event is applied: after an
		// upgrade (the table starts empty) the members already there show theirs at once.
		this.personalData.readToEnd();
		while (this.running) {
			ConsumerRecords<String, byte[]> records = kafka.poll(Duration.ofMillis(500));
			this.personalData.poll();
			this.lag.polled(kafka, records);
			if (!records.isEmpty()) {
				apply(records);
				this.lag.applied(kafka, records);
				this.groupCommits.applied(records);
			}
			this.groupCommits.commit(kafka);
			releaseRepairedOrganizations();
		}
	}

	/**
	 * Applies a poll, observing each traced event's projection until the poll's groups
	 * have committed.
	 */
	private void apply(ConsumerRecords<String, byte[]> records) {
		List<PollApplier.Parsed> parsed = this.applier.parse(records);
		List<Observation> projections = this.observations.started(parsed);
		try {
			this.applier.apply(parsed);
		}
		catch (RuntimeException ex) {
			projections.forEach((projection) -> projection.error(ex).stop());
			throw ex;
		}
		projections.forEach(Observation::stop);
	}

	/**
	 * Every few seconds while organizations are set aside: releases those a rebuild has
	 * repaired, even if no event of theirs arrives.
	 */
	private void releaseRepairedOrganizations() {
		if (this.view.setAside().isEmpty() || System.nanoTime() - this.nextQuarantineCheck < 0) {
			return;
		}
		this.nextQuarantineCheck = System.nanoTime() + QUARANTINE_CHECK_INTERVAL.toNanos();
		this.applier.releaseRepaired();
	}

	/**
	 * The personal-data topic's consumer: its own client id, no group (its positions are
	 * kept with the table only).
	 */
	private Properties personalDataProperties() {
		Properties properties = new Properties();
		properties.putAll(this.properties);
		properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
		// Looking the topic up before the service has created it must not create it,
		// uncompacted, on a broker that creates topics on demand.
		properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
		properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, PersonalDataFeed.FETCH_MAX_WAIT_MS);
		properties.put(ConsumerConfig.CLIENT_ID_CONFIG,
				this.properties.get(ConsumerConfig.CLIENT_ID_CONFIG) + "-personal-data");
		return properties;
	}

	/** The consumer group whose committed offsets mirror this consumer's positions. */
	public static String groupId(String consumerName) {
		return "membership-query-" + consumerName;
	}

	/**
	 * Seeks each partition to the stored position, or to its start for a new consumer. A
	 * stored position past the end of the partition means the topic was written anew (the
	 * {@code republish} command after Kafka's log was lost, or a move to another
	 * cluster): the partition is read again from its start, and whatever the views
	 * already hold is skipped as duplicates by each organization's version, so no gap is
	 * reported for the offsets that no longer exist.
	 */
	private void seekToStoredPositions(Consumer<String, byte[]> kafka, List<TopicPartition> partitions) {
		Map<Integer, Long> stored = this.positions.stored();
		Map<TopicPartition, Long> ends = stored.isEmpty() ? Map.of() : kafka.endOffsets(partitions);
		for (TopicPartition partition : partitions) {
			Long offset = stored.get(partition.partition());
			Long end = ends.get(partition);
			if (offset != null && end != null && offset > end) {
				logger.warn(
						"The stored position {} in {} is past the partition's end, {}: the topic was written anew; "
								+ "reading the partition again from its start, skipping what the views hold",
						offset, partition, end);
				kafka.seekToBeginning(List.of(partition));
			}
			else if (offset != null) {
				kafka.seek(partition, offset);
			}
			else {
				kafka.seekToBeginning(List.of(partition));
			}
		}
	}

	/**
	 * Makes every consumer sharing this database read the events topic again from its
	 * start, as after the topic was written anew; answers how many positions were
	 * forgotten. Running consumers notice at their next start.
	 */
	public static int forgetPositions(JdbcClient jdbc) {
		return ConsumerPositions.forgetEveryConsumer(jdbc);
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
