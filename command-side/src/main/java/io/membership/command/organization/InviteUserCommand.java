package io.membership.command.organization;

import java.time.Instant;
import java.util.Set;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * Invites someone by email, optionally with the role they get on joining and the
 * workspaces they are assigned to.
 */
public record InviteUserCommand(@TargetAggregateIdentifier OrganizationId organizationId, InvitationId invitationId,
		String email, Role role, Set<WorkspaceId> workspaces, Instant expiresAt, UserId actorUserId,
		String correlationId, Long expectedVersion) implements OrganizationCommand {

	public InviteUserCommand {
		workspaces = WorkspaceId.sortedSet(workspaces);
	}

}
