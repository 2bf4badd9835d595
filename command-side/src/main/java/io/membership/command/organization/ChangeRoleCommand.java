package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/** Changes an active member's role. */
public record ChangeRoleCommand(@TargetAggregateIdentifier OrganizationId organizationId, UserId userId, Role role,
		String reason, UserId actorUserId, String correlationId, Long expectedVersion) implements OrganizationCommand {

}
