package io.membership.infra.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.membership.infra.faults.FaultChecks.Delivery;
import io.membership.infra.faults.FaultSchema.StoredEvent;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TopicReader;
import io.membership.testkit.ServiceProcess;

/**
 * Case 10: the service is killed with SIGKILL while clients send 1,000-item bulk requests
 * (invitations, and membership changes), then started again on the same data directory
 * and schema. Each bulk request is stored in one transaction, so whatever became of it it
 * is in the store entirely (every accepted item, one event each) or not at all; the audit
 * chain and the topic agree with the store; a retry with the same {@code Idempotency-Key}
 * answers an acknowledged request exactly as it was answered, and stores nothing again.
 *
 * <p>
 * Every item of every request is one the organization accepts whatever the requests
 * before it did: invitations to addresses never used before, and membership changes that
 * take each of 100 members from {@code AN} to {@code RE} and back five times, so a
 * request always starts and ends with every member an Annotator. So "entirely" is 1,000
 * events for every request, answered or not.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class BulkKillFaultIT {

	private static final String SCENARIO = "kill -9 during bulk requests";

	private static final int ITEMS = 1000;

	private static final int MEMBERS = 100;

	/** Two clients of each kind, each in an organization of its own. */
	private static final int CLIENTS = 4;

	@Test
	@Timeout(value = 15, unit = TimeUnit.MINUTES)
	void a_bulk_request_in_flight_at_a_kill_is_stored_whole_or_not_at_all_and_an_answered_one_replays_the_same() {
		int kafkaPort = ServiceProcess.freePort();
		try (FaultSchema schema = FaultSchema.create("bulkkill");
				ServiceProcess service = FaultServices.builder("bulk-kill", schema)
					.embeddedKafka(kafkaPort)
					// An in-flight key is held this long after the kill: the retries
					// below must find it held, however slow the restart.
					.env("MEMBERSHIP_IDEMPOTENCY_ABANDONED_AFTER", "1h")
					.build()
					.start()) {
			List<Client> clients = new ArrayList<>();
			for (int number = 0; number < CLIENTS; number++) {
				clients.add(new Client(number, (number % 2 == 0) ? Kind.INVITATIONS : Kind.CHANGES, service));
			}
			clients.forEach(Client::prepare);

			Queue<BulkSent> sent = new ConcurrentLinkedQueue<>();
			AtomicInteger acknowledged = new AtomicInteger();
			AtomicLongArray inFlightSince = new AtomicLongArray(CLIENTS);
			AtomicLongArray lastNanos = new AtomicLongArray(CLIENTS);
			ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
			List<Future<?>> workers = new ArrayList<>();
			for (Client client : clients) {
				workers.add(pool.submit(() -> client.run(sent, acknowledged, inFlightSince, lastNanos)));
			}
			// Kill once some requests were answered (so there are answers to replay), at
			// least two are in flight, and one of them has taken nine tenths of what its
			// client's last request took: most likely in its commit, where a kill is
			// hardest on all or nothing.
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
			while (!(acknowledged.get() >= 2 * CLIENTS && inFlightLongerThan(inFlightSince, 200) >= 2
					&& nearTheirEnd(inFlightSince, lastNanos) >= 1)) {
				assertThat(System.nanoTime())
					.as("the bulk load got going: %d acknowledged, %s", acknowledged.get(), sent)
					.isLessThan(deadline);
				ServiceProcess.sleep(Duration.ofMillis(20));
			}
			service.kill();
			for (Future<?> worker : workers) {
				try {
					worker.get(60, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					throw new AssertionError("A bulk client failed", ex);
				}
			}
			pool.shutdownNow();
			List<BulkSent> requests = List.copyOf(sent);
			assertThat(requests).as("every answer before the kill was a 200 with every item accepted")
				.allSatisfy(
						(request) -> assertThat(request.unanswered() || request.acknowledged()).as(request.toString())
							.isTrue());
			List<BulkSent> unanswered = requests.stream().filter(BulkSent::unanswered).toList();
			assertThat(unanswered).as("requests in flight at the kill").isNotEmpty();

			service.start();

			// Each request entirely or not at all.
			List<StoredEvent> store = schema.events();
			FaultChecks.assertGapless(store);
			Map<String, List<StoredEvent>> byRequest = store.stream()
				.collect(Collectors.groupingBy((event) -> event.event().correlationId()));
			int unansweredStored = 0;
			for (BulkSent request : requests) {
				List<StoredEvent> events = byRequest.getOrDefault(request.correlationId(), List.of());
				if (request.acknowledged()) {
					assertThat(events).as("every item of the acknowledged %s", request).hasSize(ITEMS);
					assertThat(events.get(events.size() - 1).version()).as("the version %s answered", request)
						.isEqualTo(request.version());
				}
				else {
					assertThat(events.size()).as("all or nothing of %s", request).isIn(0, ITEMS);
					unansweredStored += (events.isEmpty() ? 0 : 1);
				}
				if (!events.isEmpty()) {
					assertThat(events).as("%s in one organization, at consecutive versions", request)
						.allSatisfy((event) -> assertThat(event.organizationId()).isEqualTo(request.organizationId()));
					assertThat(events.get(events.size() - 1).version() - events.get(0).version())
						.as("%s at consecutive versions", request)
						.isEqualTo(ITEMS - 1);
				}
			}

			// The audit chain agrees with the store: one link per event, in order.
			assertChainMatches(schema, store);

			// The topic agrees with the store.
			Delivery delivery;
			try (TopicReader topic = TopicReader.events("localhost:" + kafkaPort)) {
				delivery = FaultChecks.assertPublishedInOrder(store,
						topic.readUntil(FaultChecks.containsEvery(store), Duration.ofSeconds(180)));
			}

			// A retry with the same key: an answered request answers the same and stores
			// nothing. One in flight at the kill finds its key still held (claimed in a
			// transaction of its own before the command ran), and stores nothing; unless
			// the kill came before the claim was committed, and so before anything of the
			// request was decided: then the retry is its first run, and stores it whole.
			int retriesRun = 0;
			for (BulkSent request : requests) {
				Answer retry = clients.get(request.client()).retry(request);
				if (request.acknowledged()) {
					assertThat(retry.status()).as("the retry of %s: %s", request, retry).isEqualTo(200);
					assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
					assertThat(retry.text()).as("the retry of %s answers the same", request)
						.isEqualTo(request.answer());
				}
				else if (retry.status() == 200) {
					assertThat(byRequest.getOrDefault(request.correlationId(), List.of()))
						.as("a retry that ran is of a request that stored nothing before: %s", request)
						.isEmpty();
					retriesRun++;
				}
				else {
					assertThat(retry.status()).as("the retry of %s: %s", request, retry).isEqualTo(409);
					assertThat(retry.code()).isEqualTo("idempotency_key_in_progress");
				}
			}
			List<StoredEvent> afterRetries = schema.events();
			assertThat(afterRetries).as("the retries stored nothing but the %d that ran for the first time", retriesRun)
				.hasSize(store.size() + retriesRun * ITEMS);
			store = afterRetries;

			Duration converged = FaultChecks.assertViewsConverge(service, schema, store, Duration.ofSeconds(180));

			FaultReport.record(SCENARIO,
					"%d bulk requests of %d items by %d clients: %d acknowledged, %d in flight at the kill (%d of them "
							+ "stored whole, %d not at all, none in part); %d retries of those ran for the first time",
					requests.size(), ITEMS, CLIENTS, requests.size() - unanswered.size(), unanswered.size(),
					unansweredStored, unanswered.size() - unansweredStored, retriesRun);
			FaultReport.record(SCENARIO,
					"after the restart: %s; a chain of as many links, equal to the store; every acknowledged request's "
							+ "retry answered the same, the others' held (409) or run for the first time",
					delivery);
			FaultReport.record(SCENARIO, "views converged %s after the checks began", FaultChecks.millis(converged));
		}
	}

	private static int inFlightLongerThan(AtomicLongArray inFlightSince, long millis) {
		int count = 0;
		long now = System.nanoTime();
		for (int i = 0; i < inFlightSince.length(); i++) {
			long since = inFlightSince.get(i);
			if (since != 0 && now - since > TimeUnit.MILLISECONDS.toNanos(millis)) {
				count++;
			}
		}
		return count;
	}

	private static int nearTheirEnd(AtomicLongArray inFlightSince, AtomicLongArray lastNanos) {
		int count = 0;
		long now = System.nanoTime();
		for (int i = 0; i < inFlightSince.length(); i++) {
			long since = inFlightSince.get(i);
			long last = lastNanos.get(i);
			if (since != 0 && last > 0 && now - since > last * 9 / 10) {
				count++;
			}
		}
		return count;
	}

	private static void assertChainMatches(FaultSchema schema, List<StoredEvent> store) {
		List<String[]> links = schema.query(
				"SELECT organization_id, version, event_id, prev_hash, hash FROM event_hash_chain "
						+ "ORDER BY organization_id, version",
				(row) -> new String[] { row.getString(1), Long.toString(row.getLong(2)), row.getString(3),
						row.getString(4), row.getString(5) });
		assertThat(links).as("one link per stored event").hasSize(store.size());
		Map<String, List<StoredEvent>> byOrganization = FaultChecks.byOrganization(store);
		Map<String, List<String[]>> linksByOrganization = links.stream()
			.collect(Collectors.groupingBy((link) -> link[0]));
		byOrganization.forEach((organization, events) -> {
			List<String[]> chain = linksByOrganization.getOrDefault(organization, List.of());
			assertThat(chain).as("the chain of %s", organization).hasSize(events.size());
			String previous = "0".repeat(64);
			for (int i = 0; i < events.size(); i++) {
				String[] link = chain.get(i);
				assertThat(Long.parseLong(link[1])).as("link %d of %s", i, organization)
					.isEqualTo(events.get(i).version());
				assertThat(link[2]).as("the event of link %d of %s", i, organization)
					.isEqualTo(events.get(i).eventId());
				assertThat(link[3]).as("link %d of %s follows the one before", i, organization).isEqualTo(previous);
				previous = link[4];
			}
		});
	}

	private enum Kind {

		INVITATIONS, CHANGES

	}

	/** One bulk request and what became of it: status -1 when no answer came. */
	private record BulkSent(int client, String correlationId, String organizationId, String path, String body,
			int status, long version, String answer, String error) {

		boolean acknowledged() {
			return this.status == 200;
		}

		boolean unanswered() {
			return this.status < 0;
		}

		@Override
		public String toString() {
			return "bulk " + this.correlationId + " in " + this.organizationId + " -> "
					+ (unanswered() ? "no answer (" + this.error + ")" : this.status + " v" + this.version);
		}

	}

	/**
	 * An Owner with an organization of their own, sending one 1,000-item request after
	 * another, each with an Idempotency-Key and a correlation id of its own, until the
	 * service dies.
	 */
	private static final class Client {

		private final int number;

		private final Kind kind;

		private final ServiceProcess service;

		private final long ownerId;

		private String organization;

		private int request;

		Client(int number, Kind kind, ServiceProcess service) {
			this.number = number;
			this.kind = kind;
			this.service = service;
			this.ownerId = 7_000_000L + number * 10_000L;
		}

		private ApiClient owner() {
			return ApiClient.as(this.service.port(), this.ownerId);
		}

		/** The organization, and for membership changes its 100 Annotators. */
		void prepare() {
			Answer created = owner().post("/api/organizations", "{\"name\":\"Bulk client " + this.number + "\"}");
			assertThat(created.status()).as(created.toString()).isEqualTo(201);
			this.organization = created.json().get("organization_id").asString();
			if (this.kind != Kind.CHANGES) {
				return;
			}
			List<String> invitations = new ArrayList<>();
			for (int i = 1; i <= MEMBERS; i++) {
				invitations.add("{\"email\":\"" + email(i) + "\",\"role\":\"AN\"}");
			}
			Answer invited = owner().post(path() + "/invitations/bulk",
					"{\"invitations\":[" + String.join(",", invitations) + "]}");
			assertThat(invited.status()).as(invited.toString()).isEqualTo(200);
			for (int i = 1; i <= MEMBERS; i++) {
				long user = this.ownerId + i;
				Answer joined = ApiClient.as(this.service.port(), user)
					.post("/api/invitations/" + invited.json().get("results").get(i - 1).get("token").asString()
							+ "/accept", "{\"user_id\":" + user + ",\"email\":\"" + email(i) + "\"}");
				assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
			}
		}

		private String email(int member) {
			return "member" + member + "-of-" + this.number + "@bulk-kill.test";
		}

		private String path() {
			return "/api/organizations/" + this.organization;
		}

		void run(Queue<BulkSent> sent, AtomicInteger acknowledged, AtomicLongArray inFlightSince,
				AtomicLongArray lastNanos) {
			while (true) {
				String correlationId = "bulkkill-" + this.number + "-" + this.request;
				String path = path() + ((this.kind == Kind.INVITATIONS) ? "/invitations/bulk" : "/memberships/bulk");
				String body = (this.kind == Kind.INVITATIONS) ? invitations() : changes();
				this.request++;
				long started = System.nanoTime();
				inFlightSince.set(this.number, started);
				BulkSent outcome;
				try {
					Answer answer = owner().withHeader("X-Correlation-Id", correlationId)
						.withHeader("Idempotency-Key", correlationId)
						.post(path, body);
					long version = (answer.status() == 200) ? answer.json().path("version").asLong() : -1;
					if (answer.status() == 200) {
						assertThat(answer.json().path("results").findValues("status"))
							.as("every item of %s accepted", correlationId)
							.allSatisfy((status) -> assertThat(status.asInt()).isBetween(200, 201));
					}
					outcome = new BulkSent(this.number, correlationId, this.organization, path, body, answer.status(),
							version, answer.text(), null);
				}
				catch (RuntimeException broken) {
					outcome = new BulkSent(this.number, correlationId, this.organization, path, body, -1, -1, null,
							String.valueOf(broken));
				}
				finally {
					inFlightSince.set(this.number, 0);
				}
				sent.add(outcome);
				if (outcome.unanswered()) {
					return;
				}
				lastNanos.set(this.number, System.nanoTime() - started);
				acknowledged.incrementAndGet();
			}
		}

		/** 1,000 addresses never invited before. */
		private String invitations() {
			List<String> items = new ArrayList<>(ITEMS);
			for (int i = 0; i < ITEMS; i++) {
				items.add("{\"email\":\"r" + this.request + "-i" + i + "-of-" + this.number
						+ "@bulk-kill.test\",\"role\":\"AN\"}");
			}
			return "{\"invitations\":[" + String.join(",", items) + "]}";
		}

		/** Each member to RE and back to AN five times: 1,000 changes, each a change. */
		private String changes() {
			List<String> items = new ArrayList<>(ITEMS);
			for (int i = 0; i < ITEMS; i++) {
				long member = this.ownerId + 1 + (i % MEMBERS);
				String role = ((i / MEMBERS) % 2 == 0) ? "RE" : "AN";
				items.add("{\"user_id\":" + member + ",\"role\":\"" + role + "\"}");
			}
			return "{\"changes\":[" + String.join(",", items) + "]}";
		}

		/** The same request again, with the same key, as the same caller. */
		Answer retry(BulkSent request) {
			return owner().withHeader("X-Correlation-Id", request.correlationId())
				.withHeader("Idempotency-Key", request.correlationId())
				.post(request.path(), request.body());
		}

	}

}
