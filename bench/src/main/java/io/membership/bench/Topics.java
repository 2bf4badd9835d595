package io.membership.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Plain Kafka consumers of {@code membership.events.v1}: no group, every partition. */
final class Topics {

	private Topics() {
	}

	static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, String clientId) {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		// The same poll size as the service's projection consumer.
		properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
		properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
		KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
				new ByteArrayDeserializer());
		List<TopicPartition> partitions = consumer.partitionsFor(SyntheticEvents.TOPIC)
			.stream()
			.map((info) -> new TopicPartition(info.topic(), info.partition()))
			.toList();
		consumer.assign(partitions);
		return consumer;
	}

	/** How many records the topic holds (the sum of its partitions' end offsets). */
	static long size(String bootstrapServers) {
		try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers, "bench-size")) {
			return consumer.endOffsets(consumer.assignment()).values().stream().mapToLong(Long::longValue).sum();
		}
	}

	/** What reading the whole topic took a plain consumer that only counts records. */
	record Read(long records, long bytes, double seconds, double secondsFromFirstRecord) {

		double perSecond() {
			return this.records / this.secondsFromFirstRecord;
		}

	}

	static Read readAll(String bootstrapServers, long expected, Duration timeout) {
		long started = System.nanoTime();
		long deadline = started + timeout.toNanos();
		long first = 0;
		long records = 0;
		long bytes = 0;
		try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers, "bench-plain-consumer")) {
			consumer.seekToBeginning(consumer.assignment());
			while (records < expected && System.nanoTime() < deadline) {
				ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(500));
				if (!polled.isEmpty() && first == 0) {
					first = System.nanoTime();
				}
				for (ConsumerRecord<byte[], byte[]> record : polled) {
					records++;
					bytes += record.serializedValueSize();
				}
			}
		}
		long ended = System.nanoTime();
		return new Read(records, bytes, (ended - started) / 1e9, (ended - ((first != 0) ? first : started)) / 1e9);
	}

	/**
	 * Notes when each event (organization and version) arrives, from the topic's end at
	 * the moment it is started.
	 */
	static final class Watcher implements AutoCloseable {

		private final Map<String, Long> arrivals = new ConcurrentHashMap<>();

		private final KafkaConsumer<byte[], byte[]> consumer;

		private final Thread thread;

		private volatile boolean running = true;

		Watcher(String bootstrapServers) {
			this.consumer = consumer(bootstrapServers, "bench-watcher");
			this.consumer.seekToEnd(this.consumer.assignment());
			// Resolve the positions now, so nothing sent after this returns is missed.
			this.consumer.assignment().forEach(this.consumer::position);
			this.thread = new Thread(this::run, "bench-kafka-watcher");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		/** When the event arrived ({@link System#nanoTime()}), or null. */
		Long arrival(String organization, long version) {
			return this.arrivals.get(organization + "@" + version);
		}

		private void run() {
			try {
				while (this.running) {
					for (ConsumerRecord<byte[], byte[]> record : this.consumer.poll(Duration.ofMillis(200))) {
						long now = System.nanoTime();
						Header version = record.headers().lastHeader("ce_orgversion");
						if (record.key() != null && version != null) {
							this.arrivals.put(new String(record.key(), StandardCharsets.UTF_8) + "@"
									+ new String(version.value(), StandardCharsets.UTF_8), now);
						}
					}
				}
			}
			catch (WakeupException stopping) {
				// close() woke it up.
			}
			finally {
				this.consumer.close();
			}
		}

		@Override
		public void close() {
			this.running = false;
			this.consumer.wakeup();
			try {
				this.thread.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
