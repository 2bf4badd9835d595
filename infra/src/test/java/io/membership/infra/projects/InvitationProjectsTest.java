package io.membership.infra.projects;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.infra.kafka.EmbeddedKafkaBroker;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TopicReader;
import io.membership.topics.MembershipTopics;

/**
 * An invitation that names projects, single and in bulk, all the way through: stored in
 * UserInvited, the invitee added to each project when they join (MemberAddedToProject, as
 * Inherit), and so in the project's members, the role history, the roles topic, the
 * events topic and the audit export, with the project ids as they were sent.
 */
@PostgresServiceTest
class InvitationProjectsTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker broker;

	private TestOrganization organization;

	@BeforeEach
	void twoProjects() {
		this.organization = TestOrganization.create(this.port);
		String workspace = this.organization.createWorkspace("Images");
		for (String project : List.of("17", "x-ray_2.0")) {
			this.organization.recorded(this.organization.owner()
				.send("PUT", this.organization.path() + "/projects/" + project,
						"{\"workspace_id\":\"" + workspace + "\",\"title\":\"Project " + project + "\"}"));
		}
	}

	@Test
	void an_invitee_joins_the_projects_of_a_single_invitation() {
		long user = TestOrganization.newUserId();
		String email = "single" + user + "@projects.test";
		Answer invited = this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/invitations",
					"{\"email\":\"" + email + "\",\"role\":\"AN\",\"projects\":[\"x-ray_2.0\",\"17\"]}"));

		assertJoinedWithProjects(user, email, invited.json().get("token").asString(), invited.json());
	}

	@Test
	void an_invitee_joins_the_projects_of_a_bulk_invitation() {
		long user = TestOrganization.newUserId();
		String email = "bulk" + user + "@projects.test";
		Answer bulk = this.organization.owner()
			.post(this.organization.path() + "/invitations/bulk",
					"{\"invitations\":[{\"email\":\"" + email
							+ "\",\"role\":\"AN\",\"projects\":[\"17\",\"x-ray_2.0\"]}," + "{\"email\":\"other" + user
							+ "@projects.test\",\"role\":\"RE\",\"projects\":[\"18\"]}," + "{\"email\":\"none" + user
							+ "@projects.test\",\"projects\":[\"17\"]}]}");
		assertThat(bulk.status()).as(bulk.toString()).isEqualTo(200);
		JsonNode results = bulk.json().get("results");
		assertThat(results.get(0).get("status").asInt()).isEqualTo(201);
		assertThat(results.get(1).get("code").asString()).isEqualTo("project_not_found");
		assertThat(results.get(1).get("status").asInt()).isEqualTo(404);
		assertThat(results.get(2).get("code").asString()).isEqualTo("projects_require_role");
		assertThat(results.get(2).get("status").asInt()).isEqualTo(409);
		this.organization.recorded(bulk);

		assertJoinedWithProjects(user, email, results.get(0).get("token").asString(), results.get(0));
	}

	private void assertJoinedWithProjects(long user, String email, String token, JsonNode invitation) {
		ApiClient invitee = ApiClient.as(this.port, user);
		Answer joined = invitee.post("/api/invitations/" + token + "/accept",
				"{\"user_id\":" + user + ",\"email\":\"" + email + "\"}");
		assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
		long invitedAt = invitation.get("version").asLong();
		long version = joined.json().get("version").asLong();
		assertThat(version).as("MemberJoined and one MemberAddedToProject per project").isEqualTo(invitedAt + 3);
		String query = "?min_version=" + version;

		// The project's members and the member's projects.
		for (String project : List.of("17", "x-ray_2.0")) {
			JsonNode members = read("/projects/" + project + "/members" + query);
			JsonNode member = member(members, user);
			assertThat(member).as(members.toString()).isNotNull();
			assertThat(member.path("via").asString()).isEqualTo("membership");
			assertThat(member.path("project_role").isNull()).isTrue();
			assertThat(member.path("effective_role").asString()).isEqualTo("AN");
		}

		// The role history: joined, then added to each project, in project order.
		JsonNode history = read("/memberships/" + user + "/role-history" + query).path("history");
		assertThat(history).hasSize(3);
		assertThat(history.get(0).path("type").asString()).isEqualTo("MemberJoined");
		for (int i = 1; i <= 2; i++) {
			assertThat(history.get(i).path("type").asString()).isEqualTo("MemberAddedToProject");
			assertThat(history.get(i).path("version").asLong()).isEqualTo(invitedAt + 1 + i);
		}
		assertThat(history.get(1).path("project_id").asString()).isEqualTo("17");
		assertThat(history.get(2).path("project_id").asString()).isEqualTo("x-ray_2.0");

		// The roles topic: the member's projects, both Inherit.
		String key = this.organization.id() + ":" + user;
		List<ConsumerRecord<String, byte[]>> states = TopicReader.read(this.broker.bootstrapServers(),
				MembershipTopics.ROLES, key,
				(seen) -> !seen.isEmpty()
						&& JSON.readTree(seen.get(seen.size() - 1).value()).path("version").asLong() == version,
				Duration.ofSeconds(60));
		JsonNode state = JSON.readTree(states.get(states.size() - 1).value());
		assertThat(state.path("version").asLong()).as(state.toString()).isEqualTo(version);
		assertThat(state.path("projects").propertyNames()).containsExactly("17", "x-ray_2.0");
		assertThat(state.path("projects").path("17").isNull()).isTrue();

		// The events topic and the audit export carry the invitation's projects.
		List<ConsumerRecord<String, byte[]>> events = TopicReader.read(this.broker.bootstrapServers(),
				MembershipTopics.EVENTS, this.organization.id(),
				(seen) -> !seen.isEmpty() && TopicReader.orgVersion(seen.get(seen.size() - 1)) >= version,
				Duration.ofSeconds(60));
		JsonNode published = events.stream()
			.filter((record) -> TopicReader.orgVersion(record) == invitedAt)
			.map((record) -> JSON.readTree(record.value()))
			.findFirst()
			.orElseThrow();
		assertThat(published.path("projects").toString()).isEqualTo("[\"17\",\"x-ray_2.0\"]");
		List<String> exported = new ArrayList<>();
		for (String line : this.organization.owner()
			.get(this.organization.path() + "/audit/events?after_version=" + (invitedAt - 1))
			.text()
			.split("\n")) {
			JsonNode event = JSON.readTree(line);
			exported.add(event.path("type").asString() + " " + event.path("payload").path("projects")
					+ event.path("payload").path("project_id"));
		}
		assertThat(exported).containsExactly("UserInvited [\"17\",\"x-ray_2.0\"]", "MemberJoined ",
				"MemberAddedToProject \"17\"", "MemberAddedToProject \"x-ray_2.0\"");
	}

	@Test
	void an_invitation_to_a_project_refused_or_malformed_stores_nothing() {
		String invitations = this.organization.path() + "/invitations";

		assertProblem(
				this.organization.owner()
					.post(invitations, "{\"email\":\"a@projects.test\",\"role\":\"AN\",\"projects\":[\"18\"]}"),
				404, "project_not_found");
		assertProblem(
				this.organization.owner()
					.post(invitations, "{\"email\":\"a@projects.test\",\"role\":\"NO\",\"projects\":[\"17\"]}"),
				409, "projects_require_role");
		assertProblem(
				this.organization.owner()
					.post(invitations, "{\"email\":\"a@projects.test\",\"role\":\"AN\",\"projects\":[\"no/such\"]}"),
				400, "invalid_project_id");
		assertProblem(
				this.organization.owner()
					.post(invitations + "/bulk",
							"{\"invitations\":[{\"email\":\"a@projects.test\",\"role\":\"AN\",\"projects\":[\"17\"]},"
									+ "{\"email\":\"b@projects.test\",\"role\":\"AN\",\"projects\":[\"a b\"]}]}"),
				400, "invalid_project_id");

		this.organization.assertNothingStored();
	}

	private JsonNode read(String pathAndQuery) {
		Answer answer = this.organization.owner().get(this.organization.path() + pathAndQuery);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		return answer.json();
	}

	private static JsonNode member(JsonNode members, long user) {
		JsonNode list = members.isArray() ? members : members.path("members");
		for (JsonNode member : list) {
			if (member.path("user_id").asLong() == user) {
				return member;
			}
		}
		return null;
	}

}
