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
 *
 * <p>
 * {@code email} is the address asserted for the joining user. What vouches for it when
 * the link, which proves no address, is used: {@code actorEmail}, the address the actor's
 * identity provider vouches for (the token's {@code email} claim; null if none), or
 * {@code actorMayAssertAnyEmail}, set for a service trusted with accepting invitations on
 * users' behalf (it verified the address itself).
 */
public record AcceptInvitationCommand(@TargetAggregateIdentifier OrganizationId organizationId,
		InvitationId invitationId, InviteLinkId inviteLinkId, UserId userId, String email, UserId actorUserId,
		String actorEmail, boolean actorMayAssertAnyEmail, String correlationId,
		Long expectedVersion) implements OrganizationCommand {

	/** The role the user joined with and the organization's version after they joined. */
	public record Joined(Role role, long version) {
	}

}
