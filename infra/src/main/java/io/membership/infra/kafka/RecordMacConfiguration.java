package io.membership.infra.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.membership.infra.DataDirectorySecrets;
import io.membership.topics.MembershipTopics;
import io.membership.topics.RecordMac;

/**
 * The key that signs the service's records and that its query side verifies them with
 * ({@link RecordMac}). It lives outside Kafka:
 * <ul>
 * <li>{@code MEMBERSHIP_KAFKA_RECORD_KEY} ({@code membership.kafka.record-key}),
 * {@code <id>:<secret>}, the same on every instance and for {@code rebuild-projections}.
 * Required with the service's own Kafka cluster: instances that each generated a key
 * would refuse each other's records.</li>
 * <li>{@code MEMBERSHIP_KAFKA_PREVIOUS_RECORD_KEYS}, comma-separated
 * {@code <id>:<secret>}: keys rotated out, still accepted for the records they
 * signed.</li>
 * <li>{@code MEMBERSHIP_KAFKA_UNSIGNED_RECORDS_BELOW}, comma-separated
 * {@code <partition>:<offset>}: where the events topic was written before the service
 * signed its records.</li>
 * </ul>
 * On the embedded default, without a configured key, a random one is generated once into
 * {@code keys/kafka-record.key} in the data directory. When that happens on a topic that
 * already holds records (the first start after an upgrade), their end offsets are written
 * beside it to {@value #UNSIGNED_BELOW_FILE}, and records below them are accepted without
 * a MAC from then on.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KafkaSettings.class)
public class RecordMacConfiguration {

	static final String KEY_FILE = "keys/kafka-record.key";

	static final String UNSIGNED_BELOW_FILE = "keys/kafka-unsigned-records-below";

	static final String EMBEDDED_KEY_ID = "embedded";

	private static final Logger logger = LoggerFactory.getLogger(RecordMacConfiguration.class);

	@Bean
	RecordMac recordMac(@Value("${membership.kafka.record-key:}") String recordKey,
			@Value("${membership.kafka.previous-record-keys:}") String previousRecordKeys,
			@Value("${membership.kafka.unsigned-records-below:}") String unsignedRecordsBelow,
			@Value("${membership.kafka.embedded.enabled:true}") boolean embedded,
			@Value("${membership.data-dir:./data}") Path dataDirectory, KafkaBootstrapServers bootstrapServers,
			KafkaSettings settings) {
		List<RecordMac.Key> previous = list(previousRecordKeys).stream().map(RecordMac.Key::parse).toList();
		Map<Integer, Long> unsignedBelow = offsets(list(unsignedRecordsBelow),
				"membership.kafka.unsigned-records-below");
		if (!recordKey.isBlank()) {
			return new RecordMac(RecordMac.Key.parse(recordKey.strip()), previous, unsignedBelow);
		}
		if (!embedded) {
			throw new IllegalStateException("MEMBERSHIP_KAFKA_RECORD_KEY (membership.kafka.record-key) must be set "
					+ "when the service uses its own Kafka cluster: every instance, and rebuild-projections, must sign "
					+ "and verify the records with the same key");
		}
		Path keyFile = dataDirectory.resolve(KEY_FILE);
		Path unsignedFile = dataDirectory.resolve(UNSIGNED_BELOW_FILE);
		if (!Files.exists(keyFile) && !Files.exists(unsignedFile)) {
			// Before the first key exists nothing has been signed: whatever the topic
			// holds was written by a version that did not sign.
			writeOffsets(unsignedFile, TopicAdmin.eventsEndOffsets(bootstrapServers, settings));
		}
		byte[] secret = DataDirectorySecrets.loadOrCreate(keyFile, 32);
		if (unsignedBelow.isEmpty() && Files.exists(unsignedFile)) {
			unsignedBelow = readOffsets(unsignedFile);
		}
		return new RecordMac(new RecordMac.Key(EMBEDDED_KEY_ID, secret), previous, unsignedBelow);
	}

	private static List<String> list(String text) {
		return Arrays.stream(text.split(",")).map(String::strip).filter((item) -> !item.isEmpty()).toList();
	}

	private static Map<Integer, Long> offsets(List<String> items, String setting) {
		Map<Integer, Long> offsets = new TreeMap<>();
		for (String item : items) {
			String[] parts = item.split(":", -1);
			try {
				if (parts.length != 2 || offsets.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1])) != null) {
					throw new NumberFormatException();
				}
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException(
						setting + " lists <partition>:<offset> pairs, each partition once, e.g. 0:1234,1:998");
			}
		}
		return offsets;
	}

	static void writeOffsets(Path file, Map<Integer, Long> offsets) {
		List<String> lines = new ArrayList<>();
		lines.add("# Records of " + MembershipTopics.EVENTS + " below these offsets (partition:offset) were written");
		lines.add("# before the service signed its records, and are accepted without a MAC.");
		offsets.forEach((partition, offset) -> lines.add(partition + ":" + offset));
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			Files.write(file, lines, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + file, ex);
		}
		if (offsets.values().stream().anyMatch((offset) -> offset > 0)) {
			logger.warn("{} already holds records written without a MAC; they stay accepted below the offsets {}, "
					+ "recorded in {}", MembershipTopics.EVENTS, offsets, file);
		}
	}

	private static Map<Integer, Long> readOffsets(Path file) {
		try {
			List<String> items = Files.readAllLines(file, StandardCharsets.UTF_8)
				.stream()
				.map(String::strip)
				.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
				.collect(Collectors.toList());
			return offsets(items, file.toString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file, ex);
		}
	}

}
