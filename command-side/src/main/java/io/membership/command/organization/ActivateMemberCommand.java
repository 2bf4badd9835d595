package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/** Gives a Not Activated or Deactivated member a role. */
public record ActivateMemberCommand(@TargetAggregateIdentifier OrganizationId organizationId, UserId userId, Role role,
		String reason, UserId actorUserId, String correlationId, Long expectedVersion) implements OrganizationCommand {

}
