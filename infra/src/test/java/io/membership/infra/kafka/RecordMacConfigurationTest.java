package io.membership.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.membership.topics.MembershipTopics;
import io.membership.topics.RecordMac.Verdict;
import io.membership.topics.RecordMac;

/**
 * Where the record key comes from: the configuration in production, where every instance
 * must use the same one; the data directory on the embedded default, where the first
 * start of a version that signs also records how far the topic was written unsigned.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class RecordMacConfigurationTest {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PropertyPlaceholderAutoConfiguration.class))
		.withUserConfiguration(EmbeddedKafkaConfiguration.class, ExternalKafkaConfiguration.class,
				RecordMacConfiguration.class);

	@TempDir
	Path dataDirectory;

	@Test
	void with_the_services_own_kafka_cluster_the_key_must_be_configured() {
		this.contextRunner
			.withPropertyValues("membership.kafka.embedded.enabled=false",
					"membership.kafka.bootstrap-servers=kafka-1:9092", "membership.data-dir=" + this.dataDirectory)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("MEMBERSHIP_KAFKA_RECORD_KEY"));
	}

	@Test
	void a_configured_key_signs_and_previous_keys_and_unsigned_offsets_are_taken_from_the_configuration() {
		RecordMac old = new RecordMac(RecordMac.Key.parse("2026-05:the-previous-key-of-at-least-32-bytes"));
		this.contextRunner
			.withPropertyValues("membership.kafka.embedded.enabled=false",
					"membership.kafka.bootstrap-servers=kafka-1:9092",
					"membership.kafka.record-key=2026-11:the-current-key-of-at-least-32-bytes",
					"membership.kafka.previous-record-keys=2026-05:the-previous-key-of-at-least-32-bytes",
					"membership.kafka.unsigned-records-below=0:12, 3:4")
			.run((context) -> {
				RecordMac mac = context.getBean(RecordMac.class);
				assertThat(mac.signingKeyId()).isEqualTo("2026-11");
				assertThat(mac.unsignedBelow()).isEqualTo(Map.of(0, 12L, 3, 4L));
				assertThat(mac.verify(read(old.sign(record()), 0, 100))).isEqualTo(Verdict.VALID);
			});
		assertThat(this.dataDirectory).isEmptyDirectory();
	}

	@Test
	void a_malformed_setting_fails_the_start_naming_it() {
		this.contextRunner
			.withPropertyValues("membership.kafka.embedded.enabled=false",
					"membership.kafka.bootstrap-servers=kafka-1:9092",
					"membership.kafka.record-key=2026-11:the-current-key-of-at-least-32-bytes",
					"membership.kafka.unsigned-records-below=0=12")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("membership.kafka.unsigned-records-below"));
		this.contextRunner
			.withPropertyValues("membership.kafka.embedded.enabled=false",
					"membership.kafka.bootstrap-servers=kafka-1:9092", "membership.kafka.record-key=short")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("Kafka record key"));
	}

	@Test
	void on_the_embedded_default_the_first_signing_start_keeps_the_records_already_written_and_nothing_after() {
		// A data directory as a version that did not sign leaves it: two records on the
		// topic, no record key.
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PropertyPlaceholderAutoConfiguration.class))
			.withUserConfiguration(EmbeddedKafkaConfiguration.class)
			.withPropertyValues("membership.data-dir=" + this.dataDirectory, "membership.kafka.embedded.port=0")
			.run((context) -> {
				KafkaBootstrapServers servers = context.getBean(KafkaBootstrapServers.class);
				TopicAdmin.createMissing(servers,
						new KafkaSettings(Map.of(), new KafkaSettings.Topics(6, (short) 1, 1), Duration.ofSeconds(30)),
						Duration.ofDays(400));
				write(servers.value(), 2);
			});

		AtomicReference<RecordMac> first = new AtomicReference<>();
		embedded().run((context) -> {
			first.set(context.getBean(RecordMac.class));
			write(context.getBean(KafkaBootstrapServers.class).value(), 1);
		});
		AtomicReference<RecordMac> again = new AtomicReference<>();
		embedded().run((context) -> again.set(context.getBean(RecordMac.class)));

		assertThat(first.get().signingKeyId()).isEqualTo("embedded");
		assertThat(first.get().unsignedBelow()).as("the two records written before, in the partition of their key")
			.hasSize(6)
			.containsValue(2L);
		int partition = first.get()
			.unsignedBelow()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() == 2)
			.findFirst()
			.orElseThrow()
			.getKey();
		assertThat(again.get().unsignedBelow()).as("recorded once, at the first signing start")
			.isEqualTo(first.get().unsignedBelow());
		assertThat(again.get().verify(unsigned(partition, 1))).isEqualTo(Verdict.UNSIGNED_BEFORE_SIGNING);
		assertThat(again.get().verify(unsigned(partition, 2))).as("written unsigned after the first signing start")
			.isEqualTo(Verdict.MISSING);
		assertThat(again.get().verify(read(first.get().sign(record()), 0, 100))).as("the same key on every start")
			.isEqualTo(Verdict.VALID);
		assertThat(this.dataDirectory.resolve(RecordMacConfiguration.KEY_FILE)).isRegularFile();
	}

	@Test
	void on_a_fresh_embedded_default_nothing_unsigned_is_accepted() {
		embedded().run((context) -> assertThat(context.getBean(RecordMac.class).unsignedBelow())
			.allSatisfy((partition, offset) -> assertThat(offset).isZero()));
	}

	private static ConsumerRecord<String, byte[]> unsigned(int partition, long offset) {
		return read(record(), partition, offset);
	}

	/** A record of the events topic with a CloudEvents header, as yet unsigned. */
	private static ProducerRecord<String, byte[]> record() {
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(MembershipTopics.EVENTS, "org_1",
				"{\"organization_id\":\"org_1\"}".getBytes(StandardCharsets.UTF_8));
		record.headers().add("ce_orgversion", "7".getBytes(StandardCharsets.UTF_8));
		return record;
	}

	/** The record as a consumer reads it back. */
	private static ConsumerRecord<String, byte[]> read(ProducerRecord<String, byte[]> written, int partition,
			long offset) {
		return new ConsumerRecord<>(written.topic(), partition, offset, 0L, TimestampType.CREATE_TIME, 0, 0,
				written.key(), written.value(), written.headers(), Optional.empty());
	}

	private ApplicationContextRunner embedded() {
		return this.contextRunner.withPropertyValues("membership.data-dir=" + this.dataDirectory,
				"membership.kafka.embedded.port=0");
	}

	/** Unsigned records, as a version that did not sign wrote them, all to one key. */
	private static void write(String bootstrapServers, int count) throws Exception {
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
				new ByteArraySerializer())) {
			for (int i = 0; i < count; i++) {
				producer.send(new ProducerRecord<>(MembershipTopics.EVENTS, "org_1", List.of(i).toString().getBytes()))
					.get();
			}
		}
	}

}
