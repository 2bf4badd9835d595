package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;

/** Removes a member from a project. */
public record RemoveProjectMemberCommand(@TargetAggregateIdentifier OrganizationId organizationId, ProjectId projectId,
		UserId userId, UserId actorUserId, String correlationId, Long expectedVersion) implements OrganizationCommand {

}
