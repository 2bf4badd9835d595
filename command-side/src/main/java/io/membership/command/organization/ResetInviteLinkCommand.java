package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/** Replaces the organization-wide invite link so the old one admits nobody. */
public record ResetInviteLinkCommand(@TargetAggregateIdentifier OrganizationId organizationId,
		InviteLinkId newInviteLinkId, UserId actorUserId, String correlationId,
		Long expectedVersion) implements OrganizationCommand {

}
