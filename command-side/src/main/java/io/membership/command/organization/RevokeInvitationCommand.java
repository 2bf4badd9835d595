package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.InvitationId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/** Withdraws a pending invitation. */
public record RevokeInvitationCommand(@TargetAggregateIdentifier OrganizationId organizationId,
		InvitationId invitationId, UserId actorUserId, String correlationId,
		Long expectedVersion) implements OrganizationCommand {

}
