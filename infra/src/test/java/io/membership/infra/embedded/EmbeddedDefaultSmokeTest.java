package io.membership.infra.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import io.membership.audit.chain.HashChain;
import io.membership.events.json.MembershipJson;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.EmbeddedService;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TestOrganization;

/**
 * The embedded default as {@code java -jar membership.jar} runs it: no database
 * configured, everything in the data directory (H2 file, invitation key). The service is
 * started, used, stopped and started again on the same directory, and carries on where it
 * stopped.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EmbeddedDefaultSmokeTest {

	@TempDir
	Path dataDirectory;

	/**
	 * The service with its own defaults but for a free port, this test's data directory
	 * and the test token secret.
	 */
	private ConfigurableApplicationContext start() {
		return EmbeddedService.start(this.dataDirectory);
	}

	private static int port(ConfigurableApplicationContext application) {
		return EmbeddedService.port(application);
	}

	@Test
	void an_organization_and_its_invitation_survive_a_restart_on_the_same_data_directory() {
		long ownerId = TestOrganization.newUserId();
		long inviteeId = TestOrganization.newUserId();
		String organization;
		String invitation;
		try (ConfigurableApplicationContext first = start()) {
			ApiClient owner = ApiClient.as(port(first), ownerId);
			Answer created = owner.post("/api/organizations", "{\"name\":\"Survives restarts\"}");
			assertThat(created.status()).as(created.toString()).isEqualTo(201);
			organization = created.json().get("organization_id").asString();
			Answer invited = owner.post("/api/organizations/" + organization + "/invitations",
					"{\"email\":\"after-restart@embedded.test\",\"role\":\"MA\"}");
			assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
			assertThat(invited.json().get("version").asLong()).isEqualTo(2);
			invitation = invited.json().get("token").asString();
		}
		assertThat(this.dataDirectory.resolve("keys/invitation-token.key")).isRegularFile();
		assertThat(this.dataDirectory.resolve("keys/kafka-record.key"))
			.as("the key the records are signed with, reused on the next start")
			.isRegularFile();

		try (ConfigurableApplicationContext second = start()) {
			Answer joined = ApiClient.as(port(second), inviteeId)
				.post("/api/invitations/" + invitation + "/accept",
						"{\"user_id\":" + inviteeId + ",\"email\":\"after-restart@embedded.test\"}");
			assertThat(joined.status()).as("the token issued before the restart still works: " + joined).isEqualTo(200);
			assertThat(joined.json().get("organization_id").asString()).isEqualTo(organization);
			assertThat(joined.json().get("role").asString()).isEqualTo("MA");
			assertThat(joined.json().get("version").asLong()).as("the history before the restart is kept").isEqualTo(3);
			Answer workspace = ApiClient.as(port(second), ownerId)
				.post("/api/organizations/" + organization + "/workspaces", "{\"title\":\"Still the Owner\"}");
			assertThat(workspace.status()).as(workspace.toString()).isEqualTo(201);
			assertThat(workspace.header("ETag")).isEqualTo("\"4\"");
			Answer members = ApiClient.as(port(second), ownerId)
				.get("/api/organizations/" + organization + "/memberships?min_version=4");
			assertThat(members.status())
				.as("the query side applied the records signed before and after the " + "restart: " + members)
				.isEqualTo(200);
			assertThat(members.json().get("count").asLong()).as(members.toString()).isEqualTo(2);

			Answer export = ApiClient.anonymous(port(second))
				.withToken(ApiClient.token("900001", "membership:audit", Instant.now().plusSeconds(600),
						ApiClient.TEST_SECRET))
				.get("/api/organizations/" + organization + "/audit/events");
			assertThat(export.status()).as(export.toString()).isEqualTo(200);
			List<JsonNode> lines = export.text().lines().map((line) -> MembershipJson.mapper().readTree(line)).toList();
			assertThat(lines).as("the audit export on H2 holds the history across the restart").hasSize(4);
			String previous = HashChain.GENESIS;
			for (int i = 0; i < lines.size(); i++) {
				assertThat(lines.get(i).path("version").asLong()).isEqualTo(i + 1);
				assertThat(lines.get(i).path("prev_hash").asString()).isEqualTo(previous);
				assertThat(lines.get(i).path("hash").asString()).hasSize(64);
				previous = lines.get(i).path("hash").asString();
			}

			ApiClient ownerAgain = ApiClient.as(port(second), ownerId);
			String projects = "/api/organizations/" + organization + "/projects";
			Answer registered = ownerAgain.send("PUT", projects + "/cats", "{\"workspace_id\":\""
					+ workspace.json().get("workspace_id").asString() + "\",\"title\":\"Cats\"}");
			assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
			Answer added = ownerAgain.post(projects + "/cats/members", "{\"user_id\":" + inviteeId + "}");
			assertThat(added.status()).as(added.toString()).isEqualTo(200);
			Answer projectMembers = ownerAgain.get(projects + "/cats/members?min_version=6");
			assertThat(projectMembers.status()).as("the project queries run on H2: " + projectMembers).isEqualTo(200);
			assertThat(projectMembers.json().path("members").findValuesAsString("via"))
				.containsExactlyInAnyOrder("organization", "membership");
			Answer listed = ownerAgain.get(projects + "?min_version=6");
			assertThat(listed.json().path("results").get(0).path("member_count").asLong()).as(listed.toString())
				.isEqualTo(1);
			Answer lookedUp = ownerAgain
				.get("/api/organizations/" + organization + "/memberships/" + inviteeId + "/projects?min_version=6");
			assertThat(lookedUp.json().path("projects").findValuesAsString("project_id")).as(lookedUp.toString())
				.containsExactly("cats");
			MeterRegistry meters = second.getBean(MeterRegistry.class);
			assertThat(List.of("membership.publisher.lag.events", "membership.publisher.lag.oldest",
					"membership.query.projection.gaps", "membership.audit.checkpoint.age"))
				.as("the meters that read the database read H2 too")
				.allSatisfy((name) -> assertThat(meters.get(name).gauge().value()).as(name).isNotNaN());
		}
	}

}
