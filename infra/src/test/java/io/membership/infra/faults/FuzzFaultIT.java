package io.membership.infra.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.membership.infra.faults.RequestFuzzer.FuzzTarget;
import io.membership.infra.faults.RequestFuzzer.Outcome;
import io.membership.testkit.ServiceProcess;

/**
 * Case 6: thousands of generated requests, each invalid in at least one way, over every
 * endpoint of the service as {@code java -jar} runs it. Every answer must be a 4xx with
 * problem details (a HEAD answer has no body) and nothing may be stored. Each run draws a
 * new seed, which is logged and named in every failure;
 * {@code -Dmembership.fuzz.seed=...} replays a run,
 * {@code -Dmembership.fuzz.requests=...} changes its length. A seed that fails here joins
 * the fixed seeds of the default build ({@link FuzzedRequestsTest}).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FuzzFaultIT {

	private static final Logger logger = LoggerFactory.getLogger(FuzzFaultIT.class);

	private static final String SCENARIO = "fuzzed input";

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void thousands_of_invalid_requests_over_every_endpoint_are_all_refused_with_a_4xx_problem_and_store_nothing() {
		long seed = Long.getLong("membership.fuzz.seed", System.nanoTime());
		int requests = Integer.getInteger("membership.fuzz.requests", 3000);
		logger.info("Fuzzing with seed {} ({} requests); replay with -Dmembership.fuzz.seed={}", seed, requests, seed);
		try (FaultSchema schema = FaultSchema.create("fuzz");
				ServiceProcess service = FaultServices.builder("fuzz", schema)
					.embeddedKafka(ServiceProcess.freePort())
					.build()
					.start()) {
			FuzzTarget target = FuzzTarget.prepare(service.port());
			List<Long> before = stored(schema);
			long started = System.nanoTime();
			Outcome outcome = new RequestFuzzer(seed, target).run(requests);
			long seconds = (System.nanoTime() - started) / 1_000_000_000;

			assertThat(outcome.violations()).as("answers other than 4xx problem details (seed %d)", seed).isEmpty();
			assertThat(stored(schema)).as("events, hash-chain rows and snapshots after the run (seed %d)", seed)
				.isEqualTo(before);
			assertThat(service.isAlive()).isTrue();

			FaultReport.record(SCENARIO, "seed %d: %s, in %d s; events stored before and after: %d", seed, outcome,
					seconds, before.get(0));
		}
	}

	private static List<Long> stored(FaultSchema schema) {
		return List.of(schema.count("SELECT count(*) FROM domainevententry"),
				schema.count("SELECT count(*) FROM event_hash_chain"),
				schema.count("SELECT count(*) FROM snapshotevententry"));
	}

}
