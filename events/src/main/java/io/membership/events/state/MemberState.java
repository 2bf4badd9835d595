package io.membership.events.state;

import java.util.Set;
import java.util.TreeSet;

import io.membership.events.access.Role;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * What a member can do rests on two things: their role and their workspace assignments.
 */
public record MemberState(UserId userId, Role role, Set<WorkspaceId> workspaces) {

	public MemberState {
		workspaces = WorkspaceId.sortedSet(workspaces);
	}

	public MemberState withRole(Role newRole) {
		return new MemberState(this.userId, newRole, this.workspaces);
	}

	public MemberState withWorkspace(WorkspaceId workspace) {
		Set<WorkspaceId> more = new TreeSet<>(this.workspaces);
		more.add(workspace);
		return new MemberState(this.userId, this.role, more);
	}

	public MemberState withoutWorkspace(WorkspaceId workspace) {
		Set<WorkspaceId> fewer = new TreeSet<>(this.workspaces);
		fewer.remove(workspace);
		return new MemberState(this.userId, this.role, fewer);
	}

}
