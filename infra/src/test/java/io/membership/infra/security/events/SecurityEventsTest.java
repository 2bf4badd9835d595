package io.membership.infra.security.events;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.audit.security.SecurityEvents;
import io.membership.infra.kafka.EmbeddedKafkaBroker;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;
import io.membership.infra.support.TopicReader;
import io.membership.topics.MembershipTopics;
import io.membership.topics.RecordMac;

/**
 * Refused requests of authenticated callers and requests with an invalid token are
 * security events (API.md, "Security events"): each kind is stored with what an auditor
 * needs, answered to the organization's Administrators and Owner and to a
 * {@code membership:audit} service, and published to {@value MembershipTopics#SECURITY};
 * no token, body or e-mail address is ever in them. On PostgreSQL, the shared service.
 */
@PostgresServiceTest
class SecurityEventsTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final String OTHER_SECRET = "a-key-this-service-does-not-trust-0123456789";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

	@LocalServerPort
	int port;

	@Autowired
	SecurityEvents securityEvents;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Autowired
	JdbcClient jdbc;

	private ApiClient auditor() {
		return ApiClient.anonymous(this.port)
			.withToken(ApiClient.token("audit-service-" + UUID.randomUUID(), "membership:audit",
					Instant.now().plusSeconds(600), ApiClient.TEST_SECRET));
	}

	@Test
	void an_annotator_calling_an_admin_command_is_a_forbidden_event() {
		TestOrganization organization = TestOrganization.create(this.port);
		Member annotator = organization.join("AN");
		Member reviewer = organization.join("RE");
		String correlationId = "sec-forbidden-" + organization.id();

		Answer refused = annotator.client()
			.withHeader("X-Correlation-Id", correlationId)
			.post(organization.path() + "/memberships/" + reviewer.userId() + "/role", "{\"role\":\"AD\"}");
		assertProblem(refused, 403, "action_not_permitted");

		JsonNode event = onlyEvent(organization, correlationId);
		assertThat(event.path("event_id").asString()).matches("[0-9a-f-]{36}");
		assertThat(Instant.parse(event.path("occurred_at").asString())).isBefore(Instant.now().plusSeconds(1));
		assertThat(event.path("organization_id").asString()).isEqualTo(organization.id());
		assertThat(event.path("caller").asString()).isEqualTo(Long.toString(annotator.userId()));
		assertThat(event.path("kind").asString()).isEqualTo("forbidden");
		assertThat(event.path("method").asString()).isEqualTo("POST");
		assertThat(event.path("path").asString())
			.isEqualTo("/api/organizations/{organizationId}/memberships/{userId}/role");
		assertThat(event.path("action").isNull()).isTrue();
		assertThat(event.path("subject_user_id").asLong()).isEqualTo(reviewer.userId());
		assertThat(event.path("code").asString()).isEqualTo("action_not_permitted");
		assertThat(event.path("source_ip").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
		assertThat(event.path("count").asLong()).isEqualTo(1);
		assertSystemWideAndPublished(organization.id(), event);
	}

	@Test
	void inviting_an_existing_member_is_a_refused_event_without_the_address() {
		TestOrganization organization = TestOrganization.create(this.port);
		Member member = organization.join("AN");
		String correlationId = "sec-refused-" + organization.id();

		Answer refused = organization.owner()
			.withHeader("X-Correlation-Id", correlationId)
			.post(organization.path() + "/invitations", "{\"email\":\"" + member.email() + "\",\"role\":\"RE\"}");
		assertProblem(refused, 409, "already_member");

		JsonNode event = onlyEvent(organization, correlationId);
		assertThat(event.path("kind").asString()).isEqualTo("refused");
		assertThat(event.path("caller").asString()).isEqualTo(Long.toString(organization.ownerId()));
		assertThat(event.path("method").asString()).isEqualTo("POST");
		assertThat(event.path("path").asString()).isEqualTo("/api/organizations/{organizationId}/invitations");
		assertThat(event.path("code").asString()).isEqualTo("already_member");
		assertThat(event.path("subject_user_id").isNull()).isTrue();
		assertSystemWideAndPublished(organization.id(), event);
		assertNowhere(member.email());
	}

	@Test
	void a_stale_if_match_is_a_precondition_failed_event() {
		TestOrganization organization = TestOrganization.create(this.port);
		organization.createWorkspace("Moves the version on");
		String correlationId = "sec-stale-" + organization.id();

		Answer refused = organization.owner()
			.withHeader("X-Correlation-Id", correlationId)
			.withHeader("If-Match", "\"1\"")
			.post(organization.path() + "/workspaces", "{\"title\":\"Too late\"}");
		assertProblem(refused, 412, "version_mismatch");

		JsonNode event = onlyEvent(organization, correlationId);
		assertThat(event.path("kind").asString()).isEqualTo("precondition_failed");
		assertThat(event.path("path").asString()).isEqualTo("/api/organizations/{organizationId}/workspaces");
		assertThat(event.path("code").asString()).isEqualTo("version_mismatch");
		assertSystemWideAndPublished(organization.id(), event);
	}

	@Test
	void a_wrongly_signed_token_is_an_invalid_token_event_that_names_no_caller_and_keeps_no_token() {
		TestOrganization organization = TestOrganization.create(this.port);
		String email = "forger-" + organization.id().toLowerCase() + "@attack.test";
		String forged = ApiClient.token(Long.toString(organization.ownerId()), null, email,
				Instant.now().plusSeconds(600), OTHER_SECRET);
		String correlationId = "sec-token-" + organization.id();

		Answer refused = ApiClient.anonymous(this.port)
			.withToken(forged)
			.withHeader("X-Correlation-Id", correlationId)
			.get(organization.path() + "/memberships?search=" + email);
		assertProblem(refused, 401, "unauthorized");

		JsonNode event = eventOf(this.auditor(), "/api/security-events?kind=invalid_token", correlationId);
		assertThat(event.path("kind").asString()).isEqualTo("invalid_token");
		assertThat(event.path("caller").isNull()).as("the forged sub proves nothing").isTrue();
		assertThat(event.path("organization_id").asString()).isEqualTo(organization.id());
		assertThat(event.path("method").asString()).isEqualTo("GET");
		assertThat(event.path("path").asString()).isEqualTo("/api/organizations/{organizationId}/memberships");
		assertThat(event.path("code").asString()).isEqualTo("unauthorized");
		assertThat(eventOf(organization.owner(), organization.path() + "/security-events?kind=invalid_token",
				correlationId))
			.isEqualTo(event);
		assertSystemWideAndPublished(organization.id(), event);
		assertNowhere(forged);
		assertNowhere(forged.substring(forged.lastIndexOf('.') + 1));
		assertNowhere(email);
	}

	@Test
	void only_the_administrators_and_owner_read_an_organizations_events_and_an_annotator_trying_is_one() {
		TestOrganization organization = TestOrganization.create(this.port);
		Member annotator = organization.join("AN");
		Member administrator = organization.join("AD");
		String correlationId = "sec-reader-" + organization.id();

		Answer refused = annotator.client()
			.withHeader("X-Correlation-Id", correlationId)
			.get(organization.path() + "/security-events");
		assertProblem(refused, 403, "action_not_permitted");
		assertThat(administrator.client().get(organization.path() + "/security-events").status()).isEqualTo(200);
		assertProblem(
				ApiClient.as(this.port, TestOrganization.newUserId()).get(organization.path() + "/security-events"),
				404, "organization_not_found");

		JsonNode event = onlyEvent(organization, correlationId);
		assertThat(event.path("kind").asString()).isEqualTo("forbidden");
		assertThat(event.path("method").asString()).isEqualTo("GET");
		assertThat(event.path("path").asString()).isEqualTo("/api/organizations/{organizationId}/security-events");
		assertThat(event.path("caller").asString()).isEqualTo(Long.toString(annotator.userId()));
	}

	@Test
	void an_answered_check_records_nothing_even_when_it_denies() {
		TestOrganization organization = TestOrganization.create(this.port);
		Member annotator = organization.join("AN");

		Answer denied = annotator.client()
			.get(organization.path() + "/permissions/check?user_id=" + annotator.userId() + "&action=invite_users");
		assertThat(denied.status()).as(denied.toString()).isEqualTo(200);
		assertThat(denied.json().path("allowed").asBoolean()).isFalse();
		this.securityEvents.flush();

		assertThat(entries(organization.owner().get(organization.path() + "/security-events"))).isEmpty();
	}

	@Test
	void everyones_events_need_the_audit_scope() {
		TestOrganization organization = TestOrganization.create(this.port);

		assertProblem(organization.owner().get("/api/security-events"), 403, "audit_scope_required");
		assertThat(auditor().get("/api/security-events").status()).isEqualTo(200);
		assertThat(auditor().get(organization.path() + "/security-events").status())
			.as("the audit scope reads every organization's, as it does the audit trail")
			.isEqualTo(200);
	}

	@Test
	void invalid_parameters_are_400_and_pages_follow_the_cursor_newest_first() {
		TestOrganization organization = TestOrganization.create(this.port);
		Member annotator = organization.join("AN");
		String member = organization.path() + "/memberships/" + organization.ownerId();
		for (String refused : List.of(organization.path() + "/activity-log", member + "/role-history",
				member + "/permissions", member + "/permissions")) {
			assertProblem(annotator.client().get(refused), 403, "action_not_permitted");
		}
		String events = organization.path() + "/security-events";
		awaitCount(organization, 2);

		for (String limit : List.of("0", "201", "abc", "-1", "1.5")) {
			assertProblem(organization.owner().get(events + "?limit=" + limit), 400, "invalid_limit");
		}
		assertProblem(organization.owner().get(events + "?since=yesterday"), 400, "invalid_since");
		assertProblem(organization.owner().get(events + "?until=2026-13-01T00:00:00Z"), 400, "invalid_until");
		assertProblem(organization.owner().get(events + "?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z"), 400,
				"invalid_time_range");
		assertProblem(organization.owner().get(events + "?cursor=nope"), 400, "invalid_cursor");
		assertProblem(organization.owner().get(events + "?caller=a%20b"), 400, "invalid_caller");
		assertProblem(organization.owner().get(events + "?kind=denied"), 400, "invalid_kind");
		assertProblem(auditor().get("/api/security-events?limit=0"), 400, "invalid_limit");
		assertProblem(auditor().get("/api/security-events?cursor=bm9wZQ"), 400, "invalid_cursor");

		List<JsonNode> all = entries(organization.owner().get(events + "?limit=200"));
		assertThat(all).extracting((entry) -> entry.path("path").asString())
			.containsExactly("/api/organizations/{organizationId}/memberships/{userId}/permissions",
					"/api/organizations/{organizationId}/memberships/{userId}/role-history",
					"/api/organizations/{organizationId}/activity-log");
		assertThat(all).extracting((entry) -> entry.path("count").asLong())
			.as("the same refusal twice within a minute is one event")
			.containsExactly(2L, 1L, 1L);
		List<JsonNode> paged = new ArrayList<>();
		String cursor = null;
		do {
			Answer page = organization.owner().get(events + "?limit=1" + ((cursor != null) ? "&cursor=" + cursor : ""));
			assertThat(page.status()).as(page.toString()).isEqualTo(200);
			paged.addAll(entries(page));
			cursor = page.json().path("next_cursor").isNull() ? null : page.json().path("next_cursor").asString();
		}
		while (cursor != null);
		assertThat(paged).isEqualTo(all);
		assertThat(
				entries(organization.owner()
					.get(events + "?caller=" + annotator.userId() + "&kind=forbidden&since="
							+ Instant.now().minusSeconds(600) + "&until=" + Instant.now().plusSeconds(60))))
			.isEqualTo(all);
		assertThat(entries(organization.owner().get(events + "?caller=" + organization.ownerId()))).isEmpty();
		assertThat(entries(organization.owner().get(events + "?since=" + Instant.now().plusSeconds(60)))).isEmpty();
	}

	/** Waits until the newest event of the organization has this count. */
	private void awaitCount(TestOrganization organization, long count) {
		Instant deadline = Instant.now().plusSeconds(10);
		List<JsonNode> newest;
		do {
			this.securityEvents.flush();
			newest = entries(organization.owner().get(organization.path() + "/security-events?limit=1"));
		}
		while ((newest.isEmpty() || newest.get(0).path("count").asLong() < count) && Instant.now().isBefore(deadline));
	}

	private JsonNode onlyEvent(TestOrganization organization, String correlationId) {
		return eventOf(organization.owner(), organization.path() + "/security-events", correlationId);
	}

	/**
	 * The one event of the request with this correlation id that {@code path} answers.
	 */
	private JsonNode eventOf(ApiClient reader, String path, String correlationId) {
		// The caller may have its answer a moment before the filter that saw it records
		// it, as any client may.
		Instant deadline = Instant.now().plusSeconds(10);
		Answer answer;
		List<JsonNode> matching;
		do {
			this.securityEvents.flush();
			answer = reader.get(path + (path.contains("?") ? "&" : "?") + "limit=200");
			assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
			matching = entries(answer).stream()
				.filter((entry) -> correlationId.equals(entry.path("correlation_id").asString()))
				.toList();
		}
		while (matching.isEmpty() && Instant.now().isBefore(deadline));
		assertThat(matching).as(answer.toString()).hasSize(1);
		return matching.get(0);
	}

	private static List<JsonNode> entries(Answer answer) {
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		List<JsonNode> entries = new ArrayList<>();
		answer.json().path("entries").forEach(entries::add);
		return entries;
	}

	/**
	 * The event is the same in everyone's events and on the topic, keyed by its
	 * organization, as a signed CloudEvent.
	 */
	private void assertSystemWideAndPublished(String organizationId, JsonNode event) {
		String caller = event.path("caller").isNull() ? "" : "&caller=" + event.path("caller").asString();
		assertThat(eventOf(auditor(), "/api/security-events?kind=" + event.path("kind").asString() + caller,
				event.path("correlation_id").asString()))
			.isEqualTo(event);
		String eventId = event.path("event_id").asString();
		List<ConsumerRecord<String, byte[]>> records = TopicReader.read(this.broker.bootstrapServers(),
				MembershipTopics.SECURITY, organizationId,
				(read) -> read.stream().anyMatch((record) -> eventId.equals(value(record).path("event_id").asString())),
				WAIT);
		ConsumerRecord<String, byte[]> record = records.stream()
			.filter((candidate) -> eventId.equals(value(candidate).path("event_id").asString()))
			.reduce((first, second) -> second)
			.orElseThrow();
		assertThat(value(record)).isEqualTo(event);
		assertThat(SCHEMAS.getSchema(SchemaLocation.of("classpath:schemas/SecurityEvent.v1.schema.json"))
			.validate(value(record))).as("the body validates against its published schema").isEmpty();
		Map<String, String> headers = TopicReader.headers(record);
		assertThat(headers).containsEntry("ce_specversion", "1.0")
			.containsEntry("ce_type", "membership.SecurityEvent.v1")
			.containsEntry("ce_id", eventId + ":" + event.path("count").asLong())
			.containsEntry("ce_source", "/organizations/" + organizationId)
			.containsEntry("ce_time", event.path("occurred_at").asString())
			.containsEntry("ce_correlationid", event.path("correlation_id").asString())
			.containsEntry("content-type", "application/json")
			.containsKey(RecordMac.HEADER);
	}

	private static JsonNode value(ConsumerRecord<String, byte[]> record) {
		return JSON.readTree(record.value());
	}

	/** Not in any stored row, nor in any record on the topic (value or header). */
	private void assertNowhere(String secret) {
		List<String> rows = this.jdbc.sql("SELECT * FROM security_events").query((row, number) -> {
			StringBuilder all = new StringBuilder();
			for (int column = 1; column <= row.getMetaData().getColumnCount(); column++) {
				all.append(row.getString(column)).append('|');
			}
			return all.toString();
		}).list();
		assertThat(rows).isNotEmpty().noneMatch((row) -> row.contains(secret));
		try (TopicReader reader = TopicReader.fromBeginning(this.broker.bootstrapServers(),
				MembershipTopics.SECURITY)) {
			List<ConsumerRecord<String, byte[]>> records = reader.readToEnd(WAIT);
			assertThat(records).isNotEmpty();
			for (ConsumerRecord<String, byte[]> record : records) {
				assertThat(new String(record.value(), StandardCharsets.UTF_8)).doesNotContain(secret);
				assertThat(TopicReader.headers(record).values()).noneMatch((header) -> header.contains(secret));
			}
		}
	}

}
