package io.membership.infra.faults;

import static io.membership.infra.support.ProblemAssert.assertProblem;
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
import io.membership.infra.kafka.EmbeddedKafkaBroker;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TopicReader;
import io.membership.testkit.ServiceProcess;

/**
 * Case 3: the service reaches PostgreSQL through a TCP proxy that the test cuts: every
 * open connection is reset and new ones are closed on arrival, while clients keep sending
 * commands. Commands must fail fast with a 503 problem that says to retry, store nothing
 * half, and work again by themselves once the proxy lets connections through, in the same
 * process.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class DatabaseOutageFaultIT {

	private static final String SCENARIO = "PostgreSQL unreachable";

	private static final Duration OUTAGE = Duration.ofSeconds(15);

	/**
	 * What "fast" means: Hikari's 2 s connection timeout and some room on a busy machine.
	 */
	private static final Duration FAST = Duration.ofSeconds(6);

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void commands_fail_fast_with_503_while_the_database_is_cut_off_and_succeed_again_once_it_is_back() {
		try (FaultSchema schema = FaultSchema.create("db");
				TcpProxy proxy = new TcpProxy(schema.serverHost(), schema.serverPort());
				EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(0,
						FaultServices.directory().resolve("database-outage-broker-" + System.currentTimeMillis()))) {
			broker.start();
			try (ServiceProcess service = FaultServices.builder("database-outage", schema)
				.database(schema.jdbcUrlVia("127.0.0.1", proxy.port()), schema.username(), schema.password(),
						schema.name())
				.externalKafka(broker.bootstrapServers())
				.build()
				.start()) {
				long pid = service.pid();
				long ownerId = 7001;
				ApiClient owner = ApiClient.as(service.port(), ownerId);
				Answer created = owner.post("/api/organizations", "{\"name\":\"Outage\"}");
				assertThat(created.status()).as(created.toString()).isEqualTo(201);
				String organization = "/api/organizations/" + created.json().get("organization_id").asString();
				String invitation = owner
					.post(organization + "/invitations", "{\"email\":\"later@outage.test\",\"role\":\"AN\"}")
					.json()
					.get("token")
					.asString();

				List<Sent> sent = new ArrayList<>();
				List<Long> probeMillis = new ArrayList<>();
				List<String> probeCorrelations = new ArrayList<>();
				List<Integer> queryStatuses = new ArrayList<>();
				long restored;
				Duration recovery;
				try (CommandLoad load = new CommandLoad("db", 2, (client) -> service.port(), Duration.ofMillis(50))) {
					load.start();
					assertThat(load.awaitAcknowledged(30, Duration.ofSeconds(120))).isTrue();

					proxy.cut();
					long cut = System.nanoTime();
					int round = 0;
					while (System.nanoTime() - cut < OUTAGE.toNanos()) {
						for (Probe probe : probes(organization, invitation)) {
							String correlationId = "probe-" + round + "-" + probeCorrelations.size();
							ApiClient client = ApiClient.as(service.port(), probe.actor())
								.withHeader("X-Correlation-Id", correlationId);
							if (probeCorrelations.size() % 2 == 1) {
								// Half of them through the idempotency filter, which
								// needs
								// the database before the command does.
								client = client.withHeader("Idempotency-Key", correlationId);
							}
							long started = System.nanoTime();
							Answer answer = client.send(probe.method(), probe.path(), probe.body());
							long millis = (System.nanoTime() - started) / 1_000_000;
							assertProblem(answer, 503, "database_unavailable");
							assertThat(answer.header("Retry-After")).as(answer.toString()).isNotBlank();
							assertThat(millis).as("%s %s answered 503 fast", probe.method(), probe.path())
								.isLessThan(FAST.toMillis());
							probeMillis.add(millis);
							probeCorrelations.add(correlationId);
						}
						Answer query = owner.get(organization + "/memberships/" + ownerId + "/permissions");
						assertThat(query.status()).as("a query while the database is away: %s", query).isIn(200, 503);
						queryStatuses.add(query.status());
						round++;
					}

					proxy.restore();
					restored = System.nanoTime();
					recovery = awaitRecovery(owner, organization, restored);
					load.awaitAcknowledged(load.acknowledged() + 30, Duration.ofSeconds(60));
					sent.addAll(load.stop());
				}
				assertThat(service.isAlive() && service.pid() == pid).as("the same process, never restarted").isTrue();

				assertThat(sent).as("the clients got acceptances and 503s, nothing else")
					.allSatisfy((request) -> assertThat(request.status()).as(request.toString()).isIn(200, 201, 503));
				long loadUnavailable = sent.stream().filter((request) -> request.status() == 503).count();
				long slowest503 = sent.stream()
					.filter((request) -> request.status() == 503)
					.mapToLong(Sent::millis)
					.max()
					.orElse(0);
				assertThat(slowest503).as("the slowest 503 of the clients").isLessThan(FAST.toMillis());

				// A client that retries with the same Idempotency-Key now gets its
				// command
				// run, exactly once.
				String retried = probeCorrelations.get(1);
				ApiClient retrying = owner.withHeader("X-Correlation-Id", retried)
					.withHeader("Idempotency-Key", retried);
				Answer retry = retrying.post(organization + "/workspaces", "{\"title\":\"During the outage\"}");
				assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
				Answer again = retrying.post(organization + "/workspaces", "{\"title\":\"During the outage\"}");
				assertThat(again.header("Idempotent-Replayed")).as(again.toString()).isEqualTo("true");

				List<StoredEvent> store = schema.events();
				FaultChecks.assertGapless(store);
				Tally tally = FaultChecks.assertAcknowledgedStoredOnce(sent, store, "db");
				for (String probe : probeCorrelations) {
					long stored = store.stream().filter((event) -> event.event().correlationId().equals(probe)).count();
					assertThat(stored).as("events of probe %s, refused while the database was away", probe)
						.isEqualTo(probe.equals(retried) ? 1 : 0);
				}
				assertThat(schema.count("SELECT count(*) FROM event_hash_chain"))
					.as("every stored event has its hash-chain row, written in the same transaction")
					.isEqualTo(store.size());
				assertThat(schema.count("SELECT count(*) FROM domainevententry e JOIN event_hash_chain h "
						+ "ON h.event_id = e.eventidentifier"))
					.isEqualTo(store.size());
				assertThat(schema.count("SELECT count(*) FROM idempotency_keys WHERE response_status IS NULL"))
					.as("no idempotency key left claimed by a request that failed")
					.isZero();

				Delivery delivery;
				try (TopicReader topic = TopicReader.events(broker.bootstrapServers())) {
					delivery = FaultChecks.assertPublishedInOrder(store,
							topic.readUntil(FaultChecks.containsEvery(store), Duration.ofSeconds(120)));
				}
				Duration converged = FaultChecks.assertViewsConverge(service, schema, store, Duration.ofSeconds(120));

				probeMillis.sort(Long::compare);
				FaultReport.record(SCENARIO, "connections cut for %d s: %d probe commands of 5 kinds all answered 503 "
						+ "database_unavailable with Retry-After, median %d ms, slowest %d ms; queries meanwhile "
						+ "answered %s", OUTAGE.toSeconds(), probeMillis.size(),
						probeMillis.get(probeMillis.size() / 2), probeMillis.get(probeMillis.size() - 1),
						queryStatuses.stream().distinct().sorted().toList());
				FaultReport.record(SCENARIO,
						"2 clients across the cut: %s, %d answered 503 (slowest %d ms); "
								+ "%d connections refused by the proxy",
						tally, loadUnavailable, slowest503, proxy.refused());
				FaultReport.record(SCENARIO,
						"first command accepted %d ms after the database came back, same pid; "
								+ "%s; views converged in %s",
						recovery.toMillis(), delivery, FaultChecks.millis(converged));
			}
		}
	}

	/** Sends a command every 250 ms until one is accepted; answers how long that took. */
	private static Duration awaitRecovery(ApiClient owner, String organization, long restored) {
		for (int attempt = 0; attempt < 240; attempt++) {
			Answer answer = owner.withHeader("X-Correlation-Id", "recovery-" + attempt)
				.post(organization + "/workspaces", "{\"title\":\"Recovery " + attempt + "\"}");
			if (answer.status() == 201) {
				return Duration.ofNanos(System.nanoTime() - restored);
			}
			assertThat(answer.status()).as("while recovering: %s", answer).isEqualTo(503);
			ServiceProcess.sleep(Duration.ofMillis(250));
		}
		throw new AssertionError("No command was accepted within 60 s of the database coming back");
	}

	/**
	 * One command of each kind: a new organization, a workspace, an invitation, a Label
	 * Studio role change, an invitation accepted.
	 */
	private static List<Probe> probes(String organization, String invitation) {
		return List.of(new Probe(7001, "POST", "/api/organizations", "{\"name\":\"During the outage\"}"),
				new Probe(7001, "POST", organization + "/workspaces", "{\"title\":\"During the outage\"}"),
				new Probe(7001, "POST", organization + "/invitations", "{\"email\":\"during@outage.test\"}"),
				new Probe(7001, "PATCH", organization + "/memberships", "{\"user_id\":7001,\"role\":\"AD\"}"),
				new Probe(7003, "POST", "/api/invitations/" + invitation + "/accept",
						"{\"user_id\":7003,\"email\":\"later@outage.test\"}"));
	}

	private record Probe(long actor, String method, String path, String body) {
	}

}
