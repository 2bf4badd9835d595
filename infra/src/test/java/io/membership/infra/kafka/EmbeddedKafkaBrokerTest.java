package io.membership.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayNameGeneration(ReplaceUnderscores.class)
class EmbeddedKafkaBrokerTest {

	private static final Duration PATIENCE = Duration.ofSeconds(20);

	@TempDir
	Path logDirectory;

	private EmbeddedKafkaBroker broker;

	@AfterEach
	void stopBroker() {
		if (this.broker != null) {
			this.broker.close();
		}
	}

	@Test
	void a_record_produced_by_an_idempotent_producer_is_consumed_back_by_a_consumer_group() throws Exception {
		this.broker = startedBroker();
		createTopic(new NewTopic("membership-events", 1, (short) 1));

		produce("membership-events", "org-1", "OrganizationCreated");

		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProperties("projector"))) {
			consumer.subscribe(List.of("membership-events"));
			List<ConsumerRecord<String, String>> records = pollUntilCount(consumer, 1);
			assertThat(records).singleElement().satisfies((record) -> {
				assertThat(record.key()).isEqualTo("org-1");
				assertThat(record.value()).isEqualTo("OrganizationCreated");
			});
		}
	}

	@Test
	void a_restart_on_the_same_log_directory_keeps_the_record_exactly_once_and_the_cluster_id() throws Exception {
		this.broker = startedBroker();
		String clusterId = this.broker.clusterId();
		createTopic(new NewTopic("membership-events", 1, (short) 1));
		produce("membership-events", "org-1", "OrganizationCreated");
		this.broker.close();

		this.broker = startedBroker();

		assertThat(this.broker.clusterId()).isEqualTo(clusterId);
		try (Admin admin = admin()) {
			assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId);
		}
		assertThat(readFromTheBeginning(new TopicPartition("membership-events", 0))).extracting(ConsumerRecord::value)
			.containsExactly("OrganizationCreated");
	}

	@Test
	void a_compacted_topic_can_be_created() throws Exception {
		this.broker = startedBroker();

		createTopic(new NewTopic("organization-snapshots", 1, (short) 1)
			.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));

		ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "organization-snapshots");
		try (Admin admin = admin()) {
			Config config = admin.describeConfigs(Set.of(topic)).all().get().get(topic);
			assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
				.isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
		}
	}

	@Test
	void a_port_in_use_fails_the_start_naming_the_port_and_leaves_the_log_directory_usable() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			EmbeddedKafkaBroker blocked = new EmbeddedKafkaBroker(taken.getLocalPort(), this.logDirectory);

			assertThatExceptionOfType(EmbeddedBrokerPortInUseException.class).isThrownBy(blocked::start)
				.withMessageContaining("127.0.0.1:" + taken.getLocalPort());
		}

		this.broker = startedBroker();
		createTopic(new NewTopic("membership-events", 1, (short) 1));
	}

	@Test
	void the_broker_and_controller_listeners_are_bound_to_the_loopback_interface_only() throws Exception {
		this.broker = startedBroker();
		String bootstrapServers = this.broker.bootstrapServers();
		assertThat(bootstrapServers).startsWith("127.0.0.1:");
		int brokerPort = Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));

		for (int port : List.of(brokerPort, this.broker.controllerPort())) {
			assertThat(listeningAddresses(port)).as("the sockets listening on port %d", port)
				.isNotEmpty()
				.allSatisfy(
						(address) -> assertThat(address.isLoopbackAddress()).as("%s is loopback", address).isTrue());
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
			}
			for (InetAddress address : otherAddressesOfThisMachine()) {
				assertThatIOException().as("connecting to port %d at %s", port, address).isThrownBy(() -> {
					try (Socket socket = new Socket()) {
						socket.connect(new InetSocketAddress(address, port), 2000);
					}
				});
			}
		}
	}

	/** Where sockets listen on this TCP port, as the kernel lists them. */
	private static List<InetAddress> listeningAddresses(int port) throws IOException {
		List<InetAddress> addresses = new ArrayList<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			List<String> lines = Files.readAllLines(Path.of(table));
			for (String line : lines.subList(1, lines.size())) {
				String[] fields = line.trim().split("\\s+");
				String[] local = fields[1].split(":");
				boolean listening = fields[3].equals("0A");
				if (listening && Integer.parseInt(local[1], 16) == port) {
					// Each 32-bit word of the address is written in the host's
					// (little-endian) order.
					byte[] raw = HexFormat.of().parseHex(local[0]);
					for (int word = 0; word < raw.length; word += 4) {
						for (int i = 0; i < 2; i++) {
							byte swap = raw[word + i];
							raw[word + i] = raw[word + 3 - i];
							raw[word + 3 - i] = swap;
						}
					}
					addresses.add(InetAddress.getByAddress(raw));
				}
			}
		}
		return addresses;
	}

	private static List<InetAddress> otherAddressesOfThisMachine() throws IOException {
		List<InetAddress> addresses = new ArrayList<>();
		for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			if (network.isUp()) {
				Collections.list(network.getInetAddresses())
					.stream()
					.filter((address) -> !address.isLoopbackAddress() && !address.isLinkLocalAddress())
					.forEach(addresses::add);
			}
		}
		return addresses;
	}

	private EmbeddedKafkaBroker startedBroker() {
		EmbeddedKafkaBroker started = new EmbeddedKafkaBroker(0, this.logDirectory);
		started.start();
		return started;
	}

	private Admin admin() {
		return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.bootstrapServers()));
	}

	private void createTopic(NewTopic topic) throws InterruptedException, ExecutionException {
		try (Admin admin = admin()) {
			admin.createTopics(List.of(topic)).all().get();
		}
	}

	private void produce(String topic, String key, String value) throws InterruptedException, ExecutionException {
		Map<String, Object> properties = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.bootstrapServers(),
				ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties, new StringSerializer(),
				new StringSerializer())) {
			producer.send(new ProducerRecord<>(topic, key, value)).get();
		}
	}

	private Map<String, Object> consumerProperties(String groupId) {
		return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.bootstrapServers(),
				ConsumerConfig.GROUP_ID_CONFIG, groupId, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
				ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
	}

	private static List<ConsumerRecord<String, String>> pollUntilCount(KafkaConsumer<String, String> consumer,
			int count) {
		List<ConsumerRecord<String, String>> records = new ArrayList<>();
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (records.size() < count && System.nanoTime() < deadline) {
			consumer.poll(Duration.ofMillis(200)).forEach(records::add);
		}
		return records;
	}

	// Without a group, and up to the end offset read when it starts: every record the
	// partition holds, each as often as it is stored.
	private List<ConsumerRecord<String, String>> readFromTheBeginning(TopicPartition partition) {
		Map<String, Object> properties = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.bootstrapServers(),
				ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
			consumer.assign(List.of(partition));
			consumer.seekToBeginning(List.of(partition));
			long end = consumer.endOffsets(List.of(partition)).get(partition);
			List<ConsumerRecord<String, String>> records = new ArrayList<>();
			long deadline = System.nanoTime() + PATIENCE.toNanos();
			while (consumer.position(partition) < end && System.nanoTime() < deadline) {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
			}
			return records;
		}
	}

}
