package io.membership.infra.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import tools.jackson.databind.JsonNode;

import io.membership.events.access.AccessDecision;
import io.membership.events.access.Action;
import io.membership.events.access.PermissionMatrix;
import io.membership.events.access.Role;
import io.membership.events.access.Scope;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.state.MemberState;
import io.membership.events.state.MemberStates;
import io.membership.infra.faults.CommandLoad.Sent;
import io.membership.infra.faults.FaultSchema.StoredEvent;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TopicReader;
import io.membership.testkit.ServiceProcess;

/**
 * What every fault scenario checks afterwards, each from the outside: the event store
 * read with SQL, the topic read as a subscriber, the query API asked over HTTP.
 */
final class FaultChecks {

	private FaultChecks() {
	}

	/** Each organization's events are numbered 0..n-1, each number once. */
	static void assertGapless(List<StoredEvent> store) {
		byOrganization(store).forEach((organization, events) -> {
			for (int i = 0; i < events.size(); i++) {
				assertThat(events.get(i).sequenceNumber()).as("event #%d of %s", i, organization).isEqualTo(i);
			}
		});
	}

	/**
	 * Every acknowledged command's event is in the store exactly once, at the version its
	 * answer gave; a refused command stored nothing; a command that got no answer was
	 * stored at most once; every event of the run belongs to a request that was sent.
	 */
	static Tally assertAcknowledgedStoredOnce(List<Sent> sent, List<StoredEvent> store, String correlationPrefix) {
		Map<String, List<StoredEvent>> byCorrelation = store.stream()
			.collect(Collectors.groupingBy((stored) -> stored.event().correlationId()));
		int acknowledged = 0;
		int refused = 0;
		int unknown = 0;
		int unknownStored = 0;
		for (Sent request : sent) {
			List<StoredEvent> recorded = byCorrelation.getOrDefault(request.correlationId(), List.of());
			if (request.acknowledged()) {
				acknowledged++;
				assertThat(recorded).as("the event of the acknowledged %s, exactly once", request).hasSize(1);
				StoredEvent event = recorded.get(0);
				assertThat(event.organizationId()).as(request.toString()).isEqualTo(request.organizationId());
				assertThat(event.version()).as("the version answered for %s", request).isEqualTo(request.version());
			}
			else if (request.outcomeUnknown()) {
				unknown++;
				assertThat(recorded).as("a command of unknown outcome is stored at most once: %s", request)
					.hasSizeLessThanOrEqualTo(1);
				unknownStored += recorded.size();
			}
			else {
				refused++;
				assertThat(recorded).as("a refused command stores nothing: %s", request).isEmpty();
			}
		}
		Set<String> correlationIds = sent.stream().map(Sent::correlationId).collect(Collectors.toSet());
		for (StoredEvent stored : store) {
			String correlationId = stored.event().correlationId();
			if (correlationId.startsWith(correlationPrefix)) {
				assertThat(correlationIds).as("event %s belongs to a request that was sent", stored)
					.contains(correlationId);
			}
		}
		return new Tally(acknowledged, refused, unknown, unknownStored);
	}

	/** The outcomes of a run's commands. */
	record Tally(int acknowledged, int refused, int unknown, int unknownStored) {

		@Override
		public String toString() {
			return "%d acknowledged, %d refused, %d of unknown outcome (of which %d stored)"
				.formatted(this.acknowledged, this.refused, this.unknown, this.unknownStored);
		}

	}

	/** Whether every stored event's id has been read from the topic. */
	static Predicate<List<ConsumerRecord<String, byte[]>>> containsEvery(List<StoredEvent> store) {
		Set<String> wanted = store.stream().map(StoredEvent::eventId).collect(Collectors.toSet());
		return (records) -> records.stream()
			.map((record) -> TopicReader.header(record, "ce_id"))
			.collect(Collectors.toSet())
			.containsAll(wanted);
	}

