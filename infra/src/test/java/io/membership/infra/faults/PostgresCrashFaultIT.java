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
 * Case 8: PostgreSQL crashes. The scenario runs its own cluster ({@link PostgresCluster})
 * and kills its postmaster with SIGKILL while clients stream commands, then starts it
 * again, when it recovers from its write-ahead log. The service, never restarted, takes
 * commands again once the database is back; every acknowledged command is stored once (a
 * commit PostgreSQL acknowledged survives its crash), every stored event reaches the
 * topic in order, and the views converge.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PostgresCrashFaultIT {

	private static final String SCENARIO = "PostgreSQL crash";

	/** How long the database stays down, longer than a pool's connection timeout. */
	private static final Duration DOWN = Duration.ofSeconds(5);

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void a_service_whose_database_crashed_takes_commands_again_once_it_recovered_and_lost_nothing_acknowledged() {
		int kafkaPort = ServiceProcess.freePort();
		try (PostgresCluster cluster = PostgresCluster.start();
				FaultSchema schema = FaultSchema.create("pgcrash", cluster.serverUrl(), "postgres", "");
				ServiceProcess service = FaultServices.builder("postgres-crash", schema)
					.embeddedKafka(kafkaPort)
					.build()
					.start()) {
			long pid = service.pid();
			List<Sent> sent = new ArrayList<>();
			int acknowledgedAtCrash;
			Duration recovered;
			try (CommandLoad load = new CommandLoad("pgcrash", 4, (client) -> service.port(), Duration.ZERO)) {
				load.start();
				assertThat(load.awaitAcknowledged(200, Duration.ofSeconds(180)))
					.as("the load got going: %d acknowledged", load.acknowledged())
					.isTrue();
				acknowledgedAtCrash = load.acknowledged();
				cluster.crash();
				ServiceProcess.sleep(DOWN);
				int acknowledgedWhileDown = load.acknowledged();
				cluster.startServer();
				long restarted = System.nanoTime();
				assertThat(cluster.logTail()).as("PostgreSQL came back through crash recovery")
					.contains("database system was not properly shut down; automatic recovery in progress");
				assertThat(load.awaitAcknowledged(acknowledgedWhileDown + 100, Duration.ofSeconds(120)))
					.as("commands are accepted again after the database recovered; its log:%n%s", cluster.logTail())
					.isTrue();
				recovered = Duration.ofNanos(System.nanoTime() - restarted);
				sent.addAll(load.stop());
			}
			assertThat(service.isAlive() && service.pid() == pid).as("the same process, never restarted").isTrue();
			assertThat(sent).as("acceptances, refusals of the rules, 503s or no answer: never a 500")
				.allSatisfy((request) -> assertThat(request.status()).as(request.toString()).isNotEqualTo(500));

			List<StoredEvent> store = schema.events();
			FaultChecks.assertGapless(store);
			Tally tally = FaultChecks.assertAcknowledgedStoredOnce(sent, store, "pgcrash");
			Delivery delivery;
			try (TopicReader topic = TopicReader.events("localhost:" + kafkaPort)) {
				delivery = FaultChecks.assertPublishedInOrder(store,
						topic.readUntil(FaultChecks.containsEvery(store), Duration.ofSeconds(120)));
			}
			Duration converged = FaultChecks.assertViewsConverge(service, schema, store, Duration.ofSeconds(120));
			long unavailable = sent.stream().filter((request) -> request.status() == 503).count();

			FaultReport.record(SCENARIO,
					"postmaster killed after %d acknowledged commands, down %d s; %d answered 503; %s; "
							+ "100 more acknowledged %s after the restart, same process",
					acknowledgedAtCrash, DOWN.toSeconds(), unavailable, tally, FaultChecks.millis(recovered));
			FaultReport.record(SCENARIO, "%s; views converged %s after the checks began", delivery,
					FaultChecks.millis(converged));
		}
	}

}
