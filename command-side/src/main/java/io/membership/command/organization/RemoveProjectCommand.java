package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;

/** Removes a project; its memberships confer nothing any more. */
public record RemoveProjectCommand(@TargetAggregateIdentifier OrganizationId organizationId, ProjectId projectId,
		UserId actorUserId, String correlationId, Long expectedVersion) implements OrganizationCommand {

}
