package io.membership.command.organization;

import java.time.Instant;
import java.util.Set;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * Invites someone by email, optionally with the role they get on joining, the workspaces
 * they are assigned to and the projects they are added to.
 */
public record InviteUserCommand(@TargetAggregateIdentifier OrganizationId organizationId, InvitationId invitationId,
		String email, Role role, Set<WorkspaceId> workspaces, Set<ProjectId> projects, Instant expiresAt,
		UserId actorUserId, String correlationId, Long expectedVersion) implements OrganizationCommand {

	public InviteUserCommand {
		workspaces = WorkspaceId.sortedSet(workspaces);
		projects = ProjectId.sortedSet(projects);
	}

	/** An invitation to no project. */
	public InviteUserCommand(OrganizationId organizationId, InvitationId invitationId, String email, Role role,
			Set<WorkspaceId> workspaces, Instant expiresAt, UserId actorUserId, String correlationId,
			Long expectedVersion) {
		this(organizationId, invitationId, email, role, workspaces, Set.of(), expiresAt, actorUserId, correlationId,
				expectedVersion);
	}

}
