package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * Asks for the organization-wide invite link. It records nothing; it goes through the
 * aggregate so that who may see the link is decided by the same rules as who may reset
 * it.
 */
public record RevealInviteLinkCommand(@TargetAggregateIdentifier OrganizationId organizationId, UserId actorUserId,
		String correlationId, Long expectedVersion) implements OrganizationCommand {

	/** The current link and the version it was read at. */
	public record InviteLink(InviteLinkId inviteLinkId, long version) {
	}

}
