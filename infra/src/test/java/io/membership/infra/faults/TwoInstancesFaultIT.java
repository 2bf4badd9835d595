package io.membership.infra.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.membership.audit.verify.AuditVerifier;
import io.membership.infra.concurrency.ConcurrentCommandsTest.InvariantChecker;
import io.membership.infra.faults.CommandLoad.Sent;
import io.membership.infra.faults.FaultChecks.Delivery;
import io.membership.infra.faults.FaultChecks.Tally;
import io.membership.infra.faults.FaultSchema.StoredEvent;
import io.membership.infra.kafka.EmbeddedKafkaBroker;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.ConflictingCommand;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TopicReader;
import io.membership.testkit.ServiceProcess;

/**
 * Two instances of the service on the same PostgreSQL schema and the same Kafka, as
 * production scales it. Case 5: many clients send conflicting commands about one
 * organization to both instances at once. Case 4 (last, since it kills one): the instance
 * that publishes is killed, and the other must take over publishing within the claim
 * timeout, with nothing lost and its views identical to the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TwoInstancesFaultIT {

	private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Axon's default interval at which a pooled processor looks for unclaimed segments.
	 */
	private static final Duration TOKEN_CLAIM_INTERVAL = Duration.ofSeconds(5);

	private static final int CLIENTS = 12;

	private static final int REQUESTS_PER_CLIENT = 30;

	private FaultSchema schema;

	private EmbeddedKafkaBroker broker;

	private ServiceProcess a;

	private ServiceProcess b;

	@BeforeAll
	void startTwoInstances() {
		this.schema = FaultSchema.create("two");
		this.broker = new EmbeddedKafkaBroker(0,
				FaultServices.directory().resolve("two-instances-broker-" + System.currentTimeMillis()));
		this.broker.start();
		// A first, so that it claims every segment of the publisher and B has to take
		// them over.
		this.a = instance("instance-a").start();
		this.b = instance("instance-b").start();
	}

	private ServiceProcess instance(String name) {
		return FaultServices.builder(name, this.schema)
			.externalKafka(this.broker.bootstrapServers())
			.env("MEMBERSHIP_QUERY_CONSUMER_NAME", name)
			.env("MEMBERSHIP_PROCESSORS_CLAIM_TIMEOUT", CLAIM_TIMEOUT.toSeconds() + "s")
			.build();
	}

	@AfterAll
	void stopEverything() {
		for (AutoCloseable resource : new AutoCloseable[] { this.b, this.a, this.broker, this.schema }) {
			try {
				if (resource != null) {
					resource.close();
				}
			}
			catch (Exception ex) {
				// Everything else still gets closed.
			}
		}
	}

	/** What one request was and what it was answered. */
	record Outcome(String request, String instance, String correlationId, Long ifMatch, int status, String code,
			Long version) {

		boolean accepted() {
			return this.status >= 200 && this.status < 300;
		}

	}

	@Test
	@Order(1)
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void conflicting_commands_from_many_clients_on_both_instances_keep_one_owner_and_a_valid_serial_history()
			throws Exception {
		TestOrganization org = TestOrganization.create(this.a.port());
		List<Long> owners = new ArrayList<>(List.of(org.ownerId()));
		List<Long> members = new ArrayList<>(List.of(org.ownerId()));
		for (int i = 0; i < 3; i++) {
			long admin = org.join("AD").userId();
			owners.add(admin);
			members.add(admin);
		}
		List<Long> actors = new ArrayList<>(owners);
		long manager = org.join("MA").userId();
		actors.add(manager);
		members.add(manager);
		for (String role : new String[] { "RE", "AN", "AN", null }) {
			members.add(org.join(role).userId());
		}
		long setupVersion = org.version();

		AtomicLong believedOwner = new AtomicLong(org.ownerId());
		Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
		List<Future<?>> clients = new ArrayList<>();
		for (int c = 0; c < CLIENTS; c++) {
			int client = c;
			clients.add(pool.submit(() -> {
				Random random = new Random(client);
				long lastSeen = setupVersion;
				start.await();
				for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
					Long ifMatch = (random.nextInt(5) == 0) ? lastSeen : null;
					ServiceProcess instance = random.nextBoolean() ? this.a : this.b;
					Outcome outcome = sendOne(random, instance, org, owners, actors, members, believedOwner,
							"conflict-" + client + "-" + i, ifMatch);
					if (outcome.accepted()) {
						lastSeen = Math.max(lastSeen, outcome.version());
					}
					outcomes.add(outcome);
				}
				return null;
			}));
		}
		start.countDown();
		for (Future<?> client : clients) {
			client.get(4, TimeUnit.MINUTES);
		}
		pool.shutdown();

		List<StoredEvent> store = this.schema.events()
			.stream()
			.filter((event) -> event.organizationId().equals(org.id()))
			.toList();
		FaultChecks.assertGapless(store);
		InvariantChecker checker = new InvariantChecker();
		store.forEach((event) -> checker.apply(new io.membership.infra.concurrency.ConcurrentCommandsTest.StoredEvent(
				event.sequenceNumber(), event.event())));

		assertThat(outcomes).hasSize(CLIENTS * REQUESTS_PER_CLIENT);
		assertThat(outcomes).as("no request failed on the service's side")
			.allSatisfy((outcome) -> assertThat(outcome.status()).as(outcome.toString()).isIn(200, 403, 409, 412));
		Map<String, List<StoredEvent>> byCorrelation = store.stream()
			.collect(Collectors.groupingBy((event) -> event.event().correlationId()));
		for (Outcome outcome : outcomes) {
			List<StoredEvent> recorded = byCorrelation.getOrDefault(outcome.correlationId(), List.of());
			if (!outcome.accepted()) {
				assertThat(recorded).as("a refused request stores nothing: %s", outcome).isEmpty();
			}
			else if (!recorded.isEmpty()) {
				assertThat(recorded).as(outcome.toString()).hasSize(1);
				assertThat(recorded.get(0).version()).as("the answered version is the stored event: %s", outcome)
					.isEqualTo(outcome.version());
			}
		}
		Map<String, Outcome> byRequest = outcomes.stream()
			.collect(Collectors.toMap(Outcome::correlationId, (outcome) -> outcome));
		for (StoredEvent event : store.subList((int) setupVersion, store.size())) {
			Outcome outcome = byRequest.get(event.event().correlationId());
			assertThat(outcome).as("%s belongs to an accepted request", event).isNotNull();
			assertThat(outcome.accepted()).as(outcome.toString()).isTrue();
		}
		Map<String, Long> acceptedByInstance = outcomes.stream()
			.filter(Outcome::accepted)
			.collect(Collectors.groupingBy(Outcome::instance, TreeMap::new, Collectors.counting()));
		assertThat(acceptedByInstance).as("both instances decided commands").containsKeys("instance-a", "instance-b");
		Map<String, Long> refusals = outcomes.stream()
			.filter((outcome) -> !outcome.accepted())
			.collect(Collectors.groupingBy(Outcome::code, TreeMap::new, Collectors.counting()));
		assertThat(refusals).as("the commands really conflicted")
			.containsKeys("owner_role_immutable", "version_mismatch");
		long transfers = store.stream()
			.filter((event) -> event.event().typeName().equals("OwnershipTransferred"))
			.count();

		Duration convergedA = FaultChecks.assertViewsConverge(this.a, this.schema, store, Duration.ofSeconds(60));
		Duration convergedB = FaultChecks.assertViewsConverge(this.b, this.schema, store, Duration.ofSeconds(60));
		String verified = assertChainVerifies(org);

		String scenario = "conflicting clients";
		FaultReport.record(scenario,
				"%d clients sent %d commands about one organization, each to either of two "
						+ "instances: %d stored events (%d ownership transfers), accepted per instance %s, refusals %s",
				CLIENTS, outcomes.size(), store.size() - setupVersion, transfers, acceptedByInstance, refusals);
		FaultReport.record(scenario,
				"the history replayed through the rules with exactly one Owner after each of "
						+ "its %d events (last Owner %s); views of both instances equal to the store (%s, %s)",
				store.size(), checker.owner(), FaultChecks.millis(convergedA), FaultChecks.millis(convergedB));
		FaultReport.record(scenario, "the audit chain both instances appended to, exported and verified offline: %s",
				verified);
	}

	/**
	 * Both instances appended to the organization's hash chain, each from its own cached
	 * head: its audit export, taken from either instance, must verify offline.
	 */
	private String assertChainVerifies(TestOrganization org) throws IOException {
		List<String> results = new ArrayList<>();
		for (ServiceProcess instance : List.of(this.a, this.b)) {
			Answer export = ApiClient.anonymous(instance.port())
				.withToken(ApiClient.token("900001", "membership:audit", Instant.now().plusSeconds(600),
						ApiClient.TEST_SECRET))
				.get(org.path() + "/audit/events");
			assertThat(export.status()).as(export.toString()).isEqualTo(200);
			Path file = FaultServices.directory().resolve("two-instances-export-" + instance.name() + ".ndjson");
			Files.writeString(file, export.text(), StandardCharsets.UTF_8);
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			int status = AuditVerifier.run(new String[] { "--events", file.toString() },
					new PrintStream(out, true, StandardCharsets.UTF_8),
					new PrintStream(out, true, StandardCharsets.UTF_8));
			assertThat(status)
				.as("the verifier on %s's export: %s", instance.name(), out.toString(StandardCharsets.UTF_8))
				.isZero();
			results.add(instance.name() + ": " + export.text().lines().count() + " events, exit 0");
		}
		return String.join(", ", results);
	}

	/**
	 * Case 5, removals: round after round, a member is removed on one instance while, on
	 * the other, their role is changed, they are added to a project and assigned to
	 * another workspace, all at once (each round swaps the instances). Each instance may
	 * hold the organization cached as it was before the other's event; whichever stores
	 * second decides again on the stored history. Afterwards the removal is each member's
	 * last event, every other command about them was accepted before it or refused as
	 * about no member (storing nothing), and both instances' views, the roles topic and
	 * the audit chain agree with the store.
	 */
	@Test
	@Order(2)
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void a_member_removed_on_one_instance_while_the_other_changes_them_is_removed_last() throws Exception {
		int rounds = 12;
		TestOrganization org = TestOrganization.create(this.a.port());
		long admin = org.join("AD").userId();
		String workspace = org.createWorkspace("Images");
		String other = org.createWorkspace("Audio");
		org.recorded(org.owner()
			.send("PUT", org.path() + "/projects/cats", "{\"workspace_id\":\"" + workspace + "\",\"title\":\"Cats\"}"));
		List<Long> victims = new ArrayList<>();
		for (int round = 0; round < rounds; round++) {
			long victim = org.join("AN").userId();
			org.recorded(org.owner()
				.post(org.path() + "/workspaces/" + workspace + "/memberships", "{\"user_id\":" + victim + "}"));
			victims.add(victim);
		}
		long setupVersion = org.version();

		List<Outcome> outcomes = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			for (int round = 0; round < rounds; round++) {
				long victim = victims.get(round);
				ServiceProcess remover = (round % 2 == 0) ? this.a : this.b;
				ServiceProcess changer = (remover == this.a) ? this.b : this.a;
				String member = org.path() + "/memberships/" + victim;
				List<RacingRequest> requests = List.of(
						new RacingRequest("removes", remover, admin, "DELETE", member, null),
						new RacingRequest("changes the role", changer, org.ownerId(), "POST", member + "/role",
								"{\"role\":\"RE\"}"),
						new RacingRequest("adds to the project", changer, org.ownerId(), "POST",
								org.path() + "/projects/cats/members", "{\"user_id\":" + victim + ",\"role\":\"AN\"}"),
						new RacingRequest("assigns to another workspace", changer, admin, "POST",
								org.path() + "/workspaces/" + other + "/memberships", "{\"user_id\":" + victim + "}"));
				CountDownLatch start = new CountDownLatch(1);
				List<Future<Outcome>> sent = new ArrayList<>();
				for (RacingRequest request : requests) {
					String correlationId = "removal-" + round + "-" + request.what().replace(' ', '-');
					ServiceProcess instance = request.instance();
					sent.add(pool.submit(() -> {
						start.await();
						Answer answer = ApiClient.as(instance.port(), request.actor())
							.withHeader("X-Correlation-Id", correlationId)
							.send(request.method(), request.path(), request.body());
						boolean accepted = answer.status() >= 200 && answer.status() < 300;
						return new Outcome(victim + " " + request.what(), instance.name(), correlationId, null,
								answer.status(), accepted ? null : answer.code(),
								accepted ? answer.json().get("version").asLong() : null);
					}));
				}
				start.countDown();
				for (Future<Outcome> outcome : sent) {
					outcomes.add(outcome.get(60, TimeUnit.SECONDS));
				}
			}
		}
		finally {
			pool.shutdownNow();
		}

		List<StoredEvent> store = this.schema.events()
			.stream()
			.filter((event) -> event.organizationId().equals(org.id()))
			.toList();

		FaultChecks.assertGapless(store);
		Map<String, List<StoredEvent>> byCorrelation = store.stream()
			.collect(Collectors.groupingBy((event) -> event.event().correlationId()));

		for (Outcome outcome : outcomes) {
			List<StoredEvent> recorded = byCorrelation.getOrDefault(outcome.correlationId(), List.of());
			if (outcome.request().endsWith("removes")) {
				assertThat(outcome.status()).as("every removal is accepted: %s", outcome).isEqualTo(200);
			}
			if (!outcome.accepted()) {
				assertThat(outcome.status()).as(outcome.toString()).isEqualTo(404);
				assertThat(outcome.code()).as(outcome.toString()).isEqualTo("member_not_found");
				assertThat(recorded).as("a refused request stores nothing: %s", outcome).isEmpty();
				continue;
			}
			assertThat(recorded).as(outcome.toString()).hasSize(1);
			assertThat(recorded.get(0).version()).as("the answered version is the stored event: %s", outcome)
				.isEqualTo(outcome.version());

		}
		for (long victim : victims) {
			List<StoredEvent> about = store.stream()
				.filter((event) -> event.event().subject().map((user) -> user.value() == victim).orElse(false))
				.toList();
			assertThat(about).as("events about %d", victim).isNotEmpty();
			assertThat(about.get(about.size() - 1).event().typeName()).as("the last event about %d: %s", victim, about)
				.isEqualTo("MemberRemoved");
			assertThat(about.stream().filter((event) -> event.event().typeName().equals("MemberRemoved"))).hasSize(1);
		}
		List<Outcome> others = outcomes.stream().filter((outcome) -> !outcome.request().endsWith("removes")).toList();

		long decidedBefore = others.stream().filter(Outcome::accepted).count();

		long refusedAfter = others.size() - decidedBefore;

		assertThat(decidedBefore).as("some commands were decided before the removal: %s", outcomes).isPositive();
		assertThat(refusedAfter).as("some commands were decided after the removal: %s", outcomes).isPositive();
		Map<String, Long> acceptedByInstance = outcomes.stream()
			.filter(Outcome::accepted)
			.collect(Collectors.groupingBy(Outcome::instance, TreeMap::new, Collectors.counting()));
		assertThat(acceptedByInstance).as("both instances decided commands").containsKeys("instance-a", "instance-b");

		Duration convergedA = FaultChecks.assertViewsConverge(this.a, this.schema, store, Duration.ofSeconds(60));
		Duration convergedB = FaultChecks.assertViewsConverge(this.b, this.schema, store, Duration.ofSeconds(60));
		for (ServiceProcess instance : List.of(this.a, this.b)) {
			Answer list = ApiClient.as(instance.port(), org.ownerId())
				.get(org.path() + "/memberships?page_size=100&min_version=" + store.size());
			assertThat(list.status()).as(list.toString()).isEqualTo(200);
			List<Long> listed = new ArrayList<>();
			list.json().path("results").forEach((listedMember) -> listed.add(listedMember.path("user_id").asLong()));
			assertThat(listed).as("%s lists no removed member", instance.name()).doesNotContainAnyElementsOf(victims);
		}
		Set<String> keys = victims.stream().map((victim) -> org.id() + ":" + victim).collect(Collectors.toSet());
		try (TopicReader roles = TopicReader.fromBeginning(this.broker.bootstrapServers(),
				io.membership.topics.MembershipTopics.ROLES)) {
			List<ConsumerRecord<String, byte[]>> read = roles.readUntil(
					(records) -> keys.stream().allMatch((key) -> TopicReader.latestIsTombstone(records, key)),
					Duration.ofSeconds(60));
			assertThat(keys).as("each removed member's latest record on the roles topic is a tombstone")
				.allMatch((key) -> TopicReader.latestIsTombstone(read, key));
		}
		String verified = assertChainVerifies(org);

		String scenario = "removals across instances";
		FaultReport.record(scenario,
				"%d members each removed on one instance while the other changed their role, added them to a "
						+ "project and assigned them to a workspace: %d stored events, %d of those commands decided "
						+ "before the removal and %d refused after it (404, nothing stored), accepted per instance %s",
				rounds, store.size() - setupVersion, decidedBefore, refusedAfter, acceptedByInstance);
		FaultReport.record(scenario,
				"each removal is its member's last event; views of both instances equal to the store (%s, %s); "
						+ "the roles topic ends each removed member with a tombstone; the chain verified: %s",
				FaultChecks.millis(convergedA), FaultChecks.millis(convergedB), verified);
	}

	/** One of a round's requests: what it does, to which instance, as whom. */
	private record RacingRequest(String what, ServiceProcess instance, long actor, String method, String path,
			String body) {
	}

	private static Outcome sendOne(Random random, ServiceProcess instance, TestOrganization org, List<Long> owners,
			List<Long> actors, List<Long> members, AtomicLong believedOwner, String correlationId, Long ifMatch) {
		ConflictingCommand command = ConflictingCommand.random(random, owners, actors, members, believedOwner,
				correlationId);
		Answer answer = command.send(ApiClient.as(instance.port(), command.actor()), org, correlationId, ifMatch,
				believedOwner);
		boolean accepted = ConflictingCommand.accepted(answer);
		String code = accepted ? null : answer.json().path("code").asString();
		Long version = accepted ? answer.json().get("version").asLong() : null;
		return new Outcome(command.describe(ifMatch), instance.name(), correlationId, ifMatch, answer.status(), code,
				version);
	}

	@Test
	@Order(3)
	@Timeout(value = 6, unit = TimeUnit.MINUTES)
	void when_the_publishing_instance_is_killed_the_other_takes_over_within_the_claim_timeout_and_loses_nothing() {
		// The victim is the instance holding most of the publisher's segments (usually A,
		// which started first, holds them all); the survivor must take those over.
		Map<Integer, String> owners = publisherTokenOwners();
		ServiceProcess victim = (owners.values().stream().filter(this::ownedByA).count() * 2 >= owners.size()) ? this.a
				: this.b;
		ServiceProcess survivor = (victim == this.a) ? this.b : this.a;
		Set<Integer> victimSegments = owners.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().startsWith(victim.pid() + "@"))
			.map(Map.Entry::getKey)
			.collect(Collectors.toSet());
		assertThat(victimSegments).as("the instance to kill publishes some segments: %s", owners).isNotEmpty();

		AtomicBoolean victimAlive = new AtomicBoolean(true);
		List<Sent> sent;
		Duration takeover = null;
		try (TopicReader topic = TopicReader.events(this.broker.bootstrapServers());
				CommandLoad load = new CommandLoad("takeover", 4,
						(client) -> (victimAlive.get() && client % 2 == 0) ? victim.port() : survivor.port(),
						Duration.ofMillis(20))) {
			load.start();
			assertThat(load.awaitAcknowledged(80, Duration.ofSeconds(120))).isTrue();
			long storedBeforeKill = this.schema.count("SELECT coalesce(max(globalindex), 0) FROM domainevententry");
			victim.kill();
			long killed = System.nanoTime();
			victimAlive.set(false);
			while (System.nanoTime() - killed < Duration.ofSeconds(90).toNanos()) {
				// Events stored after the kill in the segments only the victim published.
				Set<String> waiting = new HashSet<>(this.schema.query(
						"SELECT eventidentifier, aggregateidentifier FROM domainevententry WHERE globalindex > ?",
						(row) -> victimSegments.contains(segmentOf(row.getString(2), owners.size())) ? row.getString(1)
								: "",
						storedBeforeKill));
				waiting.remove("");
				Predicate<ConsumerRecord<String, byte[]>> awaited = (record) -> waiting
					.contains(TopicReader.header(record, "ce_id"));
				List<ConsumerRecord<String, byte[]>> read = topic
					.readUntil((records) -> records.stream().anyMatch(awaited), Duration.ofMillis(250));
				if (read.stream().anyMatch(awaited)) {
					takeover = Duration.ofNanos(System.nanoTime() - killed);
					break;
				}
			}
			load.awaitAcknowledged(load.acknowledged() + 40, Duration.ofSeconds(60));
			sent = load.stop();
		}
		assertThat(takeover).as("the survivor published an event of the victim's segments stored after the kill")
			.isNotNull();
		assertThat(takeover)
			.as("takeover within the claim timeout plus one claim interval (and room for a busy " + "machine)")
			.isLessThan(CLAIM_TIMEOUT.plus(TOKEN_CLAIM_INTERVAL).plusSeconds(10));
		String survivorPid = survivor.pid() + "@";
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (!publisherTokenOwners().values().stream().allMatch((owner) -> owner.startsWith(survivorPid))
				&& System.nanoTime() < deadline) {
			ServiceProcess.sleep(Duration.ofMillis(500));
		}
		assertThat(publisherTokenOwners().values()).as("the survivor holds every segment")
			.allSatisfy((owner) -> assertThat(owner).startsWith(survivorPid));

		List<StoredEvent> store = this.schema.events();
		FaultChecks.assertGapless(store);
		Tally tally = FaultChecks.assertAcknowledgedStoredOnce(sent, store, "takeover");
		Delivery delivery;
		try (TopicReader topic = TopicReader.events(this.broker.bootstrapServers())) {
			delivery = FaultChecks.assertPublishedInOrder(store,
					topic.readUntil(FaultChecks.containsEvery(store), Duration.ofSeconds(120)));
		}
		Duration converged = FaultChecks.assertViewsConverge(survivor, this.schema, store, Duration.ofSeconds(60));

		FaultReport.record("two instances, one killed",
				"claim timeout %d s: %s held %d of %d publisher segments "
						+ "and was killed; %s published the first event of those segments stored after the kill %d ms "
						+ "later; %s; %s; the survivor's views equal to the store (%s)",
				CLAIM_TIMEOUT.toSeconds(), victim.name(), victimSegments.size(), owners.size(), survivor.name(),
				takeover.toMillis(), tally, delivery, FaultChecks.millis(converged));
	}

	private boolean ownedByA(String owner) {
		return owner.startsWith(this.a.pid() + "@");
	}

	/**
	 * The publisher's segment of an organization: Axon sequences the publisher's events
	 * per aggregate, and a segment of {@code count} matches the identifier's hash code
	 * under the mask {@code count - 1}.
	 */
	private static int segmentOf(String organizationId, int count) {
		return organizationId.hashCode() & (count - 1);
	}

	private Map<Integer, String> publisherTokenOwners() {
		Map<Integer, String> owners = new TreeMap<>();
		this.schema.query("SELECT segment, owner FROM tokenentry WHERE processorname = 'kafka-publisher'",
				(row) -> owners.put(row.getInt(1), String.valueOf(row.getString(2))));
		return owners;
	}

}
