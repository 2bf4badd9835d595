package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/** Deactivates a member. */
public record DeactivateMemberCommand(@TargetAggregateIdentifier OrganizationId organizationId, UserId userId,
		String reason, UserId actorUserId, String correlationId, Long expectedVersion) implements OrganizationCommand {

}
