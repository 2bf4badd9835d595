package io.membership.infra.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.membership.infra.faults.CommandLoad.Sent;
import io.membership.infra.faults.FaultChecks.Delivery;
import io.membership.infra.faults.FaultChecks.Tally;
import io.membership.infra.faults.FaultSchema.StoredEvent;
import io.membership.infra.kafka.EmbeddedKafkaBroker;
import io.membership.infra.support.TopicReader;
import io.membership.testkit.ServiceProcess;

/**
 * Case 2: Kafka (a broker in the test JVM) goes away for three times the publisher's
 * delivery timeout while clients keep sending commands, then comes back on the same port
 * with the same log. Commands must go on being accepted throughout, and afterwards the
 * topic must hold every stored event, in order per organization. Meanwhile the service
 * stays ready, and its publisher's lag shows the outage and falls to zero once the
 * backlog drained.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class KafkaOutageFaultIT {

	private static final String SCENARIO = "Kafka down";

	private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration OUTAGE = DELIVERY_TIMEOUT.multipliedBy(3);

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void commands_are_accepted_while_kafka_is_down_and_every_event_is_published_in_order_when_it_returns() {
		try (FaultSchema schema = FaultSchema.create("kafka");
				EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(0,
						FaultServices.directory().resolve("kafka-outage-broker-" + System.currentTimeMillis()))) {
			broker.start();
			String bootstrapServers = broker.bootstrapServers();
			try (ServiceProcess service = FaultServices.builder("kafka-outage", schema)
				.externalKafka(bootstrapServers)
				.env("MEMBERSHIP_KAFKA_DELIVERY_TIMEOUT", DELIVERY_TIMEOUT.toSeconds() + "s")
				.build()
				.start(); TopicReader topic = TopicReader.events(bootstrapServers)) {
				List<Sent> sent;
				long down;
				long up;
				double maxLagEvents = 0;
				double maxLagSeconds = 0;
				boolean readyThroughout = true;
				try (CommandLoad load = new CommandLoad("kafka", 3, (client) -> service.port(),
						Duration.ofMillis(20))) {
					load.start();
					assertThat(load.awaitAcknowledged(60, Duration.ofSeconds(120))).isTrue();
					broker.close();
					down = System.currentTimeMillis();
					int before = load.acknowledged();
					while (System.currentTimeMillis() - down < OUTAGE.toMillis()) {
						ServiceProcess.sleep(Duration.ofSeconds(1));
						maxLagEvents = Math.max(maxLagEvents,
								FaultServices.meter(service, "membership_publisher_lag_events"));
						maxLagSeconds = Math.max(maxLagSeconds,
								FaultServices.meter(service, "membership_publisher_lag_oldest_seconds"));
						readyThroughout &= service.healthy();
					}
					int during = load.acknowledged() - before;
					broker.start();
					up = System.currentTimeMillis();
					assertThat(broker.bootstrapServers()).isEqualTo(bootstrapServers);
					load.awaitAcknowledged(load.acknowledged() + 30, Duration.ofSeconds(60));
					sent = load.stop();
					assertThat(during).as("commands accepted while Kafka was down").isPositive();
				}
				assertThat(sent).as("every command was accepted, Kafka or not")
					.allSatisfy((request) -> assertThat(request.acknowledged()).as(request.toString()).isTrue());
				List<Sent> duringOutage = sent.stream()
					.filter((request) -> request.startedAtMillis() >= down && request.startedAtMillis() < up)
					.sorted(Comparator.comparingLong(Sent::millis))
					.toList();

				List<StoredEvent> store = schema.events();
				FaultChecks.assertGapless(store);
				Tally tally = FaultChecks.assertAcknowledgedStoredOnce(sent, store, "kafka");
				List<ConsumerRecord<String, byte[]>> records = topic.readUntil(FaultChecks.containsEvery(store),
						Duration.ofSeconds(180));
				long drained = System.currentTimeMillis();
				assertThat(maxLagEvents).as("the publisher's lag while Kafka was down").isPositive();
				assertThat(maxLagSeconds).as("the age of its oldest unpublished event")
					.isGreaterThan(DELIVERY_TIMEOUT.toSeconds());
				assertThat(readyThroughout).as("readiness stayed UP while Kafka was down").isTrue();
				long zeroDeadline = System.currentTimeMillis() + 60_000;
				while (FaultServices.meter(service, "membership_publisher_lag_events") != 0
						|| FaultServices.meter(service, "membership_publisher_lag_oldest_seconds") != 0) {
					assertThat(System.currentTimeMillis()).as("the publisher's lag back to zero")
						.isLessThan(zeroDeadline);
					ServiceProcess.sleep(Duration.ofMillis(500));
				}
				Delivery delivery = FaultChecks.assertPublishedInOrder(store, records);
				Duration converged = FaultChecks.assertViewsConverge(service, schema, store, Duration.ofSeconds(60));

				FaultReport.record(SCENARIO,
						"Kafka stopped for %d s (delivery timeout %d s); %d commands during the "
								+ "outage, all accepted, median %d ms, slowest %d ms",
						(up - down) / 1000, DELIVERY_TIMEOUT.toSeconds(), duringOutage.size(),
						percentile(duringOutage, 50), percentile(duringOutage, 100));
				FaultReport.record(SCENARIO, "%s; %s; topic complete %d ms after Kafka returned", tally, delivery,
						drained - up);
				FaultReport.record(SCENARIO, "views converged %s after the topic was complete",
						FaultChecks.millis(converged));
				FaultReport.record(SCENARIO,
						"publisher lag at most %.0f events, oldest %.1f s, while Kafka was down; back to 0 after; "
								+ "readiness UP throughout",
						maxLagEvents, maxLagSeconds);
			}
		}
	}

	/** A meter without tags, as the management port's Prometheus scrape shows it now. */
	private static long percentile(List<Sent> sortedByMillis, int percent) {
		if (sortedByMillis.isEmpty()) {
			return 0;
		}
		int index = Math.min(sortedByMillis.size() - 1, (sortedByMillis.size() * percent) / 100);
		return new ArrayList<>(sortedByMillis).get(index).millis();
	}

}
