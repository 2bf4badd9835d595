package io.membership.infra.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.TestRecordKey;

/**
 * The service as production runs it: {@code java -jar membership.jar} in a JVM of its
 * own, configured only through environment variables, so that it can be killed with
 * SIGKILL ({@link #kill()}) mid-request. Its output goes to {@code service.log} in its
 * data directory, which outlives the test for diagnosis.
 *
 * <p>
 * Every process started here is killed when the test JVM exits, whatever happened to the
 * test that started it.
 */
final class ServiceProcess implements AutoCloseable {

	/** How long a start may take; the build machines are shared and often loaded. */
	static final Duration START_TIMEOUT = Duration.ofSeconds(240);

	private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-service-processes"));
	}

	private final String name;

	private final Path dataDirectory;

	private final int port;

	private final int managementPort;

	private final Map<String, String> environment;

	private Process process;

	private int starts;

	private ServiceProcess(String name, Path dataDirectory, int port, int managementPort,
			Map<String, String> environment) {
		this.name = name;
		this.dataDirectory = dataDirectory;
		this.port = port;
		this.managementPort = managementPort;
		this.environment = environment;
	}

	/**
	 * A service on its own HTTP and management ports and data directory, in
	 * {@code schema} of the test database, reached at {@code jdbcUrl} (the server, or a
	 * proxy in front of it).
	 */
	static Builder builder(String name, FaultSchema schema) {
		return new Builder(name, schema);
	}

	/** Starts the JVM and waits until its health endpoint answers UP. */
	synchronized ServiceProcess start() {
		if (this.process != null && this.process.isAlive()) {
			throw new IllegalStateException(this.name + " is already running");
		}
		List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx384m",
				// Start-up speed over peak speed, and one GC thread: the suite runs
				// several services on a small machine.
				"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Ddisable-axoniq-console-message=true", "-jar",
				jar().toString()));
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.dataDirectory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
		builder.environment().putAll(this.environment);
		try {
			Files.writeString(log(), "%n===== start #%d of %s =====%n".formatted(++this.starts, this.name),
					StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
					java.nio.file.StandardOpenOption.APPEND);
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + this.name, ex);
		}
		LIVE.add(this.process);
		awaitReady(START_TIMEOUT);
		return this;
	}

	/** SIGKILL: no shutdown hook, no graceful shutdown, nothing flushed. */
	synchronized void kill() {
		Process running = this.process;
		if (running == null) {
			return;
		}
		running.destroyForcibly();
		waitFor(running, Duration.ofSeconds(30));
		LIVE.remove(running);
	}

	/** SIGTERM, the service's graceful shutdown, then SIGKILL if it takes too long. */
	synchronized void stop() {
		Process running = this.process;
		if (running == null) {
			return;
		}
		running.destroy();
		if (!waitFor(running, Duration.ofSeconds(30))) {
			running.destroyForcibly();
			waitFor(running, Duration.ofSeconds(30));
		}
		LIVE.remove(running);
	}

	@Override
	public void close() {
		kill();
	}

	boolean isAlive() {
		Process running = this.process;
		return running != null && running.isAlive();
	}

	long pid() {
		return this.process.pid();
	}

	int port() {
		return this.port;
	}

	String name() {
		return this.name;
	}

	Path dataDirectory() {
		return this.dataDirectory;
	}

	/** A client acting as this user, with a token signed by the test secret. */
	ApiClient as(long userId) {
		return ApiClient.as(this.port, userId);
	}

	ApiClient anonymous() {
		return ApiClient.anonymous(this.port);
	}

	/** The last lines of the service's output, for failure messages. */
	String logTail(int lines) {
		try {
			List<String> all = Files.readAllLines(log(), StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	Path log() {
		return this.dataDirectory.resolve("service.log");
	}

	/**
	 * Whether the service's health endpoint (on its management port) answers UP right
	 * now.
	 */
	boolean healthy() {
		try {
			HttpResponse<String> health = HTTP
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.managementPort + "/actuator/health"))
					.timeout(Duration.ofSeconds(5))
					.build(), HttpResponse.BodyHandlers.ofString());
			return health.statusCode() == 200 && health.body().contains("\"UP\"");
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void awaitReady(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(
						this.name + " exited with " + this.process.exitValue() + " while starting:\n" + logTail(60));
			}
			if (healthy()) {
				return;
			}
			sleep(Duration.ofMillis(500));
		}
		kill();
		throw new IllegalStateException(this.name + " was not ready within " + timeout + ":\n" + logTail(60));
	}

	private static boolean waitFor(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/** The jar {@code mvn package} built; the faults profile passes its path. */
	static Path jar() {
		String configured = System.getProperty("membership.jar");
		Path jar = (configured != null) ? Path.of(configured) : Path.of("target", "membership.jar");
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("The fault-injection tests start the service jar " + jar.toAbsolutePath()
					+ ", which does not exist: run them with mvn -Pfaults verify, which builds it first");
		}
		return jar.toAbsolutePath();
	}

	/** Where the suite keeps each service's data directory and log. */
	static Path faultsDirectory() {
		return Path.of(System.getProperty("membership.faults.dir", "target/faults")).toAbsolutePath();
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** What a service process is configured with, all through its environment. */
	static final class Builder {

		private final String name;

		private final FaultSchema schema;

		private final Map<String, String> environment = new LinkedHashMap<>();

		private String jdbcUrl;

		private Builder(String name, FaultSchema schema) {
			this.name = name;
			this.schema = schema;
			this.jdbcUrl = schema.jdbcUrl();
		}

		/** The database through another address (a proxy), same schema. */
		Builder jdbcUrl(String url) {
			this.jdbcUrl = url;
			return this;
		}

		/** Kafka outside the service (the test's broker), at these bootstrap servers. */
		Builder externalKafka(String bootstrapServers) {
			this.environment.put("MEMBERSHIP_KAFKA_EMBEDDED_ENABLED", "false");
			this.environment.put("MEMBERSHIP_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
			return this;
		}

		/**
		 * The service's own in-process broker, its log in the data directory, on a fixed
		 * port so it is found again after a restart.
		 */
		Builder embeddedKafka(int port) {
			this.environment.put("MEMBERSHIP_KAFKA_EMBEDDED_ENABLED", "true");
			this.environment.put("MEMBERSHIP_KAFKA_EMBEDDED_PORT", Integer.toString(port));
			return this;
		}

		Builder env(String variable, String value) {
			this.environment.put(variable, value);
			return this;
		}

		ServiceProcess build() {
			Path dataDirectory = faultsDirectory().resolve(this.name + "-" + System.currentTimeMillis());
			try {
				Files.createDirectories(dataDirectory);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			int port = freePort();
			// Two instances on one machine: each needs a management port of its own too.
			int managementPort = freePort();
			Map<String, String> env = new LinkedHashMap<>();
			env.put("PORT", Integer.toString(port));
			env.put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort));
			env.put("MEMBERSHIP_DATA_DIR", dataDirectory.toString());
			env.put("SPRING_DATASOURCE_URL", this.jdbcUrl);
			env.put("SPRING_DATASOURCE_USERNAME", this.schema.username());
			env.put("SPRING_DATASOURCE_PASSWORD", this.schema.password());
			env.put("SPRING_FLYWAY_DEFAULT_SCHEMA", this.schema.name());
			env.put("MEMBERSHIP_JWT_SECRET", ApiClient.TEST_SECRET);
			// Instances sharing a Kafka cluster must sign and verify with one key.
			env.put("MEMBERSHIP_KAFKA_RECORD_KEY", TestRecordKey.VALUE);
			env.put("MEMBERSHIP_KAFKA_DELIVERY_TIMEOUT", "5s");
			env.put("SPRING_MAIN_BANNER_MODE", "off");
			env.putAll(this.environment);
			return new ServiceProcess(this.name, dataDirectory, port, managementPort, env);
		}

	}

}
