package io.membership.example.consumer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code membership.events.v1} from the beginning of every partition and hands each
 * record to a {@link RoleChangeFollower}, until {@link #stop()}.
 *
 * <p>
 * It uses no consumer group and commits nothing: the topic keeps every event, so reading
 * it from the start rebuilds the follower's state on every run. A service that joins a
 * group and commits offsets instead must keep the follower's
 * {@link RoleChangeFollower#lastVersions() last versions} with its own data.
 *
 * <p>
 * Run it with the bootstrap servers, and optionally Kafka client properties: <pre>
 * java -jar example-consumer/target/membership-example-consumer.jar localhost:9092 [name=value ...]
 * </pre> Role changes go to stdout, one a line
 * ({@code org_x user 42: AN -> RE (v7, by 1)}), and so do the addresses it learns from
 * {@value AddressBook#PERSONAL_DATA_TOPIC} ({@code user:42: ann@acme.test}) and those it
 * forgets on erasure ({@code user:42: address erased}); gaps, dropped duplicates and
 * unreadable records go to stderr.
 */
public final class RoleChangeConsumer implements AutoCloseable {

	private static final Duration POLL = Duration.ofMillis(500);

	private final KafkaConsumer<String, byte[]> consumer;

	private final RoleChangeFollower follower;

	/** The personal-data topic's consumer and the book it fills; null without a book. */
	private final KafkaConsumer<String, byte[]> personalData;

	private final AddressBook addresses;

	private volatile boolean stopped;

	/**
	 * @param bootstrapServers where the brokers are, e.g. {@code localhost:9092}
	 * @param clientProperties further Kafka client settings (TLS, SASL, ...)
	 * @param follower what decides what each record means
	 */
	public RoleChangeConsumer(String bootstrapServers, Properties clientProperties, RoleChangeFollower follower) {
		this(bootstrapServers, clientProperties, follower, null);
	}

	/**
	 * A consumer that also keeps the addresses of
	 * {@value AddressBook#PERSONAL_DATA_TOPIC} in the book (give the follower the same
	 * book, so that erasures forget them).
	 */
	public RoleChangeConsumer(String bootstrapServers, Properties clientProperties, RoleChangeFollower follower,
			AddressBook addresses) {
		Properties properties = new Properties();
		properties.putAll(clientProperties);
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "membership-example-consumer");
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
		this.consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
		this.follower = follower;
		this.addresses = addresses;
		if (addresses != null) {
			Properties personalDataProperties = new Properties();
			personalDataProperties.putAll(properties);
			personalDataProperties.put(ConsumerConfig.CLIENT_ID_CONFIG, "membership-example-consumer-personal-data");
			this.personalData = new KafkaConsumer<>(personalDataProperties, new StringDeserializer(),
					new ByteArrayDeserializer());
		}
		else {
			this.personalData = null;
		}
	}

	/**
	 * Waits for the topic to exist (telling {@code waitingForTopic} once if it has to
	 * wait), then follows it from the beginning, handing every outcome to {@code sink},
	 * until {@link #stop()} is called from another thread.
	 */
	public void run(Consumer<Outcome> sink, Runnable waitingForTopic) {
		try {
			List<TopicPartition> partitions = partitions(waitingForTopic);
			if (partitions.isEmpty()) {
				return;
			}
			this.consumer.assign(partitions);
			this.consumer.seekToBeginning(partitions);
			boolean readingAddresses = startReadingAddresses();
			while (!this.stopped) {
				ConsumerRecords<String, byte[]> records = this.consumer.poll(POLL);
				if (readingAddresses) {
					readAddresses(this.personalData.poll(Duration.ZERO), sink);
				}
				else if (this.addresses != null) {
					readingAddresses = startReadingAddresses();
				}
				for (ConsumerRecord<String, byte[]> record : records) {
					// The address an event first refers to is on the personal-data topic
					// before the event: read that topic to its end when one is missing.
					if (readingAddresses && this.addresses.refersToUnknownKey(record)) {
						readAddressesToTheEnd(sink);
					}
					this.follower.accept(record).forEach(sink);
				}
			}
		}
		catch (WakeupException ex) {
			if (!this.stopped) {
				throw ex;
			}
		}
	}

	/**
	 * Assigns the personal-data topic's partitions from their beginning, once the topic
	 * exists; false while it does not (or without a book).
	 */
	private boolean startReadingAddresses() {
		if (this.personalData == null) {
			return false;
		}
		List<TopicPartition> partitions = this.personalData.partitionsFor(AddressBook.PERSONAL_DATA_TOPIC, POLL)
			.stream()
			.map((info) -> new TopicPartition(info.topic(), info.partition()))
			.toList();
		if (partitions.isEmpty()) {
			return false;
		}
		this.personalData.assign(partitions);
		this.personalData.seekToBeginning(partitions);
		return true;
	}

	private void readAddresses(ConsumerRecords<String, byte[]> records, Consumer<Outcome> sink) {
		for (ConsumerRecord<String, byte[]> record : records) {
			sink.accept(this.addresses.accept(record));
		}
	}

	/** Reads the personal-data topic up to its end offsets as of now. */
	private void readAddressesToTheEnd(Consumer<Outcome> sink) {
		Map<TopicPartition, Long> end = this.personalData.endOffsets(this.personalData.assignment(), POLL);
		while (!this.stopped && end.entrySet()
			.stream()
			.anyMatch((partition) -> this.personalData.position(partition.getKey()) < partition.getValue())) {
			readAddresses(this.personalData.poll(POLL), sink);
		}
	}

	/** Makes {@link #run} return soon; safe to call from any thread. */
	public void stop() {
		this.stopped = true;
		this.consumer.wakeup();
		if (this.personalData != null) {
			this.personalData.wakeup();
		}
	}

	@Override
	public void close() {
		this.consumer.close();
		if (this.personalData != null) {
			this.personalData.close();
		}
	}

	private List<TopicPartition> partitions(Runnable waitingForTopic) {
		boolean told = false;
		while (!this.stopped) {
			try {
				List<TopicPartition> partitions = this.consumer.partitionsFor(RoleChangeFollower.EVENTS_TOPIC, POLL)
					.stream()
					.map((info) -> new TopicPartition(info.topic(), info.partition()))
					.toList();
				if (!partitions.isEmpty()) {
					return partitions;
				}
			}
			catch (TimeoutException ex) {
				// No broker answered yet; keep waiting like for a topic that does not
				// exist.
			}
			if (!told) {
				waitingForTopic.run();
				told = true;
			}
			try {
				Thread.sleep(POLL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return List.of();
			}
		}
		return List.of();
	}

	public static void main(String[] args) throws InterruptedException {
		if (args.length < 1 || args[0].isBlank() || args[0].startsWith("-")) {
			System.err.println("Usage: java -jar membership-example-consumer.jar BOOTSTRAP_SERVERS [name=value ...]");
			System.err.println("  e.g. java -jar membership-example-consumer.jar localhost:9092");
			System.exit(2);
		}
		Properties clientProperties = new Properties();
		for (int i = 1; i < args.length; i++) {
			int equals = args[i].indexOf('=');
			if (equals < 1) {
				System.err.println("Not a Kafka client property (name=value): " + args[i]);
				System.exit(2);
			}
			clientProperties.put(args[i].substring(0, equals), args[i].substring(equals + 1));
		}

		PrintStream out = System.out;
		PrintStream err = System.err;
		CountDownLatch finished = new CountDownLatch(1);
		AddressBook addresses = new AddressBook();
		try (RoleChangeConsumer consumer = new RoleChangeConsumer(args[0], clientProperties,
				new RoleChangeFollower(addresses), addresses)) {
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				consumer.stop();
				try {
					finished.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, "stop-consumer"));
			err.println("Following role changes on " + RoleChangeFollower.EVENTS_TOPIC + " at " + args[0]
					+ " (Ctrl-C stops)");
			consumer.run(
					(outcome) -> ((outcome instanceof Outcome.RoleChange || outcome instanceof Outcome.AddressLearned
							|| outcome instanceof Outcome.AddressForgotten) ? out : err)
						.println(outcome.describe()),
					() -> err.println("Waiting for " + RoleChangeFollower.EVENTS_TOPIC + " at " + args[0] + " ..."));
		}
		finally {
			finished.countDown();
		}
	}

}
