package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/** Creates a workspace; a Manager who creates one is assigned to it. */
public record CreateWorkspaceCommand(@TargetAggregateIdentifier OrganizationId organizationId, WorkspaceId workspaceId,
		String title, UserId actorUserId, String correlationId, Long expectedVersion) implements OrganizationCommand {

}
