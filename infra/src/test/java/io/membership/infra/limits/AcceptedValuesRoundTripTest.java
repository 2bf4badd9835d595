package io.membership.infra.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.events.Limits;
import io.membership.infra.kafka.KafkaBootstrapServers;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TopicReader;
import io.membership.testkit.AcceptedText;
import io.membership.topics.MembershipTopics;

/**
 * Every value the API accepts at its limits flows all the way through and back out
 * unchanged: the longest name, title, e-mails (in a body and in the token's claim),
 * reason and correlation id, written in every Unicode plane, right-to-left scripts,
 * combining marks and emoji (and TAB, LF and CR in the reason), are stored, published on
 * the topic, projected, answered by the queries, and exported for auditors, character for
 * character. An accepted value the query side could not store once froze it for every
 * organization.
 */
@PostgresServiceTest
class AcceptedValuesRoundTripTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	KafkaBootstrapServers bootstrapServers;

	@Test
	void the_longest_values_in_every_script_come_back_unchanged_from_every_view_the_topic_and_the_export() {
		String name = AcceptedText.filled(AcceptedText.ALPHABET, Limits.NAME);
		String title = AcceptedText.filled(AcceptedText.ALPHABET, Limits.TITLE);
		String reason = AcceptedText.filled(AcceptedText.ALPHABET + "\t\n\r", Limits.REASON);
		String ownerEmail = AcceptedText.longestEmail('o', Limits.EMAIL);
		String memberEmail = AcceptedText.longestEmail('m', Limits.EMAIL);
		String correlationId = AcceptedText.correlationId(Limits.CORRELATION_ID);
		assertThat(List.of(name, title, reason)).allSatisfy((text) -> assertThat(
				text.codePoints().filter((codePoint) -> Character.isSupplementaryCodePoint(codePoint)).count())
			.isGreaterThan(5));

		long ownerId = TestOrganization.newUserId();
		ApiClient owner = ApiClient.as(this.port, ownerId, ownerEmail).withHeader("X-Correlation-Id", correlationId);
		Answer created = owner.post("/api/organizations", json(Map.of("name", name)));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.json().get("name").asString()).isEqualTo(name);
		String organization = created.json().get("organization_id").asString();
		String path = "/api/organizations/" + organization;

		Answer workspace = owner.post(path + "/workspaces", json(Map.of("title", title)));
		assertThat(workspace.status()).as(workspace.toString()).isEqualTo(201);
		String token = owner.post(path + "/invitations", json(Map.of("email", memberEmail, "role", "AN")))
			.json()
			.get("token")
			.asString();
		long memberId = TestOrganization.newUserId();
		Answer joined = ApiClient.as(this.port, memberId)
			.post("/api/invitations/" + token + "/accept", json(Map.of("user_id", memberId, "email", memberEmail)));
		assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
		Answer changed = owner.post(path + "/memberships/" + memberId + "/role",
				json(Map.of("role", "RE", "reason", reason)));
		assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
		long version = changed.json().get("version").asLong();
		TestOrganization.awaitMember(owner, path, version);

		JsonNode members = ok(owner.get(path + "/memberships?min_version=" + version));
		assertThat(emailOf(members, ownerId)).isEqualTo(ownerEmail);
		assertThat(emailOf(members, memberId)).isEqualTo(memberEmail);
		JsonNode history = ok(owner.get(path + "/memberships/" + memberId + "/role-history")).path("history");
		JsonNode lastChange = history.get(history.size() - 1);
		assertThat(lastChange.get("reason").asString()).isEqualTo(reason);
		assertThat(lastChange.get("correlation_id").asString()).isEqualTo(correlationId);
		assertThat(ok(owner.get(path + "/workspaces")).findValuesAsString("title")).containsExactly(title);
		JsonNode log = ok(owner.get(path + "/activity-log")).path("entries");
		JsonNode creation = log.get(log.size() - 1);
		assertThat(creation.get("type").asString()).isEqualTo("OrganizationCreated");
		assertThat(creation.path("details").get("name").asString()).isEqualTo(name);
		// The address is kept apart from the event (issue 17): beside the entry's
		// details.
		assertThat(creation.get("email").asString()).isEqualTo(ownerEmail);
		assertThat(creation.get("summary").asString()).contains(name);

		Answer export = owner.get(path + "/audit/events");
		assertThat(export.status()).as(export.toString()).isEqualTo(200);
		List<JsonNode> exported = new ArrayList<>();
		for (String line : export.text().split("\n")) {
			if (!line.isBlank()) {
				exported.add(JSON.readTree(line));
			}
		}
		assertThat(exported).hasSize((int) version);
		assertThat(exported.get(0).path("payload").get("name").asString()).isEqualTo(name);
		assertThat(exported.get(0).path("personal_data").get("email").asString()).isEqualTo(ownerEmail);
		assertThat(exported.get((int) version - 1).path("payload").get("reason").asString()).isEqualTo(reason);

		List<ConsumerRecord<String, byte[]>> records = TopicReader.read(this.bootstrapServers.value(),
				MembershipTopics.EVENTS, organization, (read) -> read.size() >= version, Duration.ofSeconds(30));
		assertThat(records).hasSize((int) version);
		JsonNode published = JSON.readTree(new String(records.get(0).value(), StandardCharsets.UTF_8));
		assertThat(published.get("name").asString()).isEqualTo(name);
		List<ConsumerRecord<String, byte[]>> addresses = TopicReader.read(this.bootstrapServers.value(),
				MembershipTopics.PERSONAL_DATA, "user:" + ownerId, (read) -> !read.isEmpty(), Duration.ofSeconds(30));
		assertThat(JSON.readTree(new String(addresses.get(0).value(), StandardCharsets.UTF_8)).get("email").asString())
			.isEqualTo(ownerEmail);
		JsonNode publishedChange = JSON
			.readTree(new String(records.get((int) version - 1).value(), StandardCharsets.UTF_8));
		assertThat(publishedChange.get("reason").asString()).isEqualTo(reason);
		assertThat(publishedChange.get("correlation_id").asString()).isEqualTo(correlationId);
	}

	@Test
	void the_longest_project_id_title_and_reason_come_back_unchanged_from_every_view_the_topics_and_the_export() {
		String projectId = "Az09._-".repeat(10).substring(0, Limits.ID);
		String title = AcceptedText.filled(AcceptedText.ALPHABET, Limits.TITLE);
		String reason = AcceptedText.filled(AcceptedText.ALPHABET + "\t\n\r", Limits.REASON);
		TestOrganization organization = TestOrganization.create(this.port);
		TestOrganization.Member annotator = organization.join("AN");
		String workspace = organization.createWorkspace("Projects");
		ApiClient owner = organization.owner();
		String project = organization.path() + "/projects/" + projectId;
		Answer registered = organization.recorded(owner.send("PUT", project,
				json(Map.of("workspace_id", workspace, "title", title, "annotators_view_own_data", true))));
		assertThat(registered.json().get("title").asString()).isEqualTo(title);
		assertThat(registered.json().get("project_id").asString()).isEqualTo(projectId);
		organization.recorded(owner.post(project + "/members",
				json(Map.of("user_id", annotator.userId(), "role", "RE", "reason", reason))));
		long version = organization.version();
		String fresh = "?min_version=" + version;

		JsonNode one = ok(owner.get(project + fresh));
		assertThat(one.get("project_id").asString()).isEqualTo(projectId);
		assertThat(one.get("title").asString()).isEqualTo(title);
		assertThat(ok(owner.get(organization.path() + "/projects" + fresh)).findValuesAsString("title"))
			.containsExactly(title);
		JsonNode members = ok(owner.get(project + "/members" + fresh)).path("members");
		assertThat(members).anySatisfy((member) -> {
			assertThat(member.get("user_id").asLong()).isEqualTo(annotator.userId());
			assertThat(member.get("project_role").asString()).isEqualTo("RE");
		});
		JsonNode lookedUp = ok(
				owner.get(organization.path() + "/memberships/" + annotator.userId() + "/projects" + fresh));
		assertThat(lookedUp.path("projects").findValuesAsString("project_id")).containsExactly(projectId);
		assertThat(lookedUp.path("projects").findValuesAsString("title")).containsExactly(title);
		JsonNode history = ok(owner.get(organization.path() + "/memberships/" + annotator.userId() + "/role-history"))
			.path("history");
		JsonNode added = history.get(history.size() - 1);
		assertThat(added.get("project_id").asString()).isEqualTo(projectId);
		assertThat(added.get("reason").asString()).isEqualTo(reason);
		JsonNode check = ok(owner.get(organization.path() + "/permissions/check?user_id=" + annotator.userId()
				+ "&action=access_review_workflow&project_id=" + projectId));
		assertThat(check.get("allowed").asBoolean()).as(check.toString()).isTrue();

		List<JsonNode> exported = new ArrayList<>();
		for (String line : owner.get(organization.path() + "/audit/events").text().split("\n")) {
			if (!line.isBlank()) {
				exported.add(JSON.readTree(line));
			}
		}
		assertThat(exported).hasSize((int) version);
		assertThat(exported.get((int) version - 2).path("payload").get("title").asString()).isEqualTo(title);
		assertThat(exported.get((int) version - 1).path("payload").get("reason").asString()).isEqualTo(reason);
		assertThat(exported.get((int) version - 1).path("payload").get("project_id").asString()).isEqualTo(projectId);

		List<ConsumerRecord<String, byte[]>> events = TopicReader.read(this.bootstrapServers.value(),
				MembershipTopics.EVENTS, organization.id(), (read) -> read.size() >= version, Duration.ofSeconds(30));
		JsonNode publishedProject = JSON
			.readTree(new String(events.get((int) version - 2).value(), StandardCharsets.UTF_8));
		assertThat(publishedProject.get("title").asString()).isEqualTo(title);
		assertThat(publishedProject.get("project_id").asString()).isEqualTo(projectId);
		JsonNode publishedMember = JSON
			.readTree(new String(events.get((int) version - 1).value(), StandardCharsets.UTF_8));
		assertThat(publishedMember.get("reason").asString()).isEqualTo(reason);
		List<ConsumerRecord<String, byte[]>> roles = TopicReader.read(this.bootstrapServers.value(),
				MembershipTopics.ROLES, organization.id() + ":" + annotator.userId(),
				(read) -> read.stream()
					.anyMatch((record) -> new String(record.value(), StandardCharsets.UTF_8).contains(projectId)),
				Duration.ofSeconds(30));
		JsonNode latestRoles = JSON.readTree(new String(roles.get(roles.size() - 1).value(), StandardCharsets.UTF_8));
		assertThat(latestRoles.path("projects").get(projectId).asString()).as(latestRoles.toString()).isEqualTo("RE");
	}

	private static String json(Map<String, Object> body) {
		return JSON.writeValueAsString(body);
	}

	private static JsonNode ok(Answer answer) {
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		return answer.json();
	}

	private static String emailOf(JsonNode members, long userId) {
		for (JsonNode member : members.path("results")) {
			if (member.get("user_id").asLong() == userId) {
				return member.get("email").asString();
			}
		}
		throw new AssertionError("No member " + userId + " in " + members);
	}

}
