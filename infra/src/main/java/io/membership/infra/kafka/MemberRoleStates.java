package io.membership.infra.kafka;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import io.membership.events.MembershipEvent;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.json.MembershipJson;
import io.membership.events.state.MemberState;
import io.membership.events.state.MemberStates;
import io.membership.topics.MembershipTopics;

/**
 * Each member's current role, workspaces and version, as the compacted
 * {@value MembershipTopics#ROLES} topic carries them. An event changes the stored state
 * of the members it is about; the changed states are what gets published.
 *
 * <p>
 * The publisher applies a whole batch of events before it writes any of their states:
 * each event sees the states the batch's earlier events made ({@link Changes}), and the
 * batch's last state of each member is written with one batched round trip
 * ({@link #store(Changes)}) in the batch's transaction, instead of one or two statements
 * per event.
 */
@Repository
class MemberRoleStates {

	private static final JsonMapper JSON = MembershipJson.mapper();

	private static final String UPDATE = "UPDATE published_member_roles SET role = ?, workspaces = ?, projects = ?, "
			+ "version = ? WHERE organization_id = ? AND user_id = ?";

	private static final String INSERT = "INSERT INTO published_member_roles (role, workspaces, projects, version, "
			+ "organization_id, user_id) VALUES (?, ?, ?, ?, ?, ?)";

	private final JdbcClient jdbc;

	private final JdbcTemplate batches;

	MemberRoleStates(JdbcClient jdbc, JdbcTemplate batches) {
		this.jdbc = jdbc;
		this.batches = batches;
	}

	/**
	 * Applies one event (at the organization's {@code version}) on top of the states the
	 * batch has changed so far, records the changed states in {@code changes} and returns
	 * them; a member the event removes is returned as {@linkplain MemberRoleState#removed
	 * removed}. Nothing is written until {@link #store(Changes)}.
	 */
	List<MemberRoleState> apply(MembershipEvent event, long version, Changes changes) {
		OrganizationId organization = event.organizationId();
		List<MemberRoleState> changed = new ArrayList<>(MemberStates
			.next(event,
					(user) -> changes.of(organization, user)
						.or(() -> changes.readBefore(organization, user))
						.orElseGet(() -> current(organization, user))
						.state(),
					(project) -> projectMembers(organization, project, changes))
			.stream()
			.map((state) -> new MemberRoleState(organization, state.userId(), state.role(), state.workspaces(),
					state.projects(), version))
			.toList());
		MemberStates.removed(event)
			.ifPresent((user) -> changed.add(MemberRoleState.removed(organization, user, version)));
		changed.forEach(changes::record);
		return changed;
	}

	/**
	 * Writes the last state of each member a batch changed: one batch of updates, and one
	 * of inserts for the members who had no row yet, in the caller's transaction; the row
	 * of a member whose last change was their removal is deleted.
	 */
	void store(Changes changes) {
		List<Object[]> removed = changes.states()
			.stream()
			.filter(MemberRoleState::isRemoved)
			.map((state) -> new Object[] { state.organizationId().value(), state.userId().value() })
			.toList();
		if (!removed.isEmpty()) {
			this.batches.batchUpdate("DELETE FROM published_member_roles WHERE organization_id = ? AND user_id = ?",
					removed);
		}
		List<Object[]> rows = changes.states()
			.stream()
			.filter((state) -> !state.isRemoved())
			.map(MemberRoleStates::row)
			.toList();
		if (rows.isEmpty()) {
			return;
		}
		int[] updated = this.batches.batchUpdate(UPDATE, rows);
		List<Object[]> missing = new ArrayList<>();
		for (int i = 0; i < updated.length; i++) {
			// Both drivers count the rows each update of a batch changed; only a count of
			// zero says the member has no row yet.
			if (updated[i] == 0) {
				missing.add(rows.get(i));
			}
		}
		if (!missing.isEmpty()) {
			this.batches.batchUpdate(INSERT, missing);
		}
	}

