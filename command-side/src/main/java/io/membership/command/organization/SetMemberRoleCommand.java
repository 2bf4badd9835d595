package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * Label Studio's membership PATCH: activates, changes the role of, or deactivates a
 * member depending on where they stand.
 */
public record SetMemberRoleCommand(@TargetAggregateIdentifier OrganizationId organizationId, UserId userId, Role role,
		UserId actorUserId, String correlationId, Long expectedVersion) implements OrganizationCommand {

}
