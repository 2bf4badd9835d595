package io.membership.infra.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.membership.infra.faults.CommandLoad.Sent;
import io.membership.infra.faults.FaultChecks.Delivery;
import io.membership.infra.faults.FaultSchema.StoredEvent;
import io.membership.infra.support.TopicReader;
import io.membership.testkit.ServiceProcess;
import io.membership.testkit.ServiceProcess.CommandResult;

/**
 * Case 7: Kafka loses its log. The service is killed under load (so the old topic holds
 * duplicates, and the query side's positions point past where the new topic will end),
 * its embedded broker's log is deleted, and {@code java -jar membership.jar republish}
 * writes the topics anew from the database. Started again, the service goes on: every
 * stored event is on the new topic once, in order per organization, with the same
 * {@code ce_id} and {@code ce_orgversion}; the views converge with no gap reported; new
 * commands flow through.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KafkaLogLostFaultIT {

	private static final String SCENARIO = "Kafka log lost";

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void the_topics_written_anew_from_the_database_hold_every_event_once_and_the_service_carries_on()
			throws IOException {
		int kafkaPort = ServiceProcess.freePort();
		try (FaultSchema schema = FaultSchema.create("kafkalost");
				ServiceProcess service = FaultServices.builder("kafka-log-lost", schema)
					.embeddedKafka(kafkaPort)
					.build()
					.start()) {
			List<Sent> sent = new ArrayList<>();
			try (CommandLoad load = new CommandLoad("lost", 4, (client) -> service.port(), Duration.ZERO)) {
				load.start();
				assertThat(load.awaitAcknowledged(300, Duration.ofSeconds(180)))
					.as("the load got going: %d acknowledged", load.acknowledged())
					.isTrue();
				service.kill();
				sent.addAll(load.stop());
			}
			List<StoredEvent> storedBefore = schema.events();
			int recordsBefore;
			service.start();
			try (TopicReader topic = TopicReader.events("localhost:" + kafkaPort)) {
				recordsBefore = topic.readUntil(FaultChecks.containsEvery(storedBefore), Duration.ofSeconds(120))
					.size();
			}
			service.stop();

			Path log = service.dataDirectory().resolve("kafka");
			assertThat(log).as("the embedded broker's log").isDirectory();
			deleteRecursively(log);
			long started = System.nanoTime();
			CommandResult republished = service.runCommand(List.of("republish"), Duration.ofMinutes(3));
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			assertThat(republished.exitStatus()).as(republished.output()).isZero();
			assertThat(republished.output()).contains("republished %,d events".formatted(storedBefore.size()));

			service.start();
			try (CommandLoad after = new CommandLoad("lost.after", 2, (client) -> service.port(), Duration.ZERO)) {
				after.start();
				assertThat(after.awaitAcknowledged(20, Duration.ofSeconds(60))).isTrue();
				sent.addAll(after.stop());
			}

			List<StoredEvent> store = schema.events();
			FaultChecks.assertGapless(store);
			FaultChecks.assertAcknowledgedStoredOnce(sent, store, "lost");
			Delivery delivery;
			try (TopicReader topic = TopicReader.events("localhost:" + kafkaPort)) {
				delivery = FaultChecks.assertPublishedInOrder(store,
						topic.readUntil(FaultChecks.containsEvery(store), Duration.ofSeconds(120)));
			}
			Duration converged = FaultChecks.assertViewsConverge(service, schema, store, Duration.ofSeconds(120));
			assertThat(schema.count("SELECT COUNT(*) FROM qs_projection_gaps"))
				.as("reading the new topic from its start reported no gap")
				.isZero();
			assertThat(schema.count("SELECT COUNT(*) FROM qs_quarantined_organizations"))
				.as("no organization was set aside")
				.isZero();

			FaultReport.record(SCENARIO,
					"%d events stored before the loss (%d records on the old topic); republish wrote them back in %s",
					storedBefore.size(), recordsBefore, FaultChecks.millis(took));
			FaultReport.record(SCENARIO, "after the restart: %s; views converged %s after the checks began, no gap",
					delivery, FaultChecks.millis(converged));
		}
	}

	private static void deleteRecursively(Path directory) throws IOException {
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

}