	/** The parameters of {@link #UPDATE} and {@link #INSERT}, which take them alike. */
	private static Object[] row(MemberRoleState state) {
		return new Object[] { state.role().code(), JSON.writeValueAsString(state.workspaces()),
				JSON.writeValueAsString(state.projects()), state.version(), state.organizationId().value(),
				state.userId().value() };
	}

	/**
	 * The members of a project before the event, from every member's projects: as the
	 * batch has changed them, else as stored. Only asked when a project is removed, which
	 * is rare enough to read the organization's members for.
	 */
	private List<UserId> projectMembers(OrganizationId organization, ProjectId project, Changes changes) {
		Map<UserId, Map<ProjectId, Role>> projectsOf = new HashMap<>();
		this.jdbc.sql("SELECT user_id, projects FROM published_member_roles WHERE organization_id = ?")
			.param(organization.value())
			.query((row, number) -> Map.entry(UserId.of(row.getLong(1)), projects(row.getString(2))))
			.list()
			.forEach((stored) -> projectsOf.put(stored.getKey(), stored.getValue()));
		changes.of(organization).forEach((state) -> {
			if (state.isRemoved()) {
				projectsOf.remove(state.userId());
			}
			else {
				projectsOf.put(state.userId(), state.projects());
			}
		});
		return projectsOf.entrySet()
			.stream()
			.filter((member) -> member.getValue().containsKey(project))
			.map(Map.Entry::getKey)
			.toList();
	}

	/**
	 * Reads, in one query, the stored states of the members a batch's events are about
	 * ({@link MembershipEvent#subject()}), before they are applied, so that applying them
	 * reads no member on its own. Members an event names otherwise (an ownership
	 * transfer's previous Owner, a removed project's members) are still read when asked
	 * for.
	 */
	void readBefore(Collection<MembershipEvent> events, Changes changes) {
		Set<String> organizations = new LinkedHashSet<>();
		Set<Long> users = new LinkedHashSet<>();
		for (MembershipEvent event : events) {
			event.subject().ifPresent((user) -> {
				organizations.add(event.organizationId().value());
				users.add(user.value());
			});
		}
		if (users.isEmpty()) {
			return;
		}
		// Every pair of these organizations and users: a few more rows than the pairs
		// named, with SQL both databases run alike.
		List<Object> parameters = new ArrayList<>(organizations);
		parameters.addAll(users);
		this.jdbc
			.sql("SELECT organization_id, user_id, role, workspaces, projects, version FROM published_member_roles "
					+ "WHERE organization_id IN (" + placeholders(organizations.size()) + ") AND user_id IN ("
					+ placeholders(users.size()) + ")")
			.params(parameters)
			.query((row, number) -> state(new OrganizationId(row.getString(1)), UserId.of(row.getLong(2)), row, 3))
			.list()
			.forEach(changes::read);
	}

	/**
	 * Every member's stored state, by organization and member, as the roles topic last
	 * carried it: what restores that topic.
	 */
	void forEachStored(Consumer<MemberRoleState> action) {
		try (Stream<MemberRoleState> stored = this.jdbc
			.sql("SELECT organization_id, user_id, role, workspaces, projects, version FROM published_member_roles "
					+ "ORDER BY organization_id, user_id")
			.query((row, number) -> state(new OrganizationId(row.getString(1)), UserId.of(row.getLong(2)), row, 3))
			.stream()) {
			stored.forEach(action);
		}
	}

	private static String placeholders(int count) {
		return String.join(", ", Collections.nCopies(count, "?"));
	}

	private MemberRoleState current(OrganizationId organization, UserId user) {
		Optional<MemberRoleState> stored = this.jdbc
			.sql("SELECT role, workspaces, projects, version FROM published_member_roles "
					+ "WHERE organization_id = ? AND user_id = ?")
			.params(organization.value(), user.value())
			.query((row, number) -> state(organization, user, row, 1))
			.optional();
		return stored.orElseThrow(() -> new IllegalStateException(
				"No published state for member " + user + " of " + organization + "; the event stream has a gap"));
	}

