package io.membership.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service under test, started from its runnable jar as a child JVM, as an operator
 * would run it: PostgreSQL in a schema of its own, its own data directory (where the
 * embedded Kafka broker keeps its log), HS256 tokens signed with the bench's secret.
 * Being a process of its own, its resident memory can be read from {@code /proc}.
 */
final class ServiceProcess implements AutoCloseable {

	/** USER_HZ, which Linux fixes at 100 for user space. */
	private static final long CLOCK_TICKS_PER_SECOND = 100;

	private final String name;

	private final int port;

	private final int managementPort;

	private final int kafkaPort;

	private final Process process;

	private ServiceProcess(String name, int port, int managementPort, int kafkaPort, Process process) {
		this.name = name;
		this.port = port;
		this.managementPort = managementPort;
		this.kafkaPort = kafkaPort;
		this.process = process;
	}

	/**
	 * Starts the service and returns once its health endpoint (on the management port)
	 * answers UP.
	 * @param kafkaPort the embedded broker's port; the same data directory and port
	 * reopen the same broker log
	 */
	static ServiceProcess start(String name, BenchSettings settings, String schema, Path dataDirectory, int kafkaPort) {
		int port = freePort();
		int managementPort = freePort();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(settings.serviceJvmArgs());
		command.add("-jar");
		command.add(settings.jar().toString());
		ProcessBuilder builder = new ProcessBuilder(command);
		Map<String, String> environment = builder.environment();
		environment.put("SPRING_DATASOURCE_URL", BenchDatabase.urlWithSchema(settings.dbUrl(), schema));
		environment.put("SPRING_DATASOURCE_USERNAME", settings.dbUser());
		environment.put("SPRING_DATASOURCE_PASSWORD", settings.dbPassword());
		environment.put("SPRING_FLYWAY_DEFAULT_SCHEMA", schema);
		environment.put("MEMBERSHIP_DATA_DIR", dataDirectory.toString());
		environment.put("MEMBERSHIP_KAFKA_EMBEDDED_PORT", Integer.toString(kafkaPort));
		environment.put("MEMBERSHIP_JWT_SECRET", Tokens.SECRET);
		// The synthetic events are signed with it, as the service signs its own.
		environment.put("MEMBERSHIP_KAFKA_RECORD_KEY", RecordSigning.KEY);
		environment.put("PORT", Integer.toString(port));
		environment.put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort));
		Path log = settings.out().resolve("service-" + name + ".log");
		builder.redirectErrorStream(true).redirectOutput(log.toFile());
		try {
			Files.createDirectories(dataDirectory);
			Process process = builder.start();
			ServiceProcess service = new ServiceProcess(name, port, managementPort, kafkaPort, process);
			Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
			service.awaitHealthy(Duration.ofMinutes(3), log);
			return service;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start the service from " + settings.jar(), ex);
		}
	}

	int port() {
		return this.port;
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	/** Where health is served: a port of its own, with its own request threads. */
	String managementUrl() {
		return "http://127.0.0.1:" + this.managementPort;
	}

	String kafkaBootstrap() {
		return "localhost:" + this.kafkaPort;
	}

	long pid() {
		return this.process.pid();
	}

	/** {@code VmRSS} and {@code VmHWM} of the service's JVM, in KiB. */
	long[] residentKib() {
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
	long cpuMillis() {
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
	void fullGc() {
		jcmd("GC.run");
	}

	/**
	 * The Java heap in use, in KiB, as {@code jcmd <pid> GC.heap_info} reports it; -1 if
	 * it cannot be read.
	 */
	long heapUsedKib() {
		java.util.regex.Matcher used = java.util.regex.Pattern.compile("heap\\s+total \\d+K, used (\\d+)K")
			.matcher(jcmd("GC.heap_info"));
		return used.find() ? Long.parseLong(used.group(1)) : -1;
	}

	private String jcmd(String command) {
		Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
		try {
			Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), command)
				.redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes(),
					java.nio.charset.StandardCharsets.UTF_8);
			process.waitFor(60, TimeUnit.SECONDS);
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

	private void awaitHealthy(Duration timeout, Path log) {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(
						"The service " + this.name + " exited with " + this.process.exitValue() + "; see " + log);
			}
			try {
				HttpResponse<String> health = client
					.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/actuator/health"))
						.timeout(Duration.ofSeconds(5))
						.build(), HttpResponse.BodyHandlers.ofString());
				if (health.statusCode() == 200 && health.body().contains("\"UP\"")) {
					return;
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			sleep(250);
		}
		throw new IllegalStateException("The service " + this.name + " did not become healthy in " + timeout);
	}

	/** Stops the service as an operator would (SIGTERM, graceful shutdown). */
	@Override
	public void close() {
		if (!this.process.isAlive()) {
			return;
		}
		this.process.destroy();
		try {
			if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
