package io.membership.infra.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.events.InvitationRevoked;
import io.membership.events.InviteLinkReset;
import io.membership.events.MemberActivated;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.UserInvited;
import io.membership.events.WorkspaceCreated;
import io.membership.events.access.Action;
import io.membership.events.access.PermissionMatrix;
import io.membership.events.access.Role;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.json.MembershipJson;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.ConflictingCommand;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestDatabase;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * Hundreds of conflicting commands on one organization from many threads at once, through
 * HTTP: role changes, ownership transfers back and forth, deactivations and activations,
 * Owners trying to demote themselves, some with {@code If-Match}. Afterwards the stored
 * events are read straight from PostgreSQL and replayed through a checker written here,
 * independent of the aggregate, and matched with the answers each request got.
 */
@PostgresServiceTest
public class ConcurrentCommandsTest {

	private static final int THREADS = 12;

	private static final int REQUESTS_PER_THREAD = 25;

	@LocalServerPort
	int port;

	/** What one request was and what it was answered. */
	record Outcome(String request, long actor, String correlationId, Long ifMatch, int status, String code,
			Long version, String etag) {

		boolean accepted() {
			return this.status >= 200 && this.status < 300;
		}

	}

	/** One row of {@code domainevententry}. */
	public record StoredEvent(long sequenceNumber, MembershipEvent event) {
	}

