package io.membership.infra.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Kafka broker running inside this JVM in KRaft mode (one node is
 * both broker and controller; there is no ZooKeeper), keeping its whole log in one
 * directory.
 *
 * <p>
 * It runs {@code KafkaRaftServer}, the class Kafka's own {@code kafka-server-start.sh}
 * runs, and formats the storage the way {@code kafka-storage.sh format} does. Kafka's
 * test kit ({@code KafkaClusterTestKit}) and spring-kafka-test's
 * {@code EmbeddedKafkaKraftBroker}, which wraps it, are built to format a fresh,
 * throwaway cluster on every start, by default in temporary directories removed on exit;
 * the service needs the opposite: a broker that reopens yesterday's log, like a broker
 * installed on the machine would.
 *
 * <p>
 * The storage is formatted only when the directory holds no {@code meta.properties} yet.
 * That file keeps the cluster id and node id, so every later start reopens the same
 * cluster with every record already written.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

	private static final int NODE_ID = 1;

	// The loopback address itself rather than "localhost", which a resolver or a hosts
	// file may map elsewhere: the embedded broker serves this process and tools on the
	// same machine, never the network. Its listeners have no authentication.
	private static final String HOST = "127.0.0.1";

	private static final String BROKER_LISTENER = "PLAINTEXT";

	private static final String CONTROLLER_LISTENER = "CONTROLLER";

	private final int requestedPort;

	private final Path logDirectory;

	private KafkaRaftServer server;

	private int port;

	private int controllerPort;

	private String clusterId;

	/**
	 * @param port the port clients connect to; 0 picks a free one
	 * @param logDirectory where the broker keeps its log; created if missing
	 */
	public EmbeddedKafkaBroker(int port, Path logDirectory) {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("Not a TCP port: " + port);
		}
		this.requestedPort = port;
		this.logDirectory = logDirectory.toAbsolutePath().normalize();
	}

	/**
	 * Formats the log directory if it has never been formatted, then starts the broker
	 * and returns once it accepts clients.
	 */
	public synchronized void start() {
		if (this.server != null) {
			throw new IllegalStateException("The embedded Kafka broker is already running");
		}
		long startedAt = System.nanoTime();
		// A restart keeps the port it had, so clients that knew the broker find it again.
		int brokerPort = (this.requestedPort != 0) ? this.requestedPort : (this.port != 0) ? this.port : freePort();
		requireFree(brokerPort);
		int quorumPort = freePort();
		KafkaConfig config = KafkaConfig.fromProps(serverProperties(brokerPort, quorumPort), false);
		this.clusterId = formatOnce();
		KafkaRaftServer raftServer = new KafkaRaftServer(config, Time.SYSTEM);
		try {
			raftServer.startup();
		}
		catch (RuntimeException ex) {
			IllegalStateException failure = new IllegalStateException("Cannot start the embedded Kafka broker on "
					+ HOST + ":" + brokerPort + " with its log in " + this.logDirectory, ex);
			// Whatever did start (the controller, the log manager and its lock on the
			// directory) must stop too, or the next attempt finds the directory locked.
			try {
				raftServer.shutdown();
				raftServer.awaitShutdown();
			}
			catch (RuntimeException shutdownFailure) {
				failure.addSuppressed(shutdownFailure);
			}
			throw failure;
		}
		this.server = raftServer;
		this.port = brokerPort;
		this.controllerPort = quorumPort;
		log.info("Embedded Kafka broker of cluster {} started on {} in {} ms, log in {}", this.clusterId,
				bootstrapServers(), (System.nanoTime() - startedAt) / 1_000_000, this.logDirectory);
	}

	/**
	 * The {@code bootstrap.servers} value that reaches this broker.
	 */
	public synchronized String bootstrapServers() {
		if (this.server == null) {
			throw new IllegalStateException("The embedded Kafka broker is not running");
		}
		return HOST + ":" + this.port;
	}

	/**
	 * The id of the cluster this broker's log belongs to; the same on every start over
	 * the same log directory.
	 */
	public synchronized String clusterId() {
		if (this.clusterId == null) {
			throw new IllegalStateException("The embedded Kafka broker has not been started");
		}
		return this.clusterId;
	}

	/** The port of the controller listener, which only the broker itself uses. */
	synchronized int controllerPort() {
		if (this.server == null) {
			throw new IllegalStateException("The embedded Kafka broker is not running");
		}
		return this.controllerPort;
	}

	public Path logDirectory() {
		return this.logDirectory;
	}

	/**
	 * Stops the broker cleanly, so the next start on the same directory needs no log
	 * recovery. Closing a stopped broker does nothing.
	 */
	@Override
	public synchronized void close() {
		if (this.server == null) {
			return;
		}
		this.server.shutdown();
		this.server.awaitShutdown();
		this.server = null;
		log.info("Embedded Kafka broker of cluster {} stopped", this.clusterId);
	}

	private Properties serverProperties(int brokerPort, int controllerPort) {
		Properties properties = new Properties();
		properties.put("process.roles", "broker,controller");
		properties.put("node.id", String.valueOf(NODE_ID));
		// A static single-voter quorum: no voter endpoint is written into the log, so the
		// controller may listen on a different free port on every start.
		properties.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
		properties.put("controller.listener.names", CONTROLLER_LISTENER);
		properties.put("inter.broker.listener.name", BROKER_LISTENER);
		// Both listeners bound to the loopback interface only (see HOST).
		properties.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER
				+ "://" + HOST + ":" + controllerPort);
		properties.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
		properties.put("listener.security.protocol.map",
				BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
		properties.put("log.dirs", this.logDirectory.toString());
		// One broker can hold one replica of each internal topic; the defaults (3) would
		// leave consumer groups and transactions unable to start.
		properties.put("offsets.topic.replication.factor", "1");
		properties.put("transaction.state.log.replication.factor", "1");
		properties.put("transaction.state.log.min.isr", "1");
		properties.put("share.coordinator.state.topic.replication.factor", "1");
		properties.put("share.coordinator.state.topic.min.isr", "1");
		// Topics are created on purpose, with their cleanup policy, never by a typo.
		properties.put("auto.create.topics.enable", "false");
		// There is only ever one member per group to wait for.
		properties.put("group.initial.rebalance.delay.ms", "0");
		return properties;
	}

	private String formatOnce() {
		Path metaProperties = this.logDirectory.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME);
		try {
			if (Files.exists(metaProperties)) {
				return existingClusterId();
			}
			Files.createDirectories(this.logDirectory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the Kafka log directory " + this.logDirectory, ex);
		}
		String newClusterId = Uuid.randomUuid().toString();
		try {
			new Formatter().setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
				.setNodeId(NODE_ID)
				.setClusterId(newClusterId)
				.setControllerListenerName(CONTROLLER_LISTENER)
				.setMetadataLogDirectory(this.logDirectory.toString())
				.setDirectories(List.of(this.logDirectory.toString()))
				.run();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot format the Kafka log directory " + this.logDirectory, ex);
		}
		log.info("Formatted {} for the new Kafka cluster {}", this.logDirectory, newClusterId);
		return newClusterId;
	}

	private String existingClusterId() throws IOException {
		MetaPropertiesEnsemble ensemble = new MetaPropertiesEnsemble.Loader()
			.addLogDirs(List.of(this.logDirectory.toString()))
			.load();
		return ensemble.clusterId()
			.orElseThrow(() -> new IllegalStateException(
					this.logDirectory + " has a meta.properties without a cluster id: it is no Kafka log directory"));
	}

	// Kafka could bind port 0 itself, but KafkaRaftServer does not tell which port it
	// got,
	// and the controller's port must be known beforehand for the voters setting. Another
	// process may take the port before the broker binds it; the start then fails.
	/**
	 * Fails with {@link EmbeddedBrokerPortInUseException} (one clear line at start-up,
	 * {@link EmbeddedBrokerPortInUseFailureAnalyzer}) when something else listens on the
	 * port, before Kafka starts and fails with hundreds of lines of its own.
	 */
	private static void requireFree(int port) {
		try (ServerSocket probe = new ServerSocket()) {
			probe.setReuseAddress(true);
			probe.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
		}
		catch (IOException ex) {
			throw new EmbeddedBrokerPortInUseException(HOST, port, ex);
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port on the loopback interface", ex);
		}
	}

}
