package io.membership.events;

import java.time.Instant;

import org.axonframework.serialization.Revision;

import io.membership.events.ids.InvitationId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/** A pending invitation was withdrawn; its link no longer admits anyone. */
@Revision("1")
public record InvitationRevoked(OrganizationId organizationId, InvitationId invitationId, String email,
		UserId actorUserId, Instant occurredAt, String correlationId) implements MembershipEvent {

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
