package io.membership.example.consumer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * ({@code org_x user 42: AN -> RE (v7, by 1)}); gaps, dropped duplicates and unreadable
 * records go to stderr.
 */
public final class RoleChangeConsumer implements AutoCloseable {

	private static final Duration POLL = Duration.ofMillis(500);

	private final KafkaConsumer<String, byte[]> consumer;

	private final RoleChangeFollower follower;

	private volatile boolean stopped;

	/**
	 * @param bootstrapServers where the brokers are, e.g. {@code localhost:9092}
	 * @param clientProperties further Kafka client settings (TLS, SASL, ...)
	 * @param follower what decides what each record means
	 */
	public RoleChangeConsumer(String bootstrapServers, Properties clientProperties, RoleChangeFollower follower) {
		Properties properties = new Properties();
		properties.putAll(clientProperties);
		properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "membership-example-consumer");
		properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
		this.consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
		this.follower = follower;
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
			while (!this.stopped) {
				for (ConsumerRecord<String, byte[]> record : this.consumer.poll(POLL)) {
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

	/** Makes {@link #run} return soon; safe to call from any thread. */
	public void stop() {
		this.stopped = true;
		this.consumer.wakeup();
	}

	@Override
	public void close() {
		this.consumer.close();
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
		try (RoleChangeConsumer consumer = new RoleChangeConsumer(args[0], clientProperties,
				new RoleChangeFollower())) {
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
			consumer.run((outcome) -> ((outcome instanceof Outcome.RoleChange) ? out : err).println(outcome.describe()),
					() -> err.println("Waiting for " + RoleChangeFollower.EVENTS_TOPIC + " at " + args[0] + " ..."));
		}
		finally {
			finished.countDown();
		}
	}

}
