package io.membership.infra.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.faults.RequestFuzzer.FuzzTarget;
import io.membership.infra.faults.RequestFuzzer.Outcome;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestDatabase;

/**
 * The fast share of case 6 for the default build: a few hundred generated invalid
 * requests against the in-process service, from fixed seeds, so that the default build
 * passes or fails the same way on every run. Random seeds belong to the fault-injection
 * profile, which runs thousands against the packaged jar ({@link FuzzFaultIT}); a seed
 * that ever failed there is added to {@link #SEEDS}. {@code -Dmembership.fuzz.seed=...}
 * runs one seed instead.
 */
@PostgresServiceTest
class FuzzedRequestsTest {

	private static final Logger logger = LoggerFactory.getLogger(FuzzedRequestsTest.class);

	/** Requests per seed. */
	private static final int REQUESTS = 400;

	/**
	 * The seeds of the default build. 3044863671416 sent
	 * {@code application/merge-patch+json} to {@code .../deactivate}, which answered 200.
	 */
	static final List<Long> SEEDS = List.of(20261126L, 1L, 3044863671416L);

	@LocalServerPort
	int port;

	static Stream<Long> seeds() {
		Long chosen = Long.getLong("membership.fuzz.seed");
		return (chosen != null) ? Stream.of(chosen) : SEEDS.stream();
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void generated_invalid_requests_are_all_refused_with_a_4xx_problem_and_store_nothing(long seed)
			throws SQLException {
		logger.info("Fuzzing with seed {}; replay with -Dmembership.fuzz.seed={}", seed, seed);
		FuzzTarget target = FuzzTarget.prepare(this.port);
		List<Long> before = stored();

		Outcome outcome = new RequestFuzzer(seed, target).run(REQUESTS);

		assertThat(outcome.violations()).as("answers other than 4xx problem details (seed %d)", seed).isEmpty();
		assertThat(stored()).as("events, hash-chain rows and snapshots (seed %d)", seed).isEqualTo(before);
		logger.info("Fuzzed: {}", outcome);
	}

	private static List<Long> stored() throws SQLException {
		List<Long> counts = new ArrayList<>();
		try (Connection connection = TestDatabase.get().connect(); Statement statement = connection.createStatement()) {
			for (String table : List.of("domainevententry", "event_hash_chain", "snapshotevententry")) {
				try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
					rows.next();
					counts.add(rows.getLong(1));
				}
			}
		}
		return counts;
	}

}