	@Test
	@Timeout(value = 90, unit = TimeUnit.SECONDS)
	void conflicting_commands_in_parallel_keep_every_rule_and_leave_a_gapless_history() throws Exception {
		TestOrganization org = TestOrganization.create(this.port);
		Map<Long, ApiClient> clients = new LinkedHashMap<>();
		clients.put(org.ownerId(), org.owner());
		List<Long> owners = new ArrayList<>(List.of(org.ownerId()));
		for (int i = 0; i < 3; i++) {
			Member admin = org.join("AD");
			clients.put(admin.userId(), admin.client());
			owners.add(admin.userId());
		}
		List<Long> actors = new ArrayList<>(owners);
		Member manager = org.join("MA");
		clients.put(manager.userId(), manager.client());
		actors.add(manager.userId());
		for (String role : new String[] { "RE", "AN", "AN", null }) {
			Member member = org.join(role);
			clients.put(member.userId(), member.client());
		}
		List<Long> targets = new ArrayList<>(clients.keySet());
		long setupVersion = org.version();

		AtomicLong believedOwner = new AtomicLong(org.ownerId());
		Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int thread = t;
			workers.add(pool.submit(() -> {
				Random random = new Random(thread);
				long lastSeen = setupVersion;
				start.await();
				for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
					String correlationId = "concurrent-" + thread + "-" + i;
					Long ifMatch = (random.nextInt(5) == 0) ? lastSeen : null;
					Outcome outcome = sendOne(random, org, clients, owners, actors, targets, believedOwner,
							correlationId, ifMatch);
					if (outcome.accepted()) {
						lastSeen = Math.max(lastSeen, outcome.version());
					}
					outcomes.add(outcome);
				}
				return null;
			}));
		}
		start.countDown();
		for (Future<?> worker : workers) {
			worker.get(80, TimeUnit.SECONDS);
		}
		pool.shutdown();

		List<StoredEvent> history = storedEvents(org.id());

		assertGaplessSequence(history);
		InvariantChecker checker = new InvariantChecker();
		history.forEach(checker::apply);
		assertEveryAnswerMatchesTheStore(outcomes, history, setupVersion);
		assertTheRunWasContended(outcomes, history, setupVersion);

		Answer next = clients.get(checker.owner().value())
			.post(org.path() + "/workspaces", "{\"title\":\"After the storm\"}");
		assertThat(next.json().get("version").asLong())
			.as("the organization continues from the stored history: " + next)
			.isEqualTo(history.size() + 1);
	}

	/**
	 * The checker is only evidence if it fails on a broken history: an Annotator changing
	 * a role, someone changing the Owner's role, a transfer by a non-Owner.
	 */
	@Test
	void the_invariant_checker_refuses_histories_that_break_the_rules() {
		OrganizationId org = OrganizationId.generate();
		UserId owner = UserId.of(1);
		UserId annotator = UserId.of(2);
		UserId admin = UserId.of(3);
		Instant now = Instant.now();
		List<MembershipEvent> valid = List.of(
				new OrganizationCreated(org, "Checked", owner, "owner@checked.test", InviteLinkId.generate(), owner,
						now, "c0"),
				new MemberJoined(org, annotator, "an@checked.test", Role.ANNOTATOR, null, Set.of(), annotator, now,
						"c1"),
				new MemberJoined(org, admin, "ad@checked.test", Role.ADMINISTRATOR, null, Set.of(), admin, now, "c2"),
				new MemberRoleChanged(org, annotator, Role.ANNOTATOR, Role.REVIEWER, null, admin, now, "c3"),
				new OwnershipTransferred(org, owner, admin, Role.ADMINISTRATOR, owner, now, "c4"));
		replay(valid);

		List<MembershipEvent> prefix = valid.subList(0, 3);
		assertThatExceptionOfType(AssertionError.class).as("an Annotator changes a role")
			.isThrownBy(() -> replay(prefix,
					new MemberRoleChanged(org, admin, Role.ADMINISTRATOR, Role.MANAGER, null, annotator, now, "x")));
		assertThatExceptionOfType(AssertionError.class).as("an Administrator demotes the Owner")
			.isThrownBy(() -> replay(prefix,
					new MemberRoleChanged(org, owner, Role.OWNER, Role.ADMINISTRATOR, null, admin, now, "x")));
		assertThatExceptionOfType(AssertionError.class).as("an Administrator takes ownership")
			.isThrownBy(() -> replay(prefix,
					new OwnershipTransferred(org, owner, admin, Role.ADMINISTRATOR, admin, now, "x")));
	}

	private static void replay(List<MembershipEvent> events, MembershipEvent... more) {
		InvariantChecker checker = new InvariantChecker();
		List<MembershipEvent> all = new ArrayList<>(events);
		all.addAll(List.of(more));
		for (int i = 0; i < all.size(); i++) {
			checker.apply(new StoredEvent(i, all.get(i)));
		}
	}

	private static Outcome sendOne(Random random, TestOrganization org, Map<Long, ApiClient> clients, List<Long> owners,
			List<Long> actors, List<Long> targets, AtomicLong believedOwner, String correlationId, Long ifMatch) {
		ConflictingCommand command = ConflictingCommand.random(random, owners, actors, targets, believedOwner,
				correlationId);
		Answer answer = command.send(clients.get(command.actor()), org, correlationId, ifMatch, believedOwner);
		boolean accepted = ConflictingCommand.accepted(answer);
		String code = accepted ? null : answer.json().path("code").asString();
		Long version = accepted ? answer.json().get("version").asLong() : null;
		return new Outcome(command.describe(ifMatch), command.actor(), correlationId, ifMatch, answer.status(), code,
				version, answer.header("ETag"));
	}

	private static List<StoredEvent> storedEvents(String organizationId) throws Exception {
		List<StoredEvent> history = new ArrayList<>();
		try (Connection connection = TestDatabase.get().connect();
				PreparedStatement query = connection.prepareStatement("SELECT sequencenumber, payloadtype, payload "
						+ "FROM domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber")) {
			query.setString(1, organizationId);
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					Class<?> type = Class.forName(rows.getString("payloadtype"));
					MembershipEvent event = (MembershipEvent) MembershipJson.mapper()
						.readValue(rows.getBytes("payload"), type);
					history.add(new StoredEvent(rows.getLong("sequencenumber"), event));
				}
			}
		}
		return history;
	}

	/** (a) Sequence numbers 0..n-1, each once, no gap. */
	private static void assertGaplessSequence(List<StoredEvent> history) {
		assertThat(history).isNotEmpty();
		for (int i = 0; i < history.size(); i++) {
			assertThat(history.get(i).sequenceNumber()).as("sequence number of stored event #" + i).isEqualTo(i);
		}
	}

	/**
	 * (c) No request failed with 5xx; every accepted answer's version is the stored event
	 * its request recorded (matched by correlation id) or, for a no-op, a version the
	 * organization had; no refused request recorded anything; every event of the run
	 * belongs to exactly one accepted request.
	 */
	private static void assertEveryAnswerMatchesTheStore(Queue<Outcome> outcomes, List<StoredEvent> history,
			long setupVersion) {
		assertThat(outcomes).hasSize(THREADS * REQUESTS_PER_THREAD);
		assertThat(outcomes).as("no request may fail unexpectedly")
			.allSatisfy((outcome) -> assertThat(outcome.status()).as(outcome.toString()).isIn(200, 403, 409, 412));
		Map<String, List<StoredEvent>> byCorrelation = history.stream()
			.collect(Collectors.groupingBy((stored) -> stored.event().correlationId()));
		Map<String, Outcome> byRequest = outcomes.stream()
			.collect(Collectors.toMap(Outcome::correlationId, (outcome) -> outcome));
		long n = history.size();
		for (Outcome outcome : outcomes) {
			List<StoredEvent> recorded = byCorrelation.getOrDefault(outcome.correlationId(), List.of());
			if (!outcome.accepted()) {
				assertThat(recorded).as("a refused request stores nothing: " + outcome).isEmpty();
				if (outcome.status() == 412) {
					assertThat(outcome.ifMatch()).as(outcome.toString()).isNotNull();
				}
				continue;
			}
			long version = outcome.version();
			assertThat(outcome.etag()).as(outcome.toString()).isEqualTo("\"" + version + "\"");
			assertThat(version).as(outcome.toString()).isBetween(setupVersion, n);
			if (recorded.isEmpty()) {
				if (outcome.ifMatch() != null) {
					assertThat(version).as("a no-op answers the version it was decided at: " + outcome)
						.isEqualTo(outcome.ifMatch());
				}
			}
			else {
				assertThat(recorded).as(outcome.toString()).hasSize(1);
				assertThat(recorded.get(0).sequenceNumber()).as("the answered version is the stored event: " + outcome)
					.isEqualTo(version - 1);
				if (outcome.ifMatch() != null) {
					assertThat(version).as(outcome.toString()).isEqualTo(outcome.ifMatch() + 1);
				}
			}
		}
		for (StoredEvent stored : history.subList((int) setupVersion, history.size())) {
			Outcome outcome = byRequest.get(stored.event().correlationId());
			assertThat(outcome).as("event #" + stored.sequenceNumber() + " belongs to a request of the run")
				.isNotNull();
			assertThat(outcome.accepted()).as(outcome.toString()).isTrue();
		}
	}

	/**
	 * The run is only a test if the commands really conflicted: transfers, role changes,
	 * deactivations and activations were all stored, and refusals of every kind happened.
	 */
	private static void assertTheRunWasContended(Queue<Outcome> outcomes, List<StoredEvent> history,
			long setupVersion) {
		Set<String> storedTypes = history.subList((int) setupVersion, history.size())
			.stream()
			.map((stored) -> stored.event().typeName())
			.collect(Collectors.toSet());
		assertThat(storedTypes).contains("OwnershipTransferred", "MemberRoleChanged", "MemberDeactivated",
				"MemberActivated");
		Set<String> refusals = outcomes.stream()
			.filter((outcome) -> !outcome.accepted())
			.map(Outcome::code)
			.collect(Collectors.toSet());
		assertThat(refusals).contains("owner_role_immutable", "action_not_permitted", "version_mismatch");
	}

	/**
	 * Replays an organization's events and fails on the first one that breaks a rule of
	 * API.md: exactly one Owner after every event; every actor an active member whose
	 * role grants the action at that moment; only the Owner transfers ownership; only AD
	 * and OW change roles; nobody changes the Owner's role. Written from API.md and
	 * {@link PermissionMatrix}, not from the aggregate. Public so that the
	 * fault-injection suite replays the histories it provokes with it too.
	 */
	public static final class InvariantChecker {

		private final Map<UserId, Role> roles = new HashMap<>();

		private final Map<UserId, Set<WorkspaceId>> workspaces = new HashMap<>();

		private UserId owner;

		private MembershipEvent previous;

		public UserId owner() {
			return this.owner;
		}

		public void apply(StoredEvent stored) {
			MembershipEvent event = stored.event();
			String at = "event #" + stored.sequenceNumber() + " " + event;
			if (event instanceof OrganizationCreated created) {
				assertThat(stored.sequenceNumber()).as(at).isZero();
				assertThat(created.actorUserId()).as(at).isEqualTo(created.ownerUserId());
				this.owner = created.ownerUserId();
				join(created.ownerUserId(), Role.OWNER, Set.of(), at);
			}
			else {
				assertThat(this.owner).as("the organization exists before " + at).isNotNull();
				check(event, at);
			}
			long owners = this.roles.values().stream().filter((role) -> role == Role.OWNER).count();
			assertThat(owners).as("exactly one Owner after " + at).isEqualTo(1);
			assertThat(this.roles.get(this.owner)).as(at).isEqualTo(Role.OWNER);
			this.previous = event;
		}

		private void check(MembershipEvent event, String at) {
			if (event instanceof UserInvited || event instanceof InvitationRevoked
					|| event instanceof InviteLinkReset) {
				requirePermitted(event.actorUserId(), Action.INVITE_USERS, null, at);
			}
			else if (event instanceof MemberJoined joined) {
				assertThat(joined.role()).as(at).isNotEqualTo(Role.OWNER);
				join(joined.userId(), joined.role(), joined.workspaces(), at);
			}
			else if (event instanceof MemberActivated activated) {
				requirePermitted(activated.actorUserId(), Action.ASSIGN_USER_ROLES, null, at);
				Role from = requireRole(activated.userId(), activated.fromRole(), at);
				assertThat(from.isActive()).as("only NO or DI are activated: " + at).isFalse();
				assertThat(activated.toRole().isAssignable()).as(at).isTrue();
				this.roles.put(activated.userId(), activated.toRole());
			}
			else if (event instanceof MemberRoleChanged changed) {
				requirePermitted(changed.actorUserId(), Action.ASSIGN_USER_ROLES, null, at);
				Role from = requireRole(changed.userId(), changed.fromRole(), at);
				assertThat(from).as("nobody changes the Owner's role: " + at).isNotEqualTo(Role.OWNER);
				assertThat(from.isActive()).as(at).isTrue();
				assertThat(changed.toRole().isAssignable()).as(at).isTrue();
				assertThat(changed.toRole()).as(at).isNotEqualTo(from);
				this.roles.put(changed.userId(), changed.toRole());
			}
			else if (event instanceof MemberDeactivated deactivated) {
				requirePermitted(deactivated.actorUserId(), Action.ASSIGN_USER_ROLES, null, at);
				Role from = requireRole(deactivated.userId(), deactivated.fromRole(), at);
				assertThat(from).as("nobody deactivates the Owner: " + at).isNotEqualTo(Role.OWNER);
				assertThat(from).as(at).isNotEqualTo(Role.DEACTIVATED);
				this.roles.put(deactivated.userId(), Role.DEACTIVATED);
			}
			else if (event instanceof OwnershipTransferred transferred) {
				requireActive(transferred.actorUserId(), at);
				assertThat(transferred.actorUserId()).as("only the Owner transfers ownership: " + at)
					.isEqualTo(this.owner);
				assertThat(transferred.previousOwnerUserId()).as(at).isEqualTo(this.owner);
				Role from = requireRole(transferred.newOwnerUserId(), transferred.newOwnerPreviousRole(), at);
				assertThat(from.isActive()).as("ownership goes to an active member: " + at).isTrue();
				assertThat(from).as(at).isNotEqualTo(Role.OWNER);
				this.roles.put(this.owner, Role.ADMINISTRATOR);
				this.roles.put(transferred.newOwnerUserId(), Role.OWNER);
				this.owner = transferred.newOwnerUserId();
			}
			else if (event instanceof WorkspaceCreated created) {
				Role role = requireActive(created.actorUserId(), at);
				assertThat(PermissionMatrix.scopeOf(role, Action.WORKSPACE_MANAGE)).as(at).isPresent();
			}
			else if (event instanceof MemberAssignedToWorkspace assigned) {
				boolean managerJoinsOwnNewWorkspace = this.previous instanceof WorkspaceCreated created
						&& created.workspaceId().equals(assigned.workspaceId())
						&& assigned.userId().equals(assigned.actorUserId())
						&& created.actorUserId().equals(assigned.actorUserId());
				if (!managerJoinsOwnNewWorkspace) {
					requirePermitted(assigned.actorUserId(), Action.WORKSPACE_MANAGE, assigned.workspaceId(), at);
				}
				assertThat(requireActive(assigned.userId(), at).isActive()).as(at).isTrue();
				this.workspaces.get(assigned.userId()).add(assigned.workspaceId());
			}
			else if (event instanceof MemberRemovedFromWorkspace removed) {
				requirePermitted(removed.actorUserId(), Action.WORKSPACE_MANAGE, removed.workspaceId(), at);
				assertThat(this.roles).as(at).containsKey(removed.userId());
				this.workspaces.get(removed.userId()).remove(removed.workspaceId());
			}
			else {
				fail("the checker does not know " + at);
			}
		}

		private void join(UserId user, Role role, Set<WorkspaceId> assigned, String at) {
			assertThat(this.roles).as("a member joins once: " + at).doesNotContainKey(user);
			this.roles.put(user, role);
			this.workspaces.put(user, new HashSet<>(assigned));
		}

		/** The member's role as tracked, which the event must agree with. */
		private Role requireRole(UserId user, Role recorded, String at) {
			Role role = this.roles.get(user);
			assertThat(role).as("the subject is a member: " + at).isNotNull();
			assertThat(recorded).as("the event records the role the member had: " + at).isEqualTo(role);
			return role;
		}

		private Role requireActive(UserId user, String at) {
			Role role = this.roles.get(user);
			assertThat(role).as("the actor is a member: " + at).isNotNull();
			assertThat(role.isActive()).as("the actor is active (" + role + "): " + at).isTrue();
			return role;
		}

		private void requirePermitted(UserId actor, Action action, WorkspaceId workspace, String at) {
			Role role = requireActive(actor, at);
			assertThat(PermissionMatrix.decide(role, this.workspaces.get(actor), action, workspace).allowed())
				.as("%s may %s: %s", role, action.id(), at)
				.isTrue();
		}

	}

}
