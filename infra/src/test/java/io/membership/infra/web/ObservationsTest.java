package io.membership.infra.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;

/**
 * Spring Security is not observed at all (its observations cost about a sixth of a
 * check's allocations for spans nobody collects); the HTTP server is, which gives the
 * request metrics an operator scrapes.
 */
@PostgresServiceTest
class ObservationsTest {

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Test
	void an_authenticated_request_is_measured_by_the_http_server_and_not_by_spring_security() {
		TestOrganization organization = TestOrganization.create(this.port);
		Answer check = organization.owner().get(organization.path() + "/permissions/check?action=invite_users");
		assertThat(check.status()).as(check.toString()).isEqualTo(200);

		assertThat(this.meters.getMeters()).extracting((meter) -> meter.getId().getName())
			.contains("http.server.requests")
			.noneMatch((name) -> name.startsWith("spring.security"));
		assertThat(this.meters.find("http.server.requests")
			.tag("uri", "/api/organizations/{organizationId}/permissions/check")
			.meters()).extracting(Meter::getId).isNotEmpty();
	}

}
