package io.membership.command.organization;

import java.time.Instant;
import java.util.Set;

import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.WorkspaceId;

/** A personal invitation and what became of it. */
record Invitation(InvitationId invitationId, String email, Role role, Set<WorkspaceId> workspaces, Instant expiresAt,
		Status status) {

	Invitation {
		workspaces = WorkspaceId.sortedSet(workspaces);
	}

	Invitation withStatus(Status newStatus) {
		return new Invitation(this.invitationId, this.email, this.role, this.workspaces, this.expiresAt, newStatus);
	}

	Invitation withoutEmail() {
		return new Invitation(this.invitationId, null, this.role, this.workspaces, this.expiresAt, this.status);
	}

	enum Status {

		PENDING, ACCEPTED, REVOKED

	}

}
