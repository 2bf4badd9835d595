package io.membership.infra.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.clients.producer.ProducerRecord;
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
 */
@Repository
class MemberRoleStates {

	private static final JsonMapper JSON = MembershipJson.mapper();

	private final JdbcClient jdbc;

	MemberRoleStates(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Applies one event (at the organization's {@code version}) and returns the changed
	 * states.
	 */
	List<MemberRoleState> apply(MembershipEvent event, long version) {
		OrganizationId organization = event.organizationId();
		List<MemberRoleState> changed = MemberStates
			.next(event, (user) -> current(organization, user).state(),
					(project) -> projectMembers(organization, project))
			.stream()
			.map((state) -> new MemberRoleState(organization, state.userId(), state.role(), state.workspaces(),
					state.projects(), version))
			.toList();
		changed.forEach(this::store);
		return changed;
	}

	/**
	 * The members of a project, from every member's stored projects: only asked when a
	 * project is removed, which is rare enough to read the organization's members for.
	 */
	private List<UserId> projectMembers(OrganizationId organization, ProjectId project) {
		return this.jdbc.sql("SELECT user_id, projects FROM published_member_roles WHERE organization_id = ?")
			.param(organization.value())
			.query((row, number) -> projects(row.getString(2)).containsKey(project) ? UserId.of(row.getLong(1)) : null)
			.list()
			.stream()
			.filter(Objects::nonNull)
			.toList();
	}

	private MemberRoleState current(OrganizationId organization, UserId user) {
		Optional<MemberRoleState> stored = this.jdbc
			.sql("SELECT role, workspaces, projects, version FROM published_member_roles "
					+ "WHERE organization_id = ? AND user_id = ?")
			.params(organization.value(), user.value())
			.query((row, number) -> new MemberRoleState(organization, user,
					Role.fromCode(row.getString(1)).orElseThrow(),
					JSON.readValue(row.getString(2), new TypeReference<Set<WorkspaceId>>() {
					}), projects(row.getString(3)), row.getLong(4)))
			.optional();
		return stored.orElseThrow(() -> new IllegalStateException(
				"No published state for member " + user + " of " + organization + "; the event stream has a gap"));
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

	private void store(MemberRoleState state) {
		String workspaces = JSON.writeValueAsString(state.workspaces());
		String projects = JSON.writeValueAsString(state.projects());
		int updated = this.jdbc
			.sql("UPDATE published_member_roles SET role = ?, workspaces = ?, projects = ?, version = ? "
					+ "WHERE organization_id = ? AND user_id = ?")
			.params(state.role().code(), workspaces, projects, state.version(), state.organizationId().value(),
					state.userId().value())
			.update();
		if (updated == 0) {
			this.jdbc
				.sql("INSERT INTO published_member_roles (organization_id, user_id, role, workspaces, projects, "
						+ "version) VALUES (?, ?, ?, ?, ?, ?)")
				.params(state.organizationId().value(), state.userId().value(), state.role().code(), workspaces,
						projects, state.version())
				.update();
		}
	}

	/**
	 * One member's state as the roles topic carries it; {@code projects} maps every
	 * project the member belongs to to their project role (null: Inherit), in project id
	 * order.
	 */
	record MemberRoleState(OrganizationId organizationId, UserId userId, Role role, Set<WorkspaceId> workspaces,
			Map<ProjectId, Role> projects, long version) {

		MemberRoleState {
			workspaces = WorkspaceId.sortedSet(workspaces);
			projects = Collections.unmodifiableSortedMap(new TreeMap<>(projects));
		}

		MemberState state() {
			return new MemberState(this.userId, this.role, this.workspaces, this.projects);
		}

		ProducerRecord<String, byte[]> toRecord() {
			return new ProducerRecord<>(MembershipTopics.ROLES, this.organizationId + ":" + this.userId,
					JSON.writeValueAsString(this).getBytes(StandardCharsets.UTF_8));
		}

	}

}
