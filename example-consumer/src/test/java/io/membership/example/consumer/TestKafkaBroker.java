package io.membership.example.consumer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A throwaway single-node KRaft broker in this JVM, formatted fresh in a temporary
 * directory: what {@code kafka-storage.sh format} and {@code kafka-server-start.sh} do.
 * (The service's own {@code EmbeddedKafkaBroker} lives in infra, whose jar Spring Boot
 * repackages, so it is not on this module's classpath.)
 */
final class TestKafkaBroker implements AutoCloseable {

	private static final String HOST = "localhost";

	private final KafkaRaftServer server;

	private final int port;

	TestKafkaBroker(Path logDirectory) {
		this.port = freePort();
		int controllerPort = freePort();
		Properties properties = new Properties();
		properties.put("process.roles", "broker,controller");
		properties.put("node.id", "1");
		properties.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
		properties.put("controller.listener.names", "CONTROLLER");
		properties.put("inter.broker.listener.name", "PLAINTEXT");
		properties.put("listeners",
				"PLAINTEXT://" + HOST + ":" + this.port + ",CONTROLLER://" + HOST + ":" + controllerPort);
		properties.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + this.port);
		properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
		properties.put("log.dirs", logDirectory.toString());
		properties.put("offsets.topic.replication.factor", "1");
		properties.put("transaction.state.log.replication.factor", "1");
		properties.put("transaction.state.log.min.isr", "1");
		properties.put("share.coordinator.state.topic.replication.factor", "1");
		properties.put("share.coordinator.state.topic.min.isr", "1");
		properties.put("auto.create.topics.enable", "false");
		properties.put("group.initial.rebalance.delay.ms", "0");
		try {
			new Formatter().setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
				.setNodeId(1)
				.setClusterId(Uuid.randomUuid().toString())
				.setControllerListenerName("CONTROLLER")
				.setMetadataLogDirectory(logDirectory.toString())
				.setDirectories(List.of(logDirectory.toString()))
				.run();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot format " + logDirectory, ex);
		}
		this.server = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
		this.server.startup();
	}

	String bootstrapServers() {
		return HOST + ":" + this.port;
	}

	@Override
	public void close() {
		this.server.shutdown();
		this.server.awaitShutdown();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
