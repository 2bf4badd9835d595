package io.membership.infra.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.membership.testkit.ServiceProcess;

/**
 * A PostgreSQL cluster of the scenario's own, made with this machine's server binaries
 * ({@code initdb}, {@code pg_ctl}) in a temporary directory and listening on a free port,
 * so that it can be crashed: its postmaster killed with SIGKILL, as the OOM killer or a
 * power cut would end it, and started again, when it recovers from its write-ahead log.
 *
 * <p>
 * The binaries are found under {@code /usr/lib/postgresql/<version>/bin} (Debian's
 * layout), or in the directory {@code -Dmembership.faults.postgres-bin} names. PostgreSQL
 * refuses to run as root, so as root every command runs as the {@code postgres} user.
 */
final class PostgresCluster implements AutoCloseable {

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

	private final Path binaries;

	private final Path directory;

	private final int port;

	private PostgresCluster(Path binaries, Path directory, int port) {
		this.binaries = binaries;
		this.directory = directory;
		this.port = port;
	}

	/** Makes a new cluster and starts it. */
	static PostgresCluster start() {
		Path binaries = binaries();
		try {
			Path directory = Files.createTempDirectory("membership-faults-postgres-");
			PostgresCluster cluster = new PostgresCluster(binaries, directory, ServiceProcess.freePort());
			if (asRoot()) {
				run(List.of("chown", "postgres", directory.toString()));
			}
			cluster.pg("initdb", "-D", cluster.data().toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
					"--no-sync");
			cluster.startServer();
			return cluster;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot make a PostgreSQL cluster", ex);
		}
	}

	/** Its {@code postgres} database, as a JDBC URL. */
	String serverUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/postgres";
	}

	/**
	 * SIGKILL to the postmaster: no shutdown, no checkpoint. Its backends notice that
	 * their postmaster died and exit by themselves; any still there after 10 s are killed
	 * too, since a new postmaster cannot start while they hold the old shared memory.
	 */
	void crash() {
		ProcessHandle postmaster = postmaster()
			.orElseThrow(() -> new IllegalStateException("The cluster in " + this.directory + " is not running"));
		List<ProcessHandle> backends = postmaster.descendants().toList();
		postmaster.destroyForcibly();
		awaitExit(List.of(postmaster), Duration.ofSeconds(10));
		if (!awaitExit(backends, Duration.ofSeconds(10))) {
			backends.forEach(ProcessHandle::destroyForcibly);
			awaitExit(backends, Duration.ofSeconds(10));
		}
	}

	/**
	 * Starts the server again; it replays its write-ahead log before it accepts
	 * connections.
	 */
	void startServer() {
		pg("pg_ctl", "-D", data().toString(), "-l", this.directory.resolve("server.log").toString(), "-w", "-t", "120",
				"-o", "-p " + this.port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
						+ "-c max_connections=100",
				"start");
	}

	/** The server's log, for a failure message. */
	String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.directory.resolve("server.log"), StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException ex) {
			return "(no server log: " + ex.getMessage() + ")";
		}
	}

	@Override
	public void close() {
		postmaster().ifPresent((running) -> {
			running.destroyForcibly();
			awaitExit(List.of(running), Duration.ofSeconds(10));
		});
		try (Stream<Path> paths = Files.walk(this.directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			// Left in the temporary directory; the scenario's outcome does not depend on
			// it.
		}
	}

	private Path data() {
		return this.directory.resolve("data");
	}

	/** The running postmaster, from the first line of its pid file. */
	private Optional<ProcessHandle> postmaster() {
		Path pidFile = data().resolve("postmaster.pid");
		try {
			if (!Files.exists(pidFile)) {
				return Optional.empty();
			}
			long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).strip());
			return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + pidFile, ex);
		}
	}

	private void pg(String program, String... arguments) {
		List<String> command = new ArrayList<>();
		if (asRoot()) {
			command.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		command.add(this.binaries.resolve(program).toString());
		command.addAll(List.of(arguments));
		run(command);
	}

	private static void run(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				throw new IllegalStateException(command + " failed:\n" + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command, ex);
		}
	}

	private static boolean awaitExit(List<ProcessHandle> processes, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		while (processes.stream().anyMatch(ProcessHandle::isAlive)) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			ServiceProcess.sleep(Duration.ofMillis(50));
		}
		return true;
	}

	private static boolean asRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	private static Path binaries() {
		String configured = System.getProperty("membership.faults.postgres-bin");
		if (configured != null) {
			return Path.of(configured);
		}
		Path debian = Path.of("/usr/lib/postgresql");
		try (Stream<Path> versions = Files.isDirectory(debian) ? Files.list(debian) : Stream.empty()) {
			return versions.map((version) -> version.resolve("bin"))
				.filter((bin) -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
				.max(Comparator.comparing((bin) -> bin.getParent().getFileName().toString(),
						Comparator.comparingInt((String version) -> version.length()).thenComparing(String::compareTo)))
				.orElseThrow(() -> new IllegalStateException("The PostgreSQL crash scenario needs the server binaries "
						+ "initdb and pg_ctl: install them (Debian: apt-get install postgresql) or name their "
						+ "directory with -Dmembership.faults.postgres-bin=/path/to/bin"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot look for PostgreSQL's binaries in " + debian, ex);
		}
	}

}
