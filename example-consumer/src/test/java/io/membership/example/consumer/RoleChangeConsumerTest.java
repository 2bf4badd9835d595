package io.membership.example.consumer;

import static io.membership.example.consumer.CloudEventsRecords.produced;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.membership.events.PersonalDataErased;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;

@DisplayNameGeneration(ReplaceUnderscores.class)
class RoleChangeConsumerTest {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	@TempDir
	Path logDirectory;

	@Test
	@Timeout(value = 2, unit = TimeUnit.MINUTES)
	void it_follows_role_changes_from_a_real_broker_dropping_a_redelivery_and_reporting_a_gap() throws Exception {
		try (TestKafkaBroker broker = new TestKafkaBroker(this.logDirectory)) {
			createEventsTopic(broker);
			publish(broker,
					List.of(produced(Events.created("org_a"), 1, "a-1"),
							produced(Events.joined("org_a", Role.NOT_ACTIVATED), 2, "a-2"),
							produced(Events.created("org_b"), 1, "b-1"),
							produced(Events.activated("org_a", Role.NOT_ACTIVATED, Role.ANNOTATOR), 3, "a-3"),
							// At least once: the same event again.
							produced(Events.activated("org_a", Role.NOT_ACTIVATED, Role.ANNOTATOR), 3, "a-3"),
							produced(Events.workspaceCreated("org_a"), 4, "a-4"),
							// v5 never arrives.
							produced(Events.roleChanged("org_a", Role.ANNOTATOR, Role.REVIEWER), 6, "a-6"),
							produced(Events.joined("org_b", Role.MANAGER), 2, "b-2")));

			List<Outcome> outcomes = new CopyOnWriteArrayList<>();
			try (RoleChangeConsumer consumer = new RoleChangeConsumer(broker.bootstrapServers(), new Properties(),
					new RoleChangeFollower())) {
				Thread running = new Thread(() -> consumer.run(outcomes::add, () -> {
				}), "role-change-consumer");
				running.start();
				long deadline = System.nanoTime() + PATIENCE.toNanos();
				while (outcomes.size() < 8 && System.nanoTime() < deadline) {
					Thread.sleep(50);
				}
				consumer.stop();
				running.join(PATIENCE.toMillis());
				assertThat(running.isAlive()).as("stop() ends run()").isFalse();
			}

			List<String> orgA = outcomes.stream()
				.map(Outcome::describe)
				.filter((line) -> line.startsWith("org_a"))
				.toList();
			List<String> orgB = outcomes.stream()
				.map(Outcome::describe)
				.filter((line) -> line.startsWith("org_b"))
				.toList();
			assertThat(orgA).containsExactly("org_a user 1: -- -> OW (v1, by 1)", "org_a user 42: -- -> NO (v2, by 42)",
					"org_a user 42: NO -> AN (v3, by 1)", "org_a v3: dropped a-3, ce_id already seen",
					"org_a: GAP, v5 never received", "org_a user 42: AN -> RE (v6, by 1)");
			assertThat(orgB).containsExactly("org_b user 1: -- -> OW (v1, by 1)",
					"org_b user 42: -- -> MA (v2, by 42)");
		}
	}

	@Test
	@Timeout(value = 2, unit = TimeUnit.MINUTES)
	void with_an_address_book_it_learns_an_address_before_the_event_that_refers_to_it_and_forgets_it_on_erasure()
			throws Exception {
		try (TestKafkaBroker broker = new TestKafkaBroker(this.logDirectory)) {
			createEventsTopic(broker);
			try (Admin admin = Admin
				.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
				admin
					.createTopics(List.of(new NewTopic(AddressBook.PERSONAL_DATA_TOPIC, 1, (short) 1)
						.configs(Map.of("cleanup.policy", "compact"))))
					.all()
					.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
			}
			// As the service publishes: the address first, then the event that refers to
			// it; the erasure, then its tombstone.
			publish(broker,
					List.of(personalData("user:42", "{\"email\":\"anna@acme.test\",\"user_id\":\"42\"}", Events.AT)));
			publish(broker,
					List.of(produced(Events.created("org_a"), 1, "a-1"),
							produced(Events.joined("org_a", Role.NOT_ACTIVATED), 2, "a-2"),
							produced(new PersonalDataErased(new OrganizationId("org_a"), Events.ANNA, List.of(),
									Events.OWNER, "1", Events.AT.plusSeconds(60), "corr-3"), 3, "a-3")));
			publish(broker, List.of(personalData("user:42", null, Events.AT.plusSeconds(61))));

			AddressBook book = new AddressBook();
			List<Outcome> outcomes = new CopyOnWriteArrayList<>();
			try (RoleChangeConsumer consumer = new RoleChangeConsumer(broker.bootstrapServers(), new Properties(),
					new RoleChangeFollower(book), book)) {
				Thread running = new Thread(() -> consumer.run(outcomes::add, () -> {
				}), "role-change-consumer");
				running.start();
				long deadline = System.nanoTime() + PATIENCE.toNanos();
				while (outcomes.size() < 5 && System.nanoTime() < deadline) {
					Thread.sleep(50);
				}
				consumer.stop();
				running.join(PATIENCE.toMillis());
			}

			assertThat(outcomes).extracting(Outcome::describe)
				.containsSubsequence("user:42: anna@acme.test", "org_a user 42: -- -> NO (v2, by 42)",
						"user:42: address erased");
			assertThat(book.address("user:42")).isEmpty();
			assertThat(book.isErased("user:42")).isTrue();
		}
	}

	private static ProducerRecord<String, byte[]> personalData(String key, String value, Instant at) {
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(AddressBook.PERSONAL_DATA_TOPIC, key,
				(value != null) ? value.getBytes(StandardCharsets.UTF_8) : null);
		record.headers().add("ce_type", "membership.PersonalData.v1".getBytes(StandardCharsets.UTF_8));
		record.headers().add("ce_time", at.toString().getBytes(StandardCharsets.UTF_8));
		return record;
	}

	private static void createEventsTopic(TestKafkaBroker broker) throws Exception {
		try (Admin admin = Admin
			.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
			admin.createTopics(List.of(new NewTopic(RoleChangeFollower.EVENTS_TOPIC, 3, (short) 1)))
				.all()
				.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		}
	}

	private static void publish(TestKafkaBroker broker, List<ProducerRecord<String, byte[]>> records) throws Exception {
		Map<String, Object> settings = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
				ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(),
				new ByteArraySerializer())) {
			for (ProducerRecord<String, byte[]> record : records) {
				producer.send(record).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
			}
		}
	}

}
