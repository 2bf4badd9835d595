package io.membership.infra.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.kafka.EmbeddedKafkaBroker;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;

/**
 * What an operator's Prometheus scrapes: {@code /actuator/prometheus} on the management
 * port, without a token, with the meters API.md's operations section names; and never on
 * the API port.
 */
@PostgresServiceTest
class ManagementMetricsTest {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Autowired
	MeterRegistry meters;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Test
	void the_management_port_serves_every_meter_the_contract_names_without_a_token() {
		TestOrganization organization = TestOrganization.create(this.port);
		Answer refused = organization.owner()
			.post(organization.path() + "/memberships/" + TestOrganization.newUserId() + "/role", "{\"role\":\"AN\"}");
		assertThat(refused.status()).as(refused.toString()).isEqualTo(404);
		Answer allowed = organization.owner().get(organization.path() + "/permissions/check?action=invite_users");
		assertThat(allowed.json().path("allowed").asBoolean()).as(allowed.toString()).isTrue();

		Answer scrape = ApiClient.anonymous(this.managementPort).get("/actuator/prometheus");

		assertThat(scrape.status()).as(scrape.toString()).isEqualTo(200);
		assertThat(scrape.text()).contains("membership_publisher_lag_events ",
				"membership_publisher_lag_oldest_seconds ", "membership_query_lag_records{partition=\"0\"}",
				"membership_query_lag_seconds{partition=\"0\"}", "membership_query_projection_gaps ",
				"membership_query_organizations_quarantined ", "membership_audit_checkpoint_age_seconds ",
				"membership_commands_seconds_count{outcome=\"accepted\",type=\"CreateOrganizationCommand\"}",
				"membership_commands_seconds_count{outcome=\"refused\",type=\"ChangeRoleCommand\"}",
				"membership_checks_total{outcome=\"allowed\"}", "membership_checks_total{outcome=\"denied\"}",
				// Beside them, Spring Boot's own: the JVM, HTTP requests and the pool;
				// and
				// the Kafka clients' own, of the publisher's producer and the query
				// side's
				// consumer.
				"jvm_memory_used_bytes", "http_server_requests_seconds_count", "hikaricp_connections_active",
				"kafka_producer_", "client_id=\"membership-publisher\"", "kafka_consumer_",
				"client_id=\"membership-query-query-side\"");
		// Only the timer per observation: the long-task timer Micrometer would add to
		// each (requests in flight) costs every request and is read by nobody.
		assertThat(scrape.text()).doesNotContain("http_server_requests_active_seconds");
	}

	/**
	 * Axon's own message monitors (axon-micrometer, dimensional): the command bus per
	 * command type (a refusal counts as a failure there), the event store per event type,
	 * and the publisher's processor, the one Axon processor (the projections are Kafka
	 * consumers).
	 */
	@Test
	void the_management_port_serves_axons_own_meters_for_the_command_bus_and_the_event_store() {
		TestOrganization organization = TestOrganization.create(this.port);
		organization.createWorkspace("Measured");
		Answer refused = organization.owner()
			.post(organization.path() + "/memberships/" + TestOrganization.newUserId() + "/role", "{\"role\":\"AN\"}");
		assertThat(refused.status()).as(refused.toString()).isEqualTo(404);

		Answer scrape = ApiClient.anonymous(this.managementPort).get("/actuator/prometheus");

		assertThat(scrape.status()).as(scrape.toString()).isEqualTo(200);
		assertThat(counted(scrape.text(), "commandBus_successCounter_total{payloadType=\"CreateWorkspaceCommand\"}"))
			.isPositive();
		assertThat(counted(scrape.text(), "commandBus_failureCounter_total{payloadType=\"ChangeRoleCommand\"}"))
			.isPositive();
		assertThat(
				counted(scrape.text(), "commandBus_successTimer_seconds_count{payloadType=\"CreateWorkspaceCommand\"}"))
			.isPositive();
		// Axon tags the event store's counters with no payload type.
		assertThat(counted(scrape.text(), "eventStore_ingestedCounter_total")).isPositive();
		assertThat(scrape.text()).contains("eventStore_allTimer_seconds_count{payloadType=\"WorkspaceCreated\"}",
				"eventProcessor_latency{processorName=\"kafka-publisher\"}");
	}

	/** The value of the sample with exactly this name and these labels, or -1. */
	private static double counted(String scrape, String sample) {
		return scrape.lines()
			.filter((line) -> line.startsWith(sample + " "))
			.mapToDouble((line) -> Double.parseDouble(line.substring(sample.length() + 1)))
			.findFirst()
			.orElse(-1);
	}

	@Test
	void the_api_port_never_serves_the_metrics() {
		Answer anonymous = ApiClient.anonymous(this.port).get("/actuator/prometheus");
		Answer withToken = ApiClient.as(this.port, TestOrganization.newUserId()).get("/actuator/prometheus");

		assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(401);
		assertThat(withToken.status()).as(withToken.toString()).isEqualTo(404);
		assertThat(withToken.text()).doesNotContain("membership_");
	}

	@Test
	void publisher_lag_rises_while_kafka_is_down_and_falls_to_zero_once_it_is_back() {
		TestOrganization organization = TestOrganization.create(this.port);
		awaitTrue("the publisher has caught up", () -> gauge("membership.publisher.lag.events") == 0);

		this.broker.close();
		try {
			organization.createWorkspace("While Kafka is down");
			organization.createWorkspace("Still down");
			awaitTrue("the publisher's lag shows the events Kafka has not acknowledged",
					() -> gauge("membership.publisher.lag.events") >= 2
							&& gauge("membership.publisher.lag.oldest") > 0);
		}
		finally {
			this.broker.start();
		}

		awaitTrue("the backlog has drained",
				() -> gauge("membership.publisher.lag.events") == 0 && gauge("membership.publisher.lag.oldest") == 0);
	}

	private double gauge(String name) {
		return this.meters.get(name).gauge().value();
	}

	private static void awaitTrue(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("waited for: " + what).isLessThan(deadline);
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

}
