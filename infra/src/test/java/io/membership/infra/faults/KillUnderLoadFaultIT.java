package io.membership.infra.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.membership.infra.faults.CommandLoad.Sent;
import io.membership.infra.faults.FaultChecks.Delivery;
import io.membership.infra.faults.FaultChecks.Tally;
import io.membership.infra.faults.FaultSchema.StoredEvent;
import io.membership.infra.support.TopicReader;
import io.membership.testkit.ServiceProcess;

/**
 * Case 1: the service is killed with SIGKILL while clients stream commands at it, then
 * started again on the same data directory (its embedded Kafka broker's log is there) and
 * the same PostgreSQL schema. Nothing that was acknowledged may be lost or stored twice,
 * every stored event must reach Kafka, and the views must converge.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KillUnderLoadFaultIT {

	private static final String SCENARIO = "kill -9 under load";

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void a_service_killed_mid_stream_keeps_every_acknowledged_command_once_and_publishes_every_event() {
		int kafkaPort = ServiceProcess.freePort();
		try (FaultSchema schema = FaultSchema.create("kill");
				ServiceProcess service = FaultServices.builder("kill-under-load", schema)
					.embeddedKafka(kafkaPort)
					.build()
					.start()) {
			List<Sent> sent = new ArrayList<>();
			try (CommandLoad load = new CommandLoad("kill", 6, (client) -> service.port(), Duration.ZERO)) {
				load.start();
				assertThat(load.awaitAcknowledged(300, Duration.ofSeconds(180)))
					.as("the load got going: %d acknowledged", load.acknowledged())
					.isTrue();
				service.kill();
				sent.addAll(load.stop());
			}
			long inFlight = sent.stream().filter(Sent::unanswered).count();
			service.start();
			try (CommandLoad after = new CommandLoad("kill.after", 2, (client) -> service.port(), Duration.ZERO)) {
				after.start();
				assertThat(after.awaitAcknowledged(20, Duration.ofSeconds(60))).isTrue();
				sent.addAll(after.stop());
			}

			List<StoredEvent> store = schema.events();
			FaultChecks.assertGapless(store);
			Tally tally = FaultChecks.assertAcknowledgedStoredOnce(sent, store, "kill");
			assertThat(sent).as("every answer before the kill was an acceptance")
				.allSatisfy(
						(request) -> assertThat(request.acknowledged() || request.unanswered()).as(request.toString())
							.isTrue());

			Delivery delivery;
			try (TopicReader topic = TopicReader.events("localhost:" + kafkaPort)) {
				delivery = FaultChecks.assertPublishedInOrder(store,
						topic.readUntil(FaultChecks.containsEvery(store), Duration.ofSeconds(120)));
			}
			Duration converged = FaultChecks.assertViewsConverge(service, schema, store, Duration.ofSeconds(120));

			FaultReport.record(SCENARIO,
					"%d commands sent by 6 clients, %d of them unanswered (in flight at the kill or refused after it); %s",
					sent.size(), inFlight, tally);
			FaultReport.record(SCENARIO, "%s; %d organizations", delivery, FaultChecks.byOrganization(store).size());
			FaultReport.record(SCENARIO, "views converged %s after the checks began", FaultChecks.millis(converged));
		}
	}

}
