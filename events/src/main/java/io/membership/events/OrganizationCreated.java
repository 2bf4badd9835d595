package io.membership.events;

import java.time.Instant;
import java.util.Optional;

import org.axonframework.serialization.Revision;

import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * An organization was created; its creator is its Owner. {@code ownerEmail} is null when
 * the creator's token carried no email.
 */
@Revision("1")
public record OrganizationCreated(OrganizationId organizationId, String name, UserId ownerUserId, String ownerEmail,
		InviteLinkId inviteLinkId, UserId actorUserId, Instant occurredAt,
		String correlationId) implements MembershipEvent {

	@Override
	public Optional<UserId> subject() {
		return Optional.of(this.ownerUserId);
	}

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
