package io.membership.infra.security.events;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.audit.security.SecurityEvents;
import io.membership.infra.MembershipApplication;
import io.membership.infra.kafka.EmbeddedKafkaBroker;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;
import io.membership.infra.support.TopicReader;
import io.membership.topics.MembershipTopics;

/**
 * A flood of identical refusals is one security event with its count, and security events
 * are kept for the configured time and no longer. The service runs on the embedded
 * default (H2) with no command budget, so the flood is not answered 429, and security
 * events kept for a day.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SecurityEventFloodTest {

	private static final int FLOOD = 10_000;

	private static final int SENDERS = 16;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	static Path dataDirectory;

	private static ConfigurableApplicationContext application;

	private static int port;

	@BeforeAll
	static void start() {
		application = new SpringApplicationBuilder(MembershipApplication.class).run("--server.port=0",
				"--management.server.port=0", "--membership.data-dir=" + dataDirectory,
				"--membership.jwt.secret=" + ApiClient.TEST_SECRET, "--membership.kafka.embedded.port=0",
				"--membership.rate-limits.commands-per-second=0", "--membership.security-events.retention=1d",
				"--spring.main.banner-mode=off");
		port = application.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	@AfterAll
	static void stop() {
		if (application != null) {
			application.close();
		}
	}

	@Test
	void ten_thousand_identical_refusals_from_many_threads_are_one_event_counted_ten_thousand_times() throws Exception {
		TestOrganization organization = TestOrganization.create(port);
		Member member = organization.join("AN");
		String body = "{\"email\":\"" + member.email() + "\",\"role\":\"RE\"}";
		awaitEarlyInAMinute();

		long started = System.nanoTime();
		ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
		List<Future<List<Integer>>> sent = new ArrayList<>();
		for (int sender = 0; sender < SENDERS; sender++) {
			int share = FLOOD / SENDERS + ((sender < FLOOD % SENDERS) ? 1 : 0);
			sent.add(senders.submit(() -> {
				List<Integer> statuses = new ArrayList<>();
				for (int i = 0; i < share; i++) {
					statuses.add(organization.owner().post(organization.path() + "/invitations", body).status());
				}
				return statuses;
			}));
		}
		List<Integer> statuses = new ArrayList<>();
		for (Future<List<Integer>> share : sent) {
			statuses.addAll(share.get(5, TimeUnit.MINUTES));
		}
		senders.shutdown();
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		assertThat(statuses).hasSize(FLOOD).containsOnly(409);
		assertThat(took).as("the flood was answered in bounded time").isLessThan(Duration.ofSeconds(50));

		// The last answers may reach their callers a moment before they are recorded.
		Instant deadline = Instant.now().plusSeconds(10);
		Answer answer;
		JsonNode entries;
		do {
			application.getBean(SecurityEvents.class).flush();
			answer = organization.owner()
				.get(organization.path() + "/security-events?kind=refused&caller=" + organization.ownerId());
			assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
			entries = answer.json().path("entries");
		}
		while ((entries.size() != 1 || entries.get(0).path("count").asLong() < FLOOD)
				&& Instant.now().isBefore(deadline));
		assertThat(entries.size()).as(answer.toString()).isEqualTo(1);
		JsonNode event = entries.get(0);
		assertThat(event.path("count").asLong()).isEqualTo(FLOOD);
		assertThat(event.path("code").asString()).isEqualTo("already_member");
		assertThat(application.getBean(JdbcClient.class)
			.sql("SELECT COUNT(*) FROM security_events WHERE organization_id = ?")
			.param(organization.id())
			.query(Long.class)
			.single()).as("one row").isEqualTo(1);
		assertThat(application.getBean(MeterRegistry.class)
			.counter("membership.security.events", "kind", "refused")
			.count()).isGreaterThanOrEqualTo(FLOOD);

		String eventId = event.path("event_id").asString();
		List<ConsumerRecord<String, byte[]>> records = TopicReader.read(bootstrapServers(), MembershipTopics.SECURITY,
				organization.id(),
				(read) -> read.stream()
					.anyMatch((record) -> JSON.readTree(record.value()).path("count").asLong() == FLOOD),
				Duration.ofSeconds(60));
		JsonNode published = JSON.readTree(records.get(records.size() - 1).value());
		assertThat(published).isEqualTo(event);
		assertThat(records).as("published at most once per flush, not once per refusal")
			.hasSizeLessThanOrEqualTo((int) (took.toSeconds() / 5 + 3));
		assertThat(records)
			.allMatch((record) -> JSON.readTree(record.value()).path("event_id").asString().equals(eventId));
	}

	@Test
	void the_sweep_deletes_the_events_older_than_the_retention_and_the_topic_keeps_them_as_long() throws Exception {
		JdbcClient jdbc = application.getBean(JdbcClient.class);
		String old = insertOccurredAt(jdbc, Instant.now().minus(Duration.ofHours(25)));
		String recent = insertOccurredAt(jdbc, Instant.now().minus(Duration.ofHours(23)));

		int deleted = application.getBean(SecurityEvents.class).sweep();

		assertThat(deleted).isGreaterThanOrEqualTo(1);
		List<String> kept = jdbc.sql("SELECT event_id FROM security_events").query(String.class).list();
		assertThat(kept).contains(recent).doesNotContain(old);
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
			ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, MembershipTopics.SECURITY);
			String retention = admin.describeConfigs(List.of(topic))
				.all()
				.get(30, TimeUnit.SECONDS)
				.get(topic)
				.get(TopicConfig.RETENTION_MS_CONFIG)
				.value();
			assertThat(retention).isEqualTo(Long.toString(Duration.ofDays(1).toMillis()));
		}
	}

	@Test
	void an_invalid_token_flood_without_an_organization_is_keyed_by_a_dash() {
		String correlationId = "sec-dash-" + UUID.randomUUID();
		String forged = ApiClient.token("7", null, Instant.now().plusSeconds(600),
				"a-key-this-service-does-not-trust-0123456789");
		for (int i = 0; i < 3; i++) {
			assertProblem(ApiClient.anonymous(port)
				.withToken(forged)
				.withHeader("X-Correlation-Id", correlationId)
				.post("/api/organizations", "{\"name\":\"Never\"}"), 401, "unauthorized");
		}
		application.getBean(SecurityEvents.class).flush();

		List<ConsumerRecord<String, byte[]>> records = TopicReader.read(bootstrapServers(), MembershipTopics.SECURITY,
				"-",
				(read) -> read.stream()
					.anyMatch((record) -> correlationId
						.equals(JSON.readTree(record.value()).path("correlation_id").asString())),
				Duration.ofSeconds(60));
		JsonNode published = records.stream()
			.map((record) -> JSON.readTree(record.value()))
			.filter((value) -> correlationId.equals(value.path("correlation_id").asString()))
			.reduce((first, second) -> second)
			.orElseThrow();
		assertThat(published.path("organization_id").isNull()).isTrue();
		assertThat(published.path("path").asString()).isEqualTo("/api/organizations");
		assertThat(published.path("kind").asString()).isEqualTo("invalid_token");
		assertThat(published.path("count").asLong()).isGreaterThanOrEqualTo(1);
	}

	/**
	 * Identical events fold within a minute; a flood that began late in one would be two
	 * events, so it begins early in one.
	 */
	private static void awaitEarlyInAMinute() throws InterruptedException {
		int second = LocalTime.now(ZoneOffset.UTC).getSecond();
		if (second > 5) {
			Thread.sleep((60 - second) * 1000L + 200);
		}
	}

	private static String insertOccurredAt(JdbcClient jdbc, Instant occurredAt) {
		String eventId = UUID.randomUUID().toString();
		jdbc.sql("INSERT INTO security_events (event_id, occurred_at, caller, kind, method, path, code, "
				+ "correlation_id, source_ip, event_count) VALUES (?, ?, '7', 'forbidden', 'GET', '/api/x', "
				+ "'forbidden', 'c', '127.0.0.1', 1)")
			.param(eventId)
			.param(OffsetDateTime.ofInstant(occurredAt, ZoneOffset.UTC))
			.update();
		return eventId;
	}

	private static String bootstrapServers() {
		return application.getBean(EmbeddedKafkaBroker.class).bootstrapServers();
	}

}
