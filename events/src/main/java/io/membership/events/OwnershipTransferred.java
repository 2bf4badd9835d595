package io.membership.events;

import java.time.Instant;
import java.util.Optional;

import org.axonframework.serialization.Revision;

import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * The Owner handed ownership to an active member; the previous Owner became an
 * Administrator.
 */
@Revision("1")
public record OwnershipTransferred(OrganizationId organizationId, UserId previousOwnerUserId, UserId newOwnerUserId,
		Role newOwnerPreviousRole, UserId actorUserId, Instant occurredAt,
		String correlationId) implements MembershipEvent {

	@Override
	public Optional<UserId> subject() {
		return Optional.of(this.newOwnerUserId);
	}

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
