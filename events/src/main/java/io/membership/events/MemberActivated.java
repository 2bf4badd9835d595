package io.membership.events;

import java.time.Instant;
import java.util.Optional;

import org.axonframework.serialization.Revision;

import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/** A Not Activated or Deactivated member was given a role. */
@Revision("1")
public record MemberActivated(OrganizationId organizationId, UserId userId, Role fromRole, Role toRole, String reason,
		UserId actorUserId, Instant occurredAt, String correlationId) implements MembershipEvent {

	@Override
	public Optional<UserId> subject() {
		return Optional.of(this.userId);
	}

	@Override
	public Optional<String> givenReason() {
		return Optional.ofNullable(this.reason);
	}

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
