package io.membership.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.axonframework.serialization.Revision;

import io.membership.events.ids.InvitationId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * A pending invitation was withdrawn; its link no longer admits anyone.
 *
 * <p>
 * Revision 2 keeps the address out of the event: {@code email} (kept apart under the key
 * {@code invitation:<invitation_id>}) is never written to the event's JSON.
 */
@Revision("2")
public record InvitationRevoked(OrganizationId organizationId, InvitationId invitationId, @JsonIgnore String email,
		UserId actorUserId, Instant occurredAt, String correlationId) implements MembershipEvent, AddressKeptApart {

	/** The invitation's address went out with its UserInvited. */
	@Override
	public boolean introducesKey() {
		return false;
	}

	@Override
	public String personalDataKey() {
		return AddressKeptApart.invitationKey(this.invitationId);
	}

	@Override
	public InvitationRevoked withEmail(String address) {
		return new InvitationRevoked(this.organizationId, this.invitationId, address, this.actorUserId, this.occurredAt,
				this.correlationId);
	}

	@Override
	public int publishedVersion() {
		return 2;
	}

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