	/**
	 * Every stored event is on the topic, under its organization's key, in one partition;
	 * a subscriber that drops what it has seen ({@code ce_orgversion} not above the last)
	 * reads each organization's versions 1..n in order with no gap, each with the stored
	 * event's id; every other record is a true duplicate (same version, same
	 * {@code ce_id}); nothing is on the topic that is not in the store.
	 */
	static Delivery assertPublishedInOrder(List<StoredEvent> store, List<ConsumerRecord<String, byte[]>> read) {
		List<Published> topic = read.stream().map(Published::of).toList();
		Map<String, List<StoredEvent>> stored = byOrganization(store);
		Map<String, StoredEvent> storedById = store.stream()
			.collect(Collectors.toMap(StoredEvent::eventId, (event) -> event));
		for (Published record : topic) {
			assertThat(storedById).as("the topic carries only stored events: %s", record).containsKey(record.eventId());
		}
		Map<String, List<Published>> published = topic.stream()
			.collect(Collectors.groupingBy(Published::key, LinkedHashMap::new, Collectors.toList()));
		int duplicates = 0;
		for (Map.Entry<String, List<StoredEvent>> organization : stored.entrySet()) {
			List<StoredEvent> events = organization.getValue();
			List<Published> records = new ArrayList<>(published.getOrDefault(organization.getKey(), List.of()));
			records.sort(Comparator.comparingInt(Published::partition).thenComparingLong(Published::offset));
			assertThat(records.stream().map(Published::partition).distinct().count())
				.as("all of %s's records are in one partition", organization.getKey())
				.isLessThanOrEqualTo(1);
			long last = 0;
			for (Published record : records) {
				StoredEvent expected = (record.orgVersion() >= 1 && record.orgVersion() <= events.size())
						? events.get((int) record.orgVersion() - 1) : null;
				assertThat(expected).as("a stored version: %s", record).isNotNull();
				assertThat(record.eventId())
					.as("the stored event at version %d of %s", record.orgVersion(), organization.getKey())
					.isEqualTo(expected.eventId());
				if (record.orgVersion() <= last) {
					duplicates++;
					continue;
				}
				assertThat(record.orgVersion())
					.as("after version %d of %s, without a gap or reordering", last, organization.getKey())
					.isEqualTo(last + 1);
				last = record.orgVersion();
			}
			assertThat(last).as("every event of %s reached the topic", organization.getKey()).isEqualTo(events.size());
		}
		return new Delivery(store.size(), topic.size(), duplicates);
	}

	/** One record of the events topic, by what a subscriber reads from its headers. */
	record Published(String key, int partition, long offset, String eventId, long orgVersion, String type,
			long timestamp) {

		static Published of(ConsumerRecord<String, byte[]> record) {
			return new Published(record.key(), record.partition(), record.offset(), header(record, "ce_id"),
					Long.parseLong(header(record, "ce_orgversion")), header(record, "ce_type"), record.timestamp());
		}

		private static String header(ConsumerRecord<String, byte[]> record, String name) {
			String value = TopicReader.header(record, name);
			if (value == null) {
				throw new IllegalStateException(
						"Record " + record.partition() + "@" + record.offset() + " has no header " + name);
			}
			return value;
		}

	}

	/** How the store reached the topic. */
	record Delivery(int stored, int records, int duplicates) {

		@Override
		public String toString() {
			return "%d stored events, %d records on the topic, %d of them duplicates".formatted(this.stored,
					this.records, this.duplicates);
		}

	}

	/**
	 * Waits until the service's query API answers, for every member of every organization
	 * in the store, the role, workspaces, permissions and version that a fresh fold of
	 * the store gives; then checks the projection tables the same way. Answers how long
	 * it took.
	 */
	static Duration assertViewsConverge(ServiceProcess service, FaultSchema schema, List<StoredEvent> store,
			Duration wait) {
		long started = System.nanoTime();
		long deadline = started + wait.toNanos();
		Map<String, Organization> expected = fold(store);
		List<String> behind = new ArrayList<>(expected.keySet());
		while (!behind.isEmpty() && System.nanoTime() < deadline) {
			behind.removeIf((organization) -> viewVersion(service,
					expected.get(organization)) >= expected.get(organization).version());
			if (!behind.isEmpty()) {
				ServiceProcess.sleep(Duration.ofMillis(250));
			}
		}
		Duration converged = Duration.ofNanos(System.nanoTime() - started);
		assertThat(behind).as("organizations whose view did not reach the store's version within %s", wait).isEmpty();
		for (Organization organization : expected.values()) {
			assertViewMatches(service, organization);
			assertProjectionTablesMatch(schema, organization);
		}
		return converged;
	}

	private static long viewVersion(ServiceProcess service, Organization organization) {
		Answer answer = ApiClient.as(service.port(), organization.owner().value())
			.get(organization.path() + "/memberships/" + organization.owner().value() + "/permissions");
		return (answer.status() == 200) ? answer.json().path("version").asLong() : -1;
	}

