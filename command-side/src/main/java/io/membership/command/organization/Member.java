package io.membership.command.organization;

import java.util.Set;
import java.util.TreeSet;

import io.membership.events.access.Role;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/** A member as the Organization needs to know them to decide commands. */
record Member(UserId userId, String email, Role role, Set<WorkspaceId> workspaces) {

	Member {
		workspaces = WorkspaceId.sortedSet(workspaces);
	}

	Member withRole(Role newRole) {
		return new Member(this.userId, this.email, newRole, this.workspaces);
	}

	Member withWorkspace(WorkspaceId workspace) {
		Set<WorkspaceId> more = new TreeSet<>(this.workspaces);
		more.add(workspace);
		return new Member(this.userId, this.email, this.role, more);
	}

	Member withoutWorkspace(WorkspaceId workspace) {
		Set<WorkspaceId> fewer = new TreeSet<>(this.workspaces);
		fewer.remove(workspace);
		return new Member(this.userId, this.email, this.role, fewer);
	}

}
