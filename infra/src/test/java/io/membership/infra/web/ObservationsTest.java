package io.membership.infra.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.membership.infra.support.PostgresServiceTest;

/**
 * Spring Security's observations are off (they cost a tenth of a request's CPU for spans
 * nobody collects); the HTTP server's, which give the request metrics, are not.
 */
@PostgresServiceTest
class ObservationsTest {

	@Autowired
	ObservationRegistry observations;

	@Test
	void spring_security_is_not_observed() {
		Observation filterChain = Observation.start("spring.security.filterchains", this.observations);
		filterChain.stop();

		assertThat(filterChain.isNoop()).isTrue();
	}

	@Test
	void http_server_requests_still_are() {
		Observation request = Observation.start("http.server.requests", this.observations);
		request.stop();

		assertThat(request.isNoop()).isFalse();
	}

}
