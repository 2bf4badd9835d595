package io.membership.command.organization;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * Lets a user join through a personal invitation ({@code invitationId}) or the
 * organization-wide link ({@code inviteLinkId}); exactly one of the two is set.
 */
public record AcceptInvitationCommand(@TargetAggregateIdentifier OrganizationId organizationId,
		InvitationId invitationId, InviteLinkId inviteLinkId, UserId userId, String email, UserId actorUserId,
		String correlationId, Long expectedVersion) implements OrganizationCommand {

	/** The role the user joined with and the organization's version after they joined. */
	public record Joined(Role role, long version) {
	}

}
