package io.membership.infra.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.faults.RequestFuzzer.FuzzTarget;
import io.membership.infra.faults.RequestFuzzer.Outcome;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestDatabase;

/**
 * The fast share of case 6 for the default build: a few hundred generated invalid
 * requests against the in-process service. The fault-injection profile runs thousands
 * against the packaged jar ({@link FuzzFaultIT}). The seed is logged;
 * {@code -Dmembership.fuzz.seed=...} replays a run.
 */
@PostgresServiceTest
class FuzzedRequestsTest {

	private static final Logger logger = LoggerFactory.getLogger(FuzzedRequestsTest.class);

	@LocalServerPort
	int port;

	@Test
	void generated_invalid_requests_are_all_refused_with_a_4xx_problem_and_store_nothing() throws SQLException {
		long seed = Long.getLong("membership.fuzz.seed", System.nanoTime());
		logger.info("Fuzzing with seed {}; replay with -Dmembership.fuzz.seed={}", seed, seed);
		FuzzTarget target = FuzzTarget.prepare(this.port);
		List<Long> before = stored();

		Outcome outcome = new RequestFuzzer(seed, target).run(400);

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
