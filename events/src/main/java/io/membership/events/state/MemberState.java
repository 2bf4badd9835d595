package io.membership.events.state;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import io.membership.events.access.Role;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * What a member can do rests on three things: their role, their workspace assignments and
 * their project memberships, each with its project role ({@code AN}, {@code RE}, or null
 * for Inherit).
 */
public record MemberState(UserId userId, Role role, Set<WorkspaceId> workspaces, Map<ProjectId, Role> projects) {

	public MemberState {
		workspaces = WorkspaceId.sortedSet(workspaces);
		projects = sortedProjects(projects);
	}

	/** A member of no project. */
	public MemberState(UserId userId, Role role, Set<WorkspaceId> workspaces) {
		this(userId, role, workspaces, Map.of());
	}

	public MemberState withRole(Role newRole) {
		return new MemberState(this.userId, newRole, this.workspaces, this.projects);
	}

	public MemberState withWorkspace(WorkspaceId workspace) {
		Set<WorkspaceId> more = new TreeSet<>(this.workspaces);
		more.add(workspace);
		return new MemberState(this.userId, this.role, more, this.projects);
	}

	public MemberState withoutWorkspace(WorkspaceId workspace) {
		Set<WorkspaceId> fewer = new TreeSet<>(this.workspaces);
		fewer.remove(workspace);
		return new MemberState(this.userId, this.role, fewer, this.projects);
	}

	/** In the project with this project role (null: Inherit). */
	public MemberState withProject(ProjectId project, Role projectRole) {
		Map<ProjectId, Role> more = new TreeMap<>(this.projects);
		more.put(project, projectRole);
		return new MemberState(this.userId, this.role, this.workspaces, more);
	}

	public MemberState withoutProject(ProjectId project) {
		Map<ProjectId, Role> fewer = new TreeMap<>(this.projects);
		fewer.remove(project);
		return new MemberState(this.userId, this.role, this.workspaces, fewer);
	}

	/**
	 * An immutable copy in project id order (the same state always serializes to the same
	 * bytes); a project role may be null (Inherit), so {@link Map#copyOf} will not do.
	 */
	private static SortedMap<ProjectId, Role> sortedProjects(Map<ProjectId, Role> projects) {
		return Collections.unmodifiableSortedMap((projects != null) ? new TreeMap<>(projects) : new TreeMap<>());
	}

}
