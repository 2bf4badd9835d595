package io.membership.command.organization;

import java.time.Instant;
import java.util.Set;

import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.WorkspaceId;

/**
 * A personal invitation and what became of it. A snapshot taken before invitations named
 * projects has no {@code projects} in them, which reads as none: no invitation then had
 * any.
 */
record Invitation(InvitationId invitationId, String email, Role role, Set<WorkspaceId> workspaces,
		Set<ProjectId> projects, Instant expiresAt, Status status) {

	Invitation {
		workspaces = WorkspaceId.sortedSet(workspaces);
		projects = ProjectId.sortedSet(projects);
	}

	Invitation withStatus(Status newStatus) {
		return new Invitation(this.invitationId, this.email, this.role, this.workspaces, this.projects, this.expiresAt,
				newStatus);
	}

	Invitation withoutEmail() {
		return new Invitation(this.invitationId, null, this.role, this.workspaces, this.projects, this.expiresAt,
				this.status);
	}

	enum Status {

		PENDING, ACCEPTED, REVOKED

	}

}
