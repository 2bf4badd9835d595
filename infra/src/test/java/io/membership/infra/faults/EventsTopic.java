package io.membership.infra.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * {@code membership.events.v1} as a new subscriber sees it: every partition from the
 * beginning, without a consumer group, accumulating records as they arrive. It keeps
 * reading across a broker restart (the client reconnects on its own).
 */
final class EventsTopic implements AutoCloseable {

	private final KafkaConsumer<String, byte[]> consumer;

	private final List<Published> records = new ArrayList<>();

	EventsTopic(String bootstrapServers) {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "fault-test-reader");
		this.consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
		List<PartitionInfo> partitions = this.consumer.partitionsFor(MembershipTopics.EVENTS, Duration.ofSeconds(60));
		if (partitions == null || partitions.isEmpty()) {
			throw new IllegalStateException("No topic " + MembershipTopics.EVENTS + " at " + bootstrapServers);
		}
		List<TopicPartition> assigned = partitions.stream()
			.map((info) -> new TopicPartition(info.topic(), info.partition()))
			.toList();
		this.consumer.assign(assigned);
		this.consumer.seekToBeginning(assigned);
	}

	/**
	 * Reads until {@code until} holds for everything read so far, or the wait is over;
	 * answers everything read so far either way.
	 */
	List<Published> readUntil(Predicate<List<Published>> until, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		do {
			for (ConsumerRecord<String, byte[]> record : this.consumer.poll(Duration.ofMillis(250))) {
				this.records.add(Published.of(record));
			}
		}
		while (!until.test(this.records) && System.nanoTime() < deadline);
		return List.copyOf(this.records);
	}

	List<Published> records() {
		return List.copyOf(this.records);
	}

	@Override
	public void close() {
		this.consumer.close(Duration.ofSeconds(5));
	}

	/** One record of the events topic, by what a subscriber reads from its headers. */
	record Published(String key, int partition, long offset, String eventId, long orgVersion, String type,
			long timestamp) {

		static Published of(ConsumerRecord<String, byte[]> record) {
			return new Published(record.key(), record.partition(), record.offset(), header(record, "ce_id"),
					Long.parseLong(header(record, "ce_orgversion")), header(record, "ce_type"), record.timestamp());
		}

		private static String header(ConsumerRecord<String, byte[]> record, String name) {
			Header header = record.headers().lastHeader(name);
			if (header == null) {
				throw new IllegalStateException(
						"Record " + record.partition() + "@" + record.offset() + " has no header " + name);
			}
			return new String(header.value(), StandardCharsets.UTF_8);
		}

	}

}
