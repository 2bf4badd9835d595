package io.membership.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What one run measures and how long: the full run, or with {@code -Dbench.quick=true} a
 * run of at most five minutes over smaller data sets (the sizes are in the results).
 */
record BenchSettings(boolean quick, Path jar, Path endpointJar, Path out, List<String> serviceJvmArgs, String dbUrl,
		String dbUser, String dbPassword, int clients, Duration warmup, Duration commandRun, int checkRate,
		Duration checkRun, int saturationClients, Duration saturationRun, int propagationRate, Duration propagationRun,
		int growthMembers, int growthEvents, int growthRate, Duration growthRun, int replayEvents,
		int replayOrganizations, int replayMembersPerOrganization, Duration initialWarmup, Duration checkWarmupCap,
		double checkRateShare) {

	/**
	 * The checks' warm-up runs in windows of this length until the saturated rates of two
	 * successive windows differ by at most {@link #STABLE_WITHIN}.
	 */
	static final Duration CHECK_WARMUP_WINDOW = Duration.ofSeconds(2);

	static final double STABLE_WITHIN = 0.05;

	static BenchSettings fromSystemProperties() {
		boolean quick = Boolean.parseBoolean(System.getProperty("bench.quick", "false"));
		Path jar = Path.of(System.getProperty("bench.jar", "infra/target/membership.jar")).toAbsolutePath().normalize();
		Path endpointJar = Path.of(System.getProperty("bench.endpoint.jar", "bench-endpoint/target/bench-endpoint.jar"))
			.toAbsolutePath()
			.normalize();
		Path out = Path.of(System.getProperty("bench.out", "bench/target")).toAbsolutePath().normalize();
		List<String> jvmArgs = Arrays
			.stream(System.getProperty("bench.service.jvm-args", "-Xmx1g").trim().split("\\s+"))
			.filter((arg) -> !arg.isBlank())
			.toList();
		String dbUrl = System.getProperty("bench.db.url", "jdbc:postgresql://127.0.0.1:5432/test");
		String dbUser = System.getProperty("bench.db.user", "postgres");
		String dbPassword = System.getProperty("bench.db.password", "");
		if (quick) {
			// The quick run's JVMs are not as warm as the full run's even after the
			// warm-up, so its open model offers a share of what the liveness probe
			// saturates at in the same run: 0.25, about what the full run's 2,000/s was
			// of
			// the probe's 7,722/s on the quiet machine (docs/PERFORMANCE.md).
			return new BenchSettings(true, jar, endpointJar, out, jvmArgs, dbUrl, dbUser, dbPassword, 32,
					Duration.ofSeconds(2), Duration.ofSeconds(5), 2000, Duration.ofSeconds(5), 16,
					Duration.ofSeconds(4), 50, Duration.ofSeconds(5), 500, 5_000, 50, Duration.ofSeconds(5), 100_000,
					1_000, 100, Duration.ofSeconds(25), Duration.ofSeconds(40), 0.25);
		}
		return new BenchSettings(false, jar, endpointJar, out, jvmArgs, dbUrl, dbUser, dbPassword, 32,
				Duration.ofSeconds(10), Duration.ofSeconds(30), 2000, Duration.ofSeconds(30), 16,
				Duration.ofSeconds(15), 50, Duration.ofSeconds(30), 10_000, 100_000, 50, Duration.ofSeconds(30),
				1_000_000, 1_000, 100, Duration.ofSeconds(60), Duration.ofSeconds(60), 0);
	}

	/**
	 * The quick run's whole budget: the replay, which comes last, gets what is left of it
	 * (and reports how far it got). 290 s unless {@code -Dbench.quick.budget-seconds}
	 * says otherwise: on a busy machine a quick replay may need longer to get through the
	 * topic, and the start-up with the query side loaded is measured only when it did.
	 */
	static Duration quickBudget() {
		return Duration.ofSeconds(Long.parseLong(System.getProperty("bench.quick.budget-seconds", "290")));
	}

	/** Every measurement, in the order they run. */
	static final List<String> PHASES = List.of("commands", "checks", "propagation", "growth", "bulk", "replay");

	/**
	 * {@code -Dbench.phases=replay} (or any comma-separated list of {@link #PHASES}):
	 * only those measurements, to time one change quickly; the default, {@code all}, runs
	 * everything. Memory is measured with the replay.
	 */
	List<String> phases() {
		String wanted = System.getProperty("bench.phases", "all").trim();
		if (wanted.isEmpty() || wanted.equals("all")) {
			return PHASES;
		}
		List<String> phases = Arrays.stream(wanted.split(",")).map(String::trim).toList();
		for (String phase : phases) {
			if (!PHASES.contains(phase)) {
				throw new IllegalArgumentException("Unknown phase " + phase + "; the phases are " + PHASES);
			}
		}
		return phases;
	}

	/**
	 * Whether the checks' open model offers {@link #checkRateShare} of the saturated
	 * liveness rate measured after the warm-up (at most {@link #checkRate}) instead of
	 * {@link #checkRate} itself.
	 */
	boolean checkRateFollowsLiveness() {
		return this.checkRateShare > 0;
	}

	boolean runs(String phase) {
		return phases().contains(phase);
	}

	String mode() {
		return this.quick ? "quick" : "full";
	}

}
