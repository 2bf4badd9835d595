package io.membership.command.organization;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.membership.events.access.Role;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/** A member as the Organization needs to know them to decide commands. */
record Member(UserId userId, String email, Role role, Set<WorkspaceId> workspaces, Map<ProjectId, Role> projects) {

	/**
	 * {@code projects} maps each project the member belongs to to their project role
	 * (null: Inherit); a snapshot taken before projects existed has none.
	 */
	Member {
		workspaces = WorkspaceId.sortedSet(workspaces);
		projects = Collections.unmodifiableSortedMap((projects != null) ? new TreeMap<>(projects) : new TreeMap<>());
	}

	Member(UserId userId, String email, Role role, Set<WorkspaceId> workspaces) {
		this(userId, email, role, workspaces, Map.of());
	}

	Member withRole(Role newRole) {
		return new Member(this.userId, this.email, newRole, this.workspaces, this.projects);
	}

	Member withWorkspace(WorkspaceId workspace) {
		Set<WorkspaceId> more = new TreeSet<>(this.workspaces);
		more.add(workspace);
		return new Member(this.userId, this.email, this.role, more, this.projects);
	}

	Member withoutWorkspace(WorkspaceId workspace) {
		Set<WorkspaceId> fewer = new TreeSet<>(this.workspaces);
		fewer.remove(workspace);
		return new Member(this.userId, this.email, this.role, fewer, this.projects);
	}

	boolean isInProject(ProjectId project) {
		return this.projects.containsKey(project);
	}

	/** In the project with this project role (null: Inherit). */
	Member withProject(ProjectId project, Role projectRole) {
		Map<ProjectId, Role> more = new TreeMap<>(this.projects);
		more.put(project, projectRole);
		return new Member(this.userId, this.email, this.role, this.workspaces, more);
	}

	Member withoutProject(ProjectId project) {
		Map<ProjectId, Role> fewer = new TreeMap<>(this.projects);
		fewer.remove(project);
		return new Member(this.userId, this.email, this.role, this.workspaces, fewer);
	}

	Member withoutEmail() {
		return new Member(this.userId, null, this.role, this.workspaces, this.projects);
	}

}
