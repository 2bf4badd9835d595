package io.membership.infra.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.membership.topics.MembershipTopics;

/**
 * A topic as a new subscriber reads it: every partition from the beginning, without a
 * consumer group, keeping everything it has read. It keeps reading across a broker
 * restart (the client reconnects on its own).
 */
public final class TopicReader implements AutoCloseable {

	private final String topic;

	private final KafkaConsumer<String, byte[]> consumer;

	private final List<TopicPartition> partitions;

	private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

	private TopicReader(String bootstrapServers, String topic) {
		this.topic = topic;
		Properties properties = new Properties();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
		this.consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
		List<PartitionInfo> found = this.consumer.partitionsFor(topic, Duration.ofSeconds(60));
		if (found == null || found.isEmpty()) {
			this.consumer.close();
			throw new IllegalStateException("No topic " + topic + " at " + bootstrapServers);
		}
		this.partitions = found.stream().map((info) -> new TopicPartition(info.topic(), info.partition())).toList();
		this.consumer.assign(this.partitions);
		this.consumer.seekToBeginning(this.partitions);
	}

	/** Reads {@code topic} from the beginning of every partition. */
	public static TopicReader fromBeginning(String bootstrapServers, String topic) {
		return new TopicReader(bootstrapServers, topic);
	}

	/** Reads {@code membership.events.v1} from the beginning of every partition. */
	public static TopicReader events(String bootstrapServers) {
		return fromBeginning(bootstrapServers, MembershipTopics.EVENTS);
	}

	/**
	 * The records of the topic with this key (an organization, or on the roles topic a
	 * member), in topic order, once {@code until} holds for them, or whatever there is
	 * after the wait.
	 */
	public static List<ConsumerRecord<String, byte[]>> read(String bootstrapServers, String topic, String key,
			Predicate<List<ConsumerRecord<String, byte[]>>> until, Duration wait) {
		try (TopicReader reader = fromBeginning(bootstrapServers, topic)) {
			return withKey(key, reader.readUntil((read) -> until.test(withKey(key, read)), wait));
		}
	}

	/**
	 * Reads until {@code until} holds for everything read so far, or the wait is over;
	 * answers everything read so far either way.
	 */
	public List<ConsumerRecord<String, byte[]>> readUntil(Predicate<List<ConsumerRecord<String, byte[]>>> until,
			Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		do {
			poll();
		}
		while (!until.test(this.records) && System.nanoTime() < deadline);
		return List.copyOf(this.records);
	}

	/**
	 * Every record up to the end of each partition as it stands now, each partition in
	 * offset order; fails if they cannot all be read within the wait.
	 */
	public List<ConsumerRecord<String, byte[]>> readToEnd(Duration wait) {
		Map<TopicPartition, Long> ends = this.consumer.endOffsets(this.partitions);
		long deadline = System.nanoTime() + wait.toNanos();
		while (this.partitions.stream()
			.anyMatch((partition) -> this.consumer.position(partition) < ends.get(partition))) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Could not read " + this.topic + " up to " + ends + " in " + wait);
			}
			poll();
		}
		return this.records.stream()
			.filter((record) -> record.offset() < ends.get(new TopicPartition(record.topic(), record.partition())))
			.toList();
	}

	private void poll() {
		for (ConsumerRecord<String, byte[]> record : this.consumer.poll(Duration.ofMillis(200))) {
			this.records.add(record);
		}
	}

	@Override
	public void close() {
		this.consumer.close(Duration.ofSeconds(5));
	}

	/** The value of the record's last header of this name, or null. */
	/** Whether the latest record of this key among those read is a tombstone. */
	public static boolean latestIsTombstone(List<ConsumerRecord<String, byte[]>> records, String key) {
		ConsumerRecord<String, byte[]> latest = null;
		for (ConsumerRecord<String, byte[]> record : records) {
			if (key.equals(record.key())) {
				latest = record;
			}
		}
		return latest != null && latest.value() == null;
	}

	public static String header(ConsumerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	public static long orgVersion(ConsumerRecord<String, byte[]> record) {
		return Long.parseLong(header(record, "ce_orgversion"));
	}

	public static Map<String, String> headers(ConsumerRecord<String, byte[]> record) {
		Map<String, String> headers = new LinkedHashMap<>();
		record.headers()
			.forEach((header) -> headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8)));
		return headers;
	}

	private static List<ConsumerRecord<String, byte[]>> withKey(String key,
			List<ConsumerRecord<String, byte[]>> records) {
		return records.stream().filter((record) -> key.equals(record.key())).toList();
	}

}
