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
		assertThat(creation.path("details").get("owner_email").asString()).isEqualTo(ownerEmail);
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
		assertThat(exported.get(0).path("payload").get("owner_email").asString()).isEqualTo(ownerEmail);
		assertThat(exported.get((int) version - 1).path("payload").get("reason").asString()).isEqualTo(reason);

		List<ConsumerRecord<String, byte[]>> records = TopicReader.read(this.bootstrapServers.value(),
				MembershipTopics.EVENTS, organization, (read) -> read.size() >= version, Duration.ofSeconds(30));
		assertThat(records).hasSize((int) version);
		JsonNode published = JSON.readTree(new String(records.get(0).value(), StandardCharsets.UTF_8));
		assertThat(published.get("name").asString()).isEqualTo(name);
		assertThat(published.get("owner_email").asString()).isEqualTo(ownerEmail);
		JsonNode publishedChange = JSON
			.readTree(new String(records.get((int) version - 1).value(), StandardCharsets.UTF_8));
		assertThat(publishedChange.get("reason").asString()).isEqualTo(reason);
		assertThat(publishedChange.get("correlation_id").asString()).isEqualTo(correlationId);
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
