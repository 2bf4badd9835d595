package io.membership.events;

import java.time.Instant;

import org.axonframework.serialization.Revision;

import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * The organization-wide invite link was replaced; the old link no longer admits anyone.
 */
@Revision("1")
public record InviteLinkReset(OrganizationId organizationId, InviteLinkId inviteLinkId, UserId actorUserId,
		Instant occurredAt, String correlationId) implements MembershipEvent {

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