	/**
	 * A stored state from its role, workspaces, projects and version, from column
	 * {@code first} on.
	 */
	private static MemberRoleState state(OrganizationId organization, UserId user, ResultSet row, int first)
			throws SQLException {
		return new MemberRoleState(organization, user, Role.fromCode(row.getString(first)).orElseThrow(),
				JSON.readValue(row.getString(first + 1), new TypeReference<Set<WorkspaceId>>() {
				}), projects(row.getString(first + 2)), row.getLong(first + 3));
	}

	/** Project memberships as stored: {project_id: project role code or null}. */
	private static Map<ProjectId, Role> projects(String json) {
		Map<String, String> stored = JSON.readValue(json, new TypeReference<Map<String, String>>() {
		});
		Map<ProjectId, Role> projects = new TreeMap<>();
		stored.forEach((project, role) -> projects.put(new ProjectId(project),
				(role != null) ? Role.fromCode(role).orElseThrow() : null));
		return projects;
	}

	/**
	 * The states one batch of events has changed so far, the last one of each member, in
	 * the order the members were first changed; and the stored states read for it before
	 * its events were applied.
	 */
	static final class Changes {

		private final Map<OrganizationId, Map<UserId, MemberRoleState>> states = new LinkedHashMap<>();

		private final Map<OrganizationId, Map<UserId, MemberRoleState>> readBefore = new HashMap<>();

		void read(MemberRoleState stored) {
			this.readBefore.computeIfAbsent(stored.organizationId(), (organization) -> new HashMap<>())
				.put(stored.userId(), stored);
		}

		Optional<MemberRoleState> readBefore(OrganizationId organization, UserId user) {
			return Optional.ofNullable(this.readBefore.getOrDefault(organization, Map.of()).get(user));
		}

		void record(MemberRoleState state) {
			this.states.computeIfAbsent(state.organizationId(), (organization) -> new LinkedHashMap<>())
				.put(state.userId(), state);
		}

		Optional<MemberRoleState> of(OrganizationId organization, UserId user) {
			return Optional.ofNullable(this.states.getOrDefault(organization, Map.of()).get(user));
		}

		Collection<MemberRoleState> of(OrganizationId organization) {
			return this.states.getOrDefault(organization, Map.of()).values();
		}

		List<MemberRoleState> states() {
			return this.states.values().stream().flatMap((members) -> members.values().stream()).toList();
		}

	}

	/**
	 * One member's state as the roles topic carries it; {@code projects} maps every
	 * project the member belongs to to their project role (null: Inherit), in project id
	 * order. A removed member has no role: they are no member, and the topic gets a
	 * tombstone for them.
	 */
	record MemberRoleState(OrganizationId organizationId, UserId userId, Role role, Set<WorkspaceId> workspaces,
			Map<ProjectId, Role> projects, long version) {

		MemberRoleState {
			workspaces = WorkspaceId.sortedSet(workspaces);
			projects = Collections.unmodifiableSortedMap(new TreeMap<>(projects));
		}

		/** The member was removed at this version: no state, no row, a tombstone. */
		static MemberRoleState removed(OrganizationId organization, UserId user, long version) {
			return new MemberRoleState(organization, user, null, Set.of(), Map.of(), version);
		}

		boolean isRemoved() {
			return this.role == null;
		}

		MemberState state() {
			if (isRemoved()) {
				throw new IllegalStateException("Member " + this.userId + " of " + this.organizationId
						+ " was removed at version " + this.version + "; the event stream names them after it");
			}
			return new MemberState(this.userId, this.role, this.workspaces, this.projects);
		}

		/**
		 * The member's current state on the compacted topic, or a tombstone (a null
		 * value) once they were removed: compaction then drops the key, and a cache
		 * deletes it.
		 */
		ProducerRecord<String, byte[]> toRecord() {
			byte[] value = isRemoved() ? null : JSON.writeValueAsString(this).getBytes(StandardCharsets.UTF_8);
			return new ProducerRecord<>(MembershipTopics.ROLES, this.organizationId + ":" + this.userId, value);
		}

	}

}
