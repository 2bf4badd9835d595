package io.membership.events;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.axonframework.serialization.Revision;

import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * An organization was created; its creator is its Owner. {@code ownerEmail} is null when
 * the creator's token carried no email.
 *
 * <p>
 * Revision 2 keeps the address out of the event: {@code ownerEmail} (kept apart under the
 * key {@code user:<owner_user_id>}) is never written to the event's JSON.
 */
@Revision("2")
public record OrganizationCreated(OrganizationId organizationId, String name, UserId ownerUserId,
		@JsonIgnore String ownerEmail, InviteLinkId inviteLinkId, UserId actorUserId, Instant occurredAt,
		String correlationId) implements MembershipEvent, AddressKeptApart {

	@Override
	public String personalDataKey() {
		return AddressKeptApart.userKey(this.ownerUserId);
	}

	/** The Owner's address: {@link #ownerEmail()}. */
	@Override
	public String email() {
		return this.ownerEmail;
	}

	@Override
	public OrganizationCreated withEmail(String address) {
		return new OrganizationCreated(this.organizationId, this.name, this.ownerUserId, address, this.inviteLinkId,
				this.actorUserId, this.occurredAt, this.correlationId);
	}

	@Override
	public int publishedVersion() {
		return 2;
	}

	@Override
	public Optional<UserId> subject() {
		return Optional.of(this.ownerUserId);
	}

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
