package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * Registers the upstream app's project under its own id, or brings a registered one to
 * these values (moving it to another workspace, renaming it, changing its setting): the
 * whole project, as an HTTP PUT has it.
 */
public record RegisterProjectCommand(@TargetAggregateIdentifier OrganizationId organizationId, ProjectId projectId,
		WorkspaceId workspaceId, String title, boolean annotatorsViewOwnData, UserId actorUserId, String correlationId,
		Long expectedVersion) implements OrganizationCommand {

	/** Whether the project was registered now (rather than updated or left as it was). */
	public record Registered(boolean created, long version) {
	}

}
