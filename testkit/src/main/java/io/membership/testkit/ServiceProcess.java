package io.membership.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service as production runs it: {@code java -jar membership.jar} in a JVM of its
 * own, configured only through environment variables, on an HTTP port, a management port
 * (where health is served) and a data directory of its own (where the embedded Kafka
 * broker keeps its log). Being a process of its own, it can be killed with SIGKILL
 * mid-request ({@link #kill()}), started again on the same data directory, and its
 * resident memory and CPU time read from {@code /proc}. Its output goes to a log file,
 * which outlives it for diagnosis.
 *
 * <p>
 * infra's fault-injection suite and the bench start the service with it. Every process
 * started here is killed when the JVM that started it exits, whatever happened to the
 * code that started it.
 */
public final class ServiceProcess implements AutoCloseable {

	/** USER_HZ, which Linux fixes at 100 for user space. */
	private static final long CLOCK_TICKS_PER_SECOND = 100;

	/** How long a graceful shutdown may take before the process is killed. */
	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

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

	private final List<String> command;

	private final Path workingDirectory;

	private final Path dataDirectory;

	private final Path log;

	private final Map<String, String> environment;

	private final int port;

	private final int managementPort;

	private final String kafkaBootstrap;

	private final Duration startTimeout;

	private final boolean killOnClose;

	private Process process;

	private int starts;

	private ServiceProcess(Builder builder, int port, int managementPort, Map<String, String> environment) {
		this.name = builder.name;
		this.command = new ArrayList<>();
		this.command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		this.command.addAll(builder.jvmArgs);
		this.command.add("-jar");
		this.command.add(builder.jar.toString());
		this.workingDirectory = builder.workingDirectory;
		this.dataDirectory = builder.dataDirectory;
		this.log = (builder.log != null) ? builder.log : builder.dataDirectory.resolve("service.log");
		this.environment = environment;
		this.port = port;
		this.managementPort = managementPort;
		this.kafkaBootstrap = builder.kafkaBootstrap;
		this.startTimeout = builder.startTimeout;
		this.killOnClose = builder.killOnClose;
	}

	/**
	 * A service called {@code name} (in its log and in failure messages) that runs this
	 * jar; {@link Builder#build()} gives it free HTTP and management ports.
	 */
	public static Builder builder(String name, Path jar) {
		return new Builder(name, jar);
	}

	/**
	 * Starts the JVM and returns once its health endpoint answers UP. A service that was
	 * stopped or killed starts again on the same ports and data directory.
	 */
	public synchronized ServiceProcess start() {
		if (isAlive()) {
			throw new IllegalStateException(this.name + " is already running");
		}
		ProcessBuilder builder = new ProcessBuilder(this.command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
		if (this.workingDirectory != null) {
			builder.directory(this.workingDirectory.toFile());
		}
		builder.environment().putAll(this.environment);
		try {
			Files.createDirectories(this.dataDirectory);
			Files.createDirectories(this.log.toAbsolutePath().getParent());
			this.starts++;
			// The log holds this object's starts: the first begins it afresh.
			Files.writeString(this.log, "%n===== start #%d of %s =====%n".formatted(this.starts, this.name),
					StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					(this.starts == 1) ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + this.name + " with " + this.command, ex);
		}
		LIVE.add(this.process);
		awaitHealthy();
		return this;
	}

	/**
	 * Runs one of the jar's commands ({@code java -jar membership.jar <arguments>}) with
	 * the service's JVM options, environment and working directory, as an operator runs
	 * it beside a stopped service; answers its exit status and what it printed.
	 */
	public CommandResult runCommand(List<String> arguments, Duration timeout) {
		List<String> command = new ArrayList<>(this.command);
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		if (this.workingDirectory != null) {
			builder.directory(this.workingDirectory.toFile());
		}
		builder.environment().putAll(this.environment);
		try {
			Process process = builder.start();
			LIVE.add(process);
			try {
				// Read while it runs, so a chatty command never blocks on a full pipe.
				CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
					try {
						return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
				});
				if (!waitFor(process, timeout)) {
					process.destroyForcibly();
					throw new IllegalStateException(this.name + ": " + arguments + " did not end within " + timeout
							+ "; it printed:\n" + output.getNow("(nothing yet)"));
				}
				return new CommandResult(process.exitValue(), output.join());
			}
			finally {
				LIVE.remove(process);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot run " + command, ex);
		}
	}

	/** A command's exit status and output (stdout and stderr together). */
	public record CommandResult(int exitStatus, String output) {
	}

	/** SIGKILL: no shutdown hook, no graceful shutdown, nothing flushed. */
	public synchronized void kill() {
		Process running = this.process;
		if (running == null) {
			return;
		}
		running.destroyForcibly();
		waitFor(running, Duration.ofSeconds(30));
		LIVE.remove(running);
	}

	/**
	 * SIGTERM, as an operator stops it (the service's graceful shutdown), then SIGKILL if
	 * that takes over a minute.
	 */
	public synchronized void stop() {
		Process running = this.process;
		if (running == null) {
			return;
		}
		running.destroy();
		if (!waitFor(running, STOP_TIMEOUT)) {
			running.destroyForcibly();
			waitFor(running, Duration.ofSeconds(30));
		}
		LIVE.remove(running);
	}

	/** {@link #stop()}, or {@link #kill()} if the builder said so. */
	@Override
	public void close() {
		if (this.killOnClose) {
			kill();
		}
		else {
			stop();
		}
	}

	public boolean isAlive() {
		Process running = this.process;
		return running != null && running.isAlive();
	}

	public String name() {
		return this.name;
	}

	public long pid() {
		return this.process.pid();
	}

	public int port() {
		return this.port;
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	/** Where health is served: a port of its own, with its own request threads. */
	public String managementUrl() {
		return "http://127.0.0.1:" + this.managementPort;
	}

	/** The bootstrap servers of the Kafka the service uses, its own or another. */
	public String kafkaBootstrap() {
		if (this.kafkaBootstrap == null) {
			throw new IllegalStateException(this.name + " was not told which Kafka to use");
		}
		return this.kafkaBootstrap;
	}

	public Path dataDirectory() {
		return this.dataDirectory;
	}

	public Path log() {
		return this.log;
	}

	/** The last lines of the service's output, for failure messages. */
	public String logTail(int lines) {
		try {
			List<String> all = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	/**
	 * Whether the readiness probe (on the management port) answers UP right now: the
	 * service takes traffic. Not the whole health, which also reports Kafka, away without
	 * the service being out of rotation.
	 */
	public boolean healthy() {
		try {
			HttpResponse<String> health = HTTP
				.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/actuator/health/readiness"))
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

	/** {@code VmRSS} and {@code VmHWM} of the service's JVM, in KiB. */
	public long[] residentKib() {
		long rss = -1;
		long hwm = -1;
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
				if (line.startsWith("VmRSS:")) {
					rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
				}
				else if (line.startsWith("VmHWM:")) {
					hwm = Long.parseLong(line.replaceAll("[^0-9]", ""));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return new long[] { rss, hwm };
	}

	/** CPU time the service's JVM has used so far (user and system), in milliseconds. */
	public long cpuMillis() {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// Fields 14 and 15 of proc(5), counted from the state field (3) here.
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Asks the service's JVM for a full collection, as {@code jcmd <pid> GC.run}. */
	public void fullGc() {
		jcmd("GC.run");
	}

	/**
	 * The Java heap in use, in KiB, as {@code jcmd <pid> GC.heap_info} reports it; -1 if
	 * it cannot be read.
	 */
	public long heapUsedKib() {
		Matcher used = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K").matcher(jcmd("GC.heap_info"));
		return used.find() ? Long.parseLong(used.group(1)) : -1;
	}

	private String jcmd(String command) {
		Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
		try {
			Process jcmdProcess = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), command)
				.redirectErrorStream(true)
				.start();
			String output = new String(jcmdProcess.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			jcmdProcess.waitFor(60, TimeUnit.SECONDS);
			return output;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "";
		}
	}

	private void awaitHealthy() {
		long deadline = System.nanoTime() + this.startTimeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited with " + this.process.exitValue()
						+ " while starting; from " + this.log + ":\n" + logTail(60));
			}
			if (healthy()) {
				return;
			}
			sleep(Duration.ofMillis(250));
		}
		kill();
		throw new IllegalStateException(this.name + " was not healthy within " + this.startTimeout + "; from "
				+ this.log + ":\n" + logTail(60));
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

	/** A port nothing listens on right now, on the loopback address. */
	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/** What a service process is configured with, all of it through its environment. */
	public static final class Builder {

		private final String name;

		private final Path jar;

		private final List<String> jvmArgs = new ArrayList<>();

		private final Map<String, String> environment = new LinkedHashMap<>();

		private Path dataDirectory;

		private Path workingDirectory;

		private Path log;

		private String kafkaBootstrap;

		private Duration startTimeout = Duration.ofMinutes(3);

		private boolean killOnClose;

		private Builder(String name, Path jar) {
			this.name = name;
			this.jar = jar;
		}

		public Builder jvmArgs(List<String> args) {
			this.jvmArgs.addAll(args);
			return this;
		}

		/**
		 * Where the service keeps its H2 database, its Kafka broker's log and its keys
		 * ({@code MEMBERSHIP_DATA_DIR}); created when the service starts.
		 */
		public Builder dataDirectory(Path directory) {
			this.dataDirectory = directory;
			return this;
		}

		/** The JVM's working directory; without it, this JVM's. */
		public Builder workingDirectory(Path directory) {
			this.workingDirectory = directory;
			return this;
		}

		/**
		 * Where the service's output goes; without it, {@code service.log} in its data
		 * directory.
		 */
		public Builder log(Path file) {
			this.log = file;
			return this;
		}

		/**
		 * PostgreSQL (or another database) instead of the embedded H2, in this schema.
		 */
		public Builder database(String jdbcUrl, String username, String password, String schema) {
			this.environment.put("SPRING_DATASOURCE_URL", jdbcUrl);
			this.environment.put("SPRING_DATASOURCE_USERNAME", username);
			this.environment.put("SPRING_DATASOURCE_PASSWORD", password);
			this.environment.put("SPRING_FLYWAY_DEFAULT_SCHEMA", schema);
			return this;
		}

		/**
		 * The service's own in-process broker, its log in the data directory, on a fixed
		 * port, so that a restart on the same data directory finds it again.
		 */
		public Builder embeddedKafka(int port) {
			this.environment.put("MEMBERSHIP_KAFKA_EMBEDDED_ENABLED", "true");
			this.environment.put("MEMBERSHIP_KAFKA_EMBEDDED_PORT", Integer.toString(port));
			this.kafkaBootstrap = "localhost:" + port;
			return this;
		}

		/** Kafka outside the service, at these bootstrap servers. */
		public Builder externalKafka(String bootstrapServers) {
			this.environment.put("MEMBERSHIP_KAFKA_EMBEDDED_ENABLED", "false");
			this.environment.put("MEMBERSHIP_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
			this.kafkaBootstrap = bootstrapServers;
			return this;
		}

		/** The HS256 key the service verifies tokens with. */
		public Builder jwtSecret(String secret) {
			this.environment.put("MEMBERSHIP_JWT_SECRET", secret);
			return this;
		}

		/**
		 * The key the service signs and verifies its Kafka records with; whoever shares
		 * its Kafka (another instance, a test, the bench) must use the same one.
		 */
		public Builder recordKey(String key) {
			this.environment.put("MEMBERSHIP_KAFKA_RECORD_KEY", key);
			return this;
		}

		/** Any other setting, as the environment variable Spring Boot binds it from. */
		public Builder env(String variable, String value) {
			this.environment.put(variable, value);
			return this;
		}

		/**
		 * How long a start may take before the process is killed; three minutes unless
		 * set.
		 */
		public Builder startTimeout(Duration timeout) {
			this.startTimeout = timeout;
			return this;
		}

		/**
		 * {@link ServiceProcess#close()} kills the process instead of stopping it
		 * gracefully.
		 */
		public Builder killOnClose() {
			this.killOnClose = true;
			return this;
		}

		/** The service, not yet started, on HTTP and management ports free right now. */
		public ServiceProcess build() {
			if (this.dataDirectory == null) {
				throw new IllegalStateException(this.name + " needs a data directory");
			}
			if (!Files.isRegularFile(this.jar)) {
				throw new IllegalStateException("No service jar at " + this.jar.toAbsolutePath());
			}
			int port = freePort();
			// Two instances on one machine: each needs a management port of its own too.
			int managementPort = freePort();
			Map<String, String> environment = new LinkedHashMap<>();
			environment.put("PORT", Integer.toString(port));
			environment.put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort));
			environment.put("MEMBERSHIP_DATA_DIR", this.dataDirectory.toString());
			environment.putAll(this.environment);
			return new ServiceProcess(this, port, managementPort, Map.copyOf(environment));
		}

	}

}
