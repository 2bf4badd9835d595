package io.membership.infra.security.events;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.EmbeddedService;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * Security events folded in memory when the service stops are stored before it does: with
 * a flush schedule far longer than the test, only the flush at shutdown can have stored
 * them. On the embedded default, restarted on the same data directory.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SecurityEventShutdownTest {

	@TempDir
	Path dataDirectory;

	private ConfigurableApplicationContext start() {
		return EmbeddedService.start(this.dataDirectory, "--membership.security-events.flush-every=1h");
	}

	private static int port(ConfigurableApplicationContext application) {
		return EmbeddedService.port(application);
	}

	@Test
	void the_events_folded_when_the_service_stops_are_stored_before_it_stops() {
		TestOrganization organization;
		Member annotator;
		try (ConfigurableApplicationContext first = start()) {
			organization = TestOrganization.create(port(first));
			annotator = organization.join("AN");
			for (int i = 0; i < 3; i++) {
				assertProblem(annotator.client().get(organization.path() + "/activity-log"), 403,
						"action_not_permitted");
			}
			Answer before = organization.owner().get(organization.path() + "/security-events");
			assertThat(before.json().path("entries").size()).as("nothing flushed yet: " + before).isZero();
		}

		try (ConfigurableApplicationContext second = start()) {
			Answer after = ApiClient.as(port(second), organization.ownerId())
				.get(organization.path() + "/security-events");
			assertThat(after.status()).as(after.toString()).isEqualTo(200);
			// Folded per UTC minute (API.md): three refusals are one event, or two when
			// they straddle a minute's end.
			JsonNode entries = after.json().path("entries");
			assertThat(entries.size()).as(after.toString()).isBetween(1, 2);
			long refusals = 0;
			for (JsonNode entry : entries) {
				assertThat(entry.path("caller").asString()).as(after.toString())
					.isEqualTo(Long.toString(annotator.userId()));
				assertThat(entry.path("code").asString()).isEqualTo("action_not_permitted");
				refusals += entry.path("count").asLong();
			}
			assertThat(refusals).as(after.toString()).isEqualTo(3);
		}
	}

}
