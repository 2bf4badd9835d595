package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/** Removes a member's workspace assignment. */
public record RemoveFromWorkspaceCommand(@TargetAggregateIdentifier OrganizationId organizationId,
		WorkspaceId workspaceId, UserId userId, UserId actorUserId, String correlationId,
		Long expectedVersion) implements OrganizationCommand {

}
