package io.membership.infra.queries;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import io.membership.infra.MembershipApplication;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TestOrganization;

/**
 * {@code as_of} on the embedded default (H2), whose timestamp columns keep microseconds:
 * an event's own {@code occurred_at}, as Kafka subscribers and auditors see it with its
 * nanoseconds, is an instant at which the event has happened.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AsOfOnTheEmbeddedDefaultTest {

	@TempDir
	Path dataDirectory;

	@Test
	void as_of_an_events_own_occurred_at_includes_that_event() {
		try (ConfigurableApplicationContext application = new SpringApplicationBuilder(MembershipApplication.class).run(
				"--server.port=0", "--management.server.port=0", "--membership.data-dir=" + this.dataDirectory,
				"--membership.jwt.secret=" + ApiClient.TEST_SECRET, "--membership.kafka.embedded.port=0",
				"--spring.main.banner-mode=off")) {
			int port = application.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			ApiClient owner = ApiClient.as(port, 1);
			String organization = "/api/organizations/"
					+ owner.post("/api/organizations", "{\"name\":\"Acme\"}").json().get("organization_id").asString();
			TestOrganization.awaitMember(owner, organization, 1);
			String token = owner.post(organization + "/invitations", "{\"email\":\"anna@acme.test\",\"role\":\"AN\"}")
				.json()
				.get("token")
				.asString();
			ApiClient.as(port, 3)
				.post("/api/invitations/" + token + "/accept", "{\"user_id\":3,\"email\":\"anna@acme.test\"}");

			// Several changes: each event's nanoseconds round up to the next microsecond
			// about half the time, which is when a rounding column would miss it.
			List<String> wrong = new ArrayList<>();
			for (int change = 0; change < 10; change++) {
				String role = (change % 2 == 0) ? "RE" : "AN";
				Answer changed = owner.post(organization + "/memberships/3/role", "{\"role\":\"" + role + "\"}");
				long version = changed.json().get("version").asLong();
				JsonNode entry = owner.get(organization + "/activity-log?limit=1&min_version=" + version)
					.json()
					.path("entries")
					.get(0);
				String occurredAt = entry.path("details").path("occurred_at").asString();
				JsonNode then = owner.get(organization + "/memberships/3?as_of=" + occurredAt).json();
				if (!role.equals(then.path("role").asString()) || then.path("version").asLong() != version) {
					wrong.add("as_of=" + occurredAt + " (log: " + entry.path("occurred_at").asString() + ") answered "
							+ then.path("role").asString() + " at " + then.path("version").asLong() + ", not " + role
							+ " at " + version);
				}
			}

			assertThat(wrong).isEmpty();
		}
	}

}
