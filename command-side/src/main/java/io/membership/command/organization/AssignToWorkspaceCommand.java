package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/** Assigns an active member to a workspace. */
public record AssignToWorkspaceCommand(@TargetAggregateIdentifier OrganizationId organizationId,
		WorkspaceId workspaceId, UserId userId, UserId actorUserId, String correlationId,
		Long expectedVersion) implements OrganizationCommand {

}
