package io.membership.query.feed;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import io.membership.events.json.MembershipJson;
import io.membership.events.text.TextRules;
import io.membership.query.projection.PersonalDataProjection;
import io.membership.topics.MembershipTopics;

/**
 * Reads {@value MembershipTopics#PERSONAL_DATA} into {@code qs_personal_data}
 * ({@link PersonalDataProjection}): each record with an address sets its key's address,
 * each tombstone erases it. Only records the service signed are taken, tombstones
 * included, so no one else can plant or forget an address.
 *
 * <p>
 * It follows the topic on the caller's thread, between the polls of the events topic
 * ({@link #poll}, which never waits), and reads it up to its end on demand
 * ({@link #ensureKnown}): the publisher has a key's address acknowledged by Kafka before
 * it sends the first event that refers to it, so an event whose key the table does not
 * know yet is applied only after the topic has been read up to its end offsets as of that
 * moment. That costs a round trip to Kafka only for a poll that names an unknown key.
 *
 * <p>
 * Each poll of this topic is applied in one transaction with this consumer's positions in
 * it (when it has a {@link ConsumerPositions} to keep them; a rebuild keeps them in
 * memory), so the table never misses or repeats a record across restarts; applying a
 * record twice would change nothing anyway.
 */
public final class PersonalDataFeed implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(PersonalDataFeed.class);

	/**
	 * How long the broker may hold this feed's fetch when there is nothing new: short,
	 * because a fetch held there delays the end-offsets request that reading to the end
	 * starts with (the two share the connection to the partition's leader), by the
	 * consumer's default 500 ms a time. The topic is small and mostly idle, so the
	 * shorter wait costs next to nothing.
	 */
	public static final int FETCH_MAX_WAIT_MS = 10;

	/** How often {@link #poll} looks for the topic while it does not exist. */
	private static final Duration LOOKUP_INTERVAL = Duration.ofSeconds(10);

	/** How long the topic may deliver nothing while it is read up to its end. */
	private static final Duration STALL = Duration.ofSeconds(30);

	private final Consumer<String, byte[]> consumer;

	private final PersonalDataProjection table;

	private final TransactionTemplate transactions;

	private final AuthenticRecords authenticity;

	private final ConsumerPositions stored;

	/** Per partition, the offset of the next record to apply. */
	private final Map<TopicPartition, Long> next = new HashMap<>();

	private long nextLookup = System.nanoTime();

	/**
	 * A feed that reads the topic from its start and keeps its positions in memory, as a
	 * rebuild does.
	 * @param consumer a consumer of nothing yet, used on the caller's thread only and
	 * closed with the feed
	 */
	public PersonalDataFeed(Consumer<String, byte[]> consumer, PersonalDataProjection table,
			TransactionTemplate transactions, AuthenticRecords authenticity) {
		this(consumer, table, transactions, authenticity, null);
	}

	/**
	 * @param consumer a consumer of nothing yet, used on the caller's thread only and
	 * closed with the feed
	 * @param stored where the positions are kept with the table; null to start from the
	 * topic's beginning and keep them in memory
	 */
	PersonalDataFeed(Consumer<String, byte[]> consumer, PersonalDataProjection table, TransactionTemplate transactions,
			AuthenticRecords authenticity, ConsumerPositions stored) {
		this.consumer = consumer;
		this.table = table;
		this.transactions = transactions;
		this.authenticity = authenticity;
		this.stored = stored;
	}

	/**
	 * Applies what the topic has delivered since, without waiting for more. Before the
	 * topic exists (it is created with the service's other topics) there is nothing to
	 * read.
	 */
	public void poll() {
		if (!this.next.isEmpty() || System.nanoTime() - this.nextLookup >= 0) {
			this.nextLookup = System.nanoTime() + LOOKUP_INTERVAL.toNanos();
			if (assigned()) {
				apply(this.consumer.poll(Duration.ZERO));
			}
		}
	}

	/**
	 * Makes sure the table has heard of every key, as far as the topic can tell: if any
	 * is unknown, reads the topic up to its end offsets as of now. A key still unknown
	 * after that has no address (an Owner whose token carried none).
	 */
	public void ensureKnown(Collection<String> keys) {
		if (!keys.isEmpty() && !this.table.unknown(keys).isEmpty()) {
			readToEnd();
		}
	}

	/** Reads the topic up to its end offsets as of now. */
	public void readToEnd() {
		if (!assigned()) {
			return;
		}
		Map<TopicPartition, Long> end = this.consumer.endOffsets(this.next.keySet(), STALL);
		Instant lastProgress = Instant.now();
		while (!reached(end)) {
			ConsumerRecords<String, byte[]> records = this.consumer.poll(Duration.ofMillis(100));
			if (!records.isEmpty()) {
				apply(records);
				lastProgress = Instant.now();
			}
			else if (Duration.between(lastProgress, Instant.now()).compareTo(STALL) > 0) {
				throw new IllegalStateException(MembershipTopics.PERSONAL_DATA + " delivered nothing for "
						+ STALL.toSeconds() + " s while it was read up to its end " + end);
			}
		}
	}

	/**
	 * Starts again from the stored positions at the next read, as after a failure, when
	 * the consumer may have moved past records that were not applied.
	 */
	void restart() {
		this.next.clear();
	}

	/** Per partition, the offset of the next record to apply. */
	public Map<Integer, Long> positions() {
		Map<Integer, Long> positions = new TreeMap<>();
		this.next.forEach((partition, offset) -> positions.put(partition.partition(), offset));
		return positions;
	}

	@Override
	public void close() {
		this.consumer.close(Duration.ofSeconds(5));
	}

	/**
	 * Whether the consumer's position (which also steps over offsets that hold no record
	 * to read, such as transaction markers) has reached the end in every partition.
	 */
	private boolean reached(Map<TopicPartition, Long> end) {
		return end.entrySet().stream().allMatch((goal) -> this.consumer.position(goal.getKey()) >= goal.getValue());
	}

	/**
	 * Whether the topic's partitions are assigned, assigning them (from the stored
	 * positions, or from the start) once the topic exists.
	 */
	private boolean assigned() {
		if (!this.next.isEmpty()) {
			return true;
		}
		List<PartitionInfo> infos = this.consumer.partitionsFor(MembershipTopics.PERSONAL_DATA);
		if (infos == null || infos.isEmpty()) {
			return false;
		}
		List<TopicPartition> partitions = infos.stream()
			.map((info) -> new TopicPartition(info.topic(), info.partition()))
			.toList();
		this.consumer.assign(partitions);
		Map<Integer, Long> positions = (this.stored != null) ? this.stored.stored() : Map.of();
		Map<TopicPartition, Long> beginnings = this.consumer.beginningOffsets(partitions);
		Map<TopicPartition, Long> ends = positions.isEmpty() ? Map.of() : this.consumer.endOffsets(partitions);
		for (TopicPartition partition : partitions) {
			// Compaction deletes records from the start of a partition: a stored position
			// below its first offset, or none, reads it from where it starts now. One
			// past
			// its end means the topic was written anew (republish): read it again.
			long stored = positions.getOrDefault(partition.partition(), 0L);
			if (ends.containsKey(partition) && stored > ends.get(partition)) {
				logger.warn("The stored position {} in {} is past the partition's end, {}: the topic was written anew; "
						+ "reading it again from its start", stored, partition, ends.get(partition));
				stored = 0;
			}
			long offset = Math.max(stored, beginnings.get(partition));
			this.consumer.seek(partition, offset);
			this.next.put(partition, offset);
		}
		return true;
	}

	private void apply(ConsumerRecords<String, byte[]> records) {
		if (records.isEmpty()) {
			return;
		}
		Map<TopicPartition, Long> reached = new HashMap<>();
		this.transactions.executeWithoutResult((status) -> {
			for (ConsumerRecord<String, byte[]> record : records) {
				TopicPartition partition = new TopicPartition(record.topic(), record.partition());
				if (record.offset() < this.next.getOrDefault(partition, 0L)) {
					continue;
				}
				apply(record);
				reached.put(partition, record.offset() + 1);
			}
			if (this.stored != null) {
				reached.forEach(this.stored::store);
			}
		});
		this.next.putAll(reached);
	}

	/**
	 * One record: an address under its key, or a tombstone. A record the service did not
	 * sign, or whose key or value it cannot read, changes nothing and is logged by its
	 * position (never its content).
	 */
	private void apply(ConsumerRecord<String, byte[]> record) {
		if (!this.authenticity.accepts(record)) {
			return;
		}
		if (!PersonalDataProjection.isKey(record.key())) {
			logger.warn("Skipped the record at {}-{}@{}: its key {} names no user or invitation", record.topic(),
					record.partition(), record.offset(), AuthenticRecords.escaped(record.key()));
			return;
		}
		Instant at = timeOf(record);
		if (record.value() == null) {
			this.table.tombstone(record.key(), at);
			return;
		}
		String email = emailIn(record.value());
		if (email == null) {
			logger.warn("Skipped the record at {}-{}@{} (key {}): its value has no e-mail address", record.topic(),
					record.partition(), record.offset(), AuthenticRecords.escaped(record.key()));
			return;
		}
		this.table.published(record.key(), email, at);
	}

	/** The address a value holds, or null if it holds none this version can store. */
	private static String emailIn(byte[] value) {
		try {
			JsonNode email = MembershipJson.mapper().readTree(value).path("email");
			return (email.isString() && !email.asString().isEmpty() && email.asString().length() <= 254
					&& TextRules.escape(email.asString()).equals(email.asString())) ? email.asString() : null;
		}
		catch (JacksonException unreadable) {
			return null;
		}
	}

	/**
	 * When the record was published: its CloudEvents {@code time}, else Kafka's
	 * timestamp.
	 */
	private static Instant timeOf(ConsumerRecord<String, byte[]> record) {
		Header time = record.headers().lastHeader("ce_time");
		if (time != null && time.value() != null) {
			try {
				return Instant.parse(new String(time.value(), StandardCharsets.UTF_8));
			}
			catch (DateTimeParseException unreadable) {
				// the record's timestamp below
			}
		}
		return Instant.ofEpochMilli(record.timestamp());
	}

}
