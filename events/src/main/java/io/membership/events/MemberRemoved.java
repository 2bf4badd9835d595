package io.membership.events;

import java.time.Instant;
import java.util.Optional;

import org.axonframework.serialization.Revision;

import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * A member was removed from the organization: they leave it with every workspace
 * assignment and project membership they had, and are no member at all afterwards. They
 * come back only by a new invitation, as a new member whose history continues under the
 * same user id. {@code fromRole} is the role they had. No e-mail address: the event names
 * the person by user id alone, so that forgetting their address later changes nothing
 * here.
 */
@Revision("1")
public record MemberRemoved(OrganizationId organizationId, UserId userId, Role fromRole, UserId actorUserId,
		Instant occurredAt, String correlationId) implements MembershipEvent {

	@Override
	public Optional<UserId> subject() {
		return Optional.of(this.userId);
	}

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
