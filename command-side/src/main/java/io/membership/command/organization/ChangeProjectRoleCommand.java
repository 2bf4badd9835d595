package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;

/** Changes a project member's project role ({@code AN}, {@code RE}, or null: Inherit). */
public record ChangeProjectRoleCommand(@TargetAggregateIdentifier OrganizationId organizationId, ProjectId projectId,
		UserId userId, Role projectRole, String reason, UserId actorUserId, String correlationId,
		Long expectedVersion) implements OrganizationCommand {

}
