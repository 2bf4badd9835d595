package io.membership.infra.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.support.PostgresServiceTest;

/**
 * Generated commands with unusual but valid text are all accepted, and each one's
 * organization answers a query at the version it produced: the query side projected it.
 * Fixed seeds, so the default build cannot pass or fail by chance; a failing seed is
 * named in the message.
 */
@PostgresServiceTest
class FuzzedAcceptedRequestsTest {

	@LocalServerPort
	int port;

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 20261126L, 3044863671416L })
	void every_accepted_command_with_unusual_text_is_answerable_at_the_version_it_produced(long seed) {
		AcceptedRequestFuzzer.Outcome outcome = new AcceptedRequestFuzzer(seed, this.port).run(60);

		assertThat(outcome.violations()).as("accepted commands the query side did not answer for (seed %d)", seed)
			.isEmpty();
		assertThat(outcome.accepted()).isEqualTo(60);
	}

}
