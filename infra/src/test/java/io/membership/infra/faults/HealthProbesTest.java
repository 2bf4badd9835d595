package io.membership.infra.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.membership.events.access.Role;
import io.membership.infra.MembershipApplication;
import io.membership.infra.kafka.EmbeddedKafkaBroker;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.ForgedRecords;
import io.membership.infra.support.TestRecordKey;

/**
 * Health on the management port as API.md's operations section has it: readiness goes
 * down while the database is unreachable and comes back with it; Kafka being away shows
 * in the health details while readiness stays up, since commands are still accepted and
 * published later. What the metrics show meanwhile: the query side's lag rises while it
 * cannot apply, and falls to zero once it can. The service runs in this JVM, its database
 * behind a proxy the test cuts.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HealthProbesTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	static Path dataDirectory;

	private static FaultSchema schema;

	private static TcpProxy proxy;

	private static ConfigurableApplicationContext application;

	private static ApiClient management;

	@BeforeAll
	static void startBehindAProxy() {
		schema = FaultSchema.create("health");
		proxy = new TcpProxy(schema.serverHost(), schema.serverPort());
		application = new SpringApplicationBuilder(MembershipApplication.class).run("--server.port=0",
				"--management.server.port=0", "--membership.data-dir=" + dataDirectory,
				"--membership.jwt.secret=" + ApiClient.TEST_SECRET, "--membership.kafka.embedded.port=0",
				"--membership.kafka.delivery-timeout=5s", "--membership.kafka.record-key=" + TestRecordKey.VALUE,
				"--spring.datasource.url=" + schema.jdbcUrlVia("127.0.0.1", proxy.port()),
				"--spring.datasource.username=" + schema.username(),
				"--spring.datasource.password=" + schema.password(), "--spring.flyway.default-schema=" + schema.name(),
				"--spring.main.banner-mode=off");
		management = ApiClient
			.anonymous(application.getEnvironment().getRequiredProperty("local.management.port", Integer.class));
	}

	@AfterAll
	static void stop() {
		if (application != null) {
			application.close();
		}
		if (proxy != null) {
			proxy.close();
		}
		if (schema != null) {
			schema.close();
		}
	}

	@Test
	void readiness_goes_down_while_the_database_is_unreachable_and_comes_back_with_it() {
		assertThat(status("/actuator/health/readiness")).isEqualTo("UP");

		proxy.cut();
		try {
			Answer down = await("/actuator/health/readiness", (answer) -> answer.status() == 503);
			assertThat(down.json().path("status").asString()).isEqualTo("DOWN");
			assertThat(down.json().path("components").path("db").path("status").asString()).isEqualTo("DOWN");
			assertThat(status("/actuator/health/liveness")).as("the process itself is fine").isEqualTo("UP");
		}
		finally {
			proxy.restore();
		}

		Answer up = await("/actuator/health/readiness", (answer) -> answer.status() == 200);
		assertThat(up.json().path("status").asString()).isEqualTo("UP");
	}

	@Test
	void kafka_being_away_shows_in_the_health_details_and_readiness_stays_up() {
		assertThat(component("kafka")).isEqualTo("UP");
		EmbeddedKafkaBroker broker = application.getBean(EmbeddedKafkaBroker.class);

		broker.close();
		try {
			Answer health = await("/actuator/health", (answer) -> "DOWN"
				.equals(answer.json().path("components").path("kafka").path("status").asString()));
			assertThat(health.json().path("components").path("kafka").path("details").has("unpublished_events"))
				.as(health.toString())
				.isTrue();
			assertThat(health.json().path("components").path("db").path("status").asString()).isEqualTo("UP");
			Answer readiness = management.get("/actuator/health/readiness");
			assertThat(readiness.status()).as(readiness.toString()).isEqualTo(200);
			assertThat(readiness.json().path("components").has("kafka")).as(readiness.toString()).isFalse();
		}
		finally {
			broker.start();
		}

		await("/actuator/health",
				(answer) -> "UP".equals(answer.json().path("components").path("kafka").path("status").asString()));
	}

	@Test
	void the_query_sides_lag_rises_while_its_database_is_cut_and_falls_to_zero_once_it_is_back() throws Exception {
		MeterRegistry meters = application.getBean(MeterRegistry.class);
		EmbeddedKafkaBroker broker = application.getBean(EmbeddedKafkaBroker.class);
		String organization = "org_" + UUID.randomUUID().toString().replace("-", "");
		ProducerRecord<String, byte[]> record = TestRecordKey
			.sign(ForgedRecords.roleChange(organization, 1, 2, Role.ANNOTATOR, Role.REVIEWER, 1, "lag-probe", null));
		awaitFollowing(broker);

		proxy.cut();
		String partition;
		try {
			partition = Integer.toString(ForgedRecords.write(broker.bootstrapServers(), record).get(0).partition());
			awaitTrue("the query side's lag in partition " + partition + " shows the record it cannot apply",
					() -> lag(meters, "membership.query.lag.records", partition) >= 1
							&& lag(meters, "membership.query.lag", partition) > 0);
			double earlier = lag(meters, "membership.query.lag", partition);
			awaitTrue("the lag in seconds grows while the database is away",
					() -> lag(meters, "membership.query.lag", partition) > earlier + 1);
		}
		finally {
			proxy.restore();
		}

		awaitTrue("the query side has caught up", () -> lag(meters, "membership.query.lag.records", partition) == 0
				&& lag(meters, "membership.query.lag", partition) == 0);
	}

	/**
	 * Waits until the query side applies a record written now: after another test cut the
	 * database, its consumer starts again only once it can read its stored positions, and
	 * a consumer that cannot read them does not poll, so it would see no lag to report.
	 */
	private static void awaitFollowing(EmbeddedKafkaBroker broker) throws Exception {
		RecordMetadata probe = ForgedRecords
			.write(broker.bootstrapServers(),
					TestRecordKey.sign(ForgedRecords.roleChange("org_" + UUID.randomUUID().toString().replace("-", ""),
							1, 2, Role.ANNOTATOR, Role.REVIEWER, 1, "following-probe", null)))
			.get(0);
		awaitTrue("the query side applies a record again",
				() -> schema.count(
						"SELECT COALESCE(MAX(next_offset), 0) FROM qs_consumer_positions WHERE partition_id = ?",
						probe.partition()) > probe.offset());
	}

	private static double lag(MeterRegistry meters, String name, String partition) {
		return meters.get(name).tag("partition", partition).gauge().value();
	}

	private static void awaitTrue(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("waited for: " + what).isLessThan(deadline);
			try {
				Thread.sleep(250);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	private static String status(String path) {
		Answer answer = management.get(path);
		return answer.json().path("status").asString();
	}

	private static String component(String name) {
		return management.get("/actuator/health").json().path("components").path(name).path("status").asString();
	}

	private static Answer await(String path, Predicate<Answer> condition) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		Answer answer = management.get(path);
		while (!condition.test(answer)) {
			assertThat(System.nanoTime()).as("waited for %s, last: %s", path, answer).isLessThan(deadline);
			try {
				Thread.sleep(250);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
			answer = management.get(path);
		}
		return answer;
	}

}
