package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/** Creates an organization whose Owner is the caller. */
public record CreateOrganizationCommand(@TargetAggregateIdentifier OrganizationId organizationId, String name,
		String ownerEmail, InviteLinkId inviteLinkId, UserId actorUserId, String correlationId,
		Long expectedVersion) implements OrganizationCommand {

}
