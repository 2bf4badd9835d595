package io.membership.infra.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the beginning, as a new downstream subscriber would. */
public final class TopicReader {

	private TopicReader() {
	}

	/**
	 * Every record of the topic with this key, in topic order, once at least
	 * {@code expected} of them match {@code until}, or whatever is there after the wait.
	 */
	public static List<ConsumerRecord<String, byte[]>> read(String bootstrapServers, String topic, String key,
			Predicate<List<ConsumerRecord<String, byte[]>>> until, Duration wait) {
		Properties properties = new Properties();
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		properties.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
		properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
		Instant deadline = Instant.now().plus(wait);
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			consumer.subscribe(List.of(topic));
			while (Instant.now().isBefore(deadline) && !until.test(records)) {
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
					if (key.equals(record.key())) {
						records.add(record);
					}
				}
			}
		}
		return records;
	}

	public static String header(ConsumerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	public static long orgVersion(ConsumerRecord<String, byte[]> record) {
		return Long.parseLong(header(record, "ce_orgversion"));
	}

	public static Map<String, String> headers(ConsumerRecord<String, byte[]> record) {
		Map<String, String> headers = new java.util.LinkedHashMap<>();
		record.headers()
			.forEach((header) -> headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8)));
		return headers;
	}

}