	private static void assertViewMatches(ServiceProcess service, Organization organization) {
		for (MemberState member : organization.members().values()) {
			Answer answer = ApiClient.as(service.port(), organization.owner().value())
				.get(organization.path() + "/memberships/" + member.userId().value() + "/permissions");
			String about = "the view of member " + member + " of " + organization.id();
			assertThat(answer.status()).as(about + ": " + answer).isEqualTo(200);
			JsonNode json = answer.json();
			assertThat(json.path("role").asString()).as(about).isEqualTo(member.role().code());
			assertThat(json.path("version").asLong()).as(about).isEqualTo(organization.version());
			List<String> grants = new ArrayList<>();
			for (JsonNode grant : json.path("permissions")) {
				List<String> workspaces = new ArrayList<>();
				grant.path("workspaces").forEach((workspace) -> workspaces.add(workspace.asString()));
				grants.add(grant.path("action").asString() + "/" + grant.path("scope").asString()
						+ (grant.has("workspaces") ? "/" + String.join(",", new TreeSet<>(workspaces)) : ""));
			}
			assertThat(grants).as(about).isEqualTo(expectedGrants(member));
		}
	}

	/** A member's permissions as the matrix gives them, in the query API's shape. */
	private static List<String> expectedGrants(MemberState member) {
		List<String> grants = new ArrayList<>();
		for (Action action : Action.values()) {
			AccessDecision decision = PermissionMatrix.decide(member.role(), member.workspaces(), action, null);
			if (decision.allowed()) {
				String workspaces = (decision.scope() == Scope.WORKSPACE) ? "/" + String.join(",",
						decision.workspaces()
							.stream()
							.map(WorkspaceId::value)
							.collect(Collectors.toCollection(TreeSet::new)))
						: "";
				grants.add(action.id() + "/" + decision.scope().id() + workspaces);
			}
		}
		return grants;
	}

	private static void assertProjectionTablesMatch(FaultSchema schema, Organization organization) {
		String about = "the projection tables of " + organization.id();
		assertThat(schema.count("SELECT version FROM qs_organizations WHERE organization_id = ?", organization.id()))
			.as(about)
			.isEqualTo(organization.version());
		Map<Long, String> roles = new TreeMap<>();
		schema.query("SELECT user_id, role FROM qs_members WHERE organization_id = ?",
				(row) -> roles.put(row.getLong(1), row.getString(2)), organization.id());
		Map<Long, String> expectedRoles = new TreeMap<>();
		organization.members()
			.values()
			.forEach((member) -> expectedRoles.put(member.userId().value(), member.role().code()));
		assertThat(roles).as(about).isEqualTo(expectedRoles);
		Map<Long, Set<String>> workspaces = new TreeMap<>();
		schema.query("SELECT user_id, workspace_id FROM qs_member_workspaces WHERE organization_id = ?",
				(row) -> workspaces.computeIfAbsent(row.getLong(1), (user) -> new TreeSet<>()).add(row.getString(2)),
				organization.id());
		Map<Long, Set<String>> expectedWorkspaces = new TreeMap<>();
		organization.members()
			.values()
			.stream()
			.filter((member) -> !member.workspaces().isEmpty())
			.forEach((member) -> expectedWorkspaces.put(member.userId().value(),
					member.workspaces()
						.stream()
						.map(WorkspaceId::value)
						.collect(Collectors.toCollection(TreeSet::new))));
		assertThat(workspaces).as(about).isEqualTo(expectedWorkspaces);
	}

	/** Each organization's members as a fresh fold of its stored events has them. */
	static Map<String, Organization> fold(List<StoredEvent> store) {
		Map<String, Organization> organizations = new LinkedHashMap<>();
		byOrganization(store).forEach((id, events) -> {
			Map<UserId, MemberState> members = new HashMap<>();
			for (StoredEvent stored : events) {
				MemberStates
					.next(stored.event(), members::get, (project) -> MemberStates.membersOf(project, members.values()))
					.forEach((state) -> members.put(state.userId(), state));
				// A removed member has no state at all, as every reader of the stream
				// folds it.
				MemberStates.removed(stored.event()).ifPresent(members::remove);
			}
			UserId owner = members.values()
				.stream()
				.filter((member) -> member.role() == Role.OWNER)
				.map(MemberState::userId)
				.findFirst()
				.orElseThrow();
			organizations.put(id, new Organization(id, events.size(), owner, members));
		});
		return organizations;
	}

	/** An organization as the store has it: its version, Owner and members. */
	record Organization(String id, long version, UserId owner, Map<UserId, MemberState> members) {

		String path() {
			return "/api/organizations/" + this.id;
		}

	}

	static Map<String, List<StoredEvent>> byOrganization(List<StoredEvent> store) {
		Map<String, List<StoredEvent>> organizations = new LinkedHashMap<>();
		store.stream()
			.sorted(Comparator.comparing(StoredEvent::organizationId).thenComparingLong(StoredEvent::sequenceNumber))
			.forEach((event) -> organizations.computeIfAbsent(event.organizationId(), (id) -> new ArrayList<>())
				.add(event));
		return organizations;
	}

	/** Milliseconds as a figure for the report. */
	static String millis(Duration duration) {
		return duration.toMillis() + " ms";
	}

}
