package io.membership.events;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.axonframework.serialization.Revision;

import io.membership.events.ids.InvitationId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * A person's e-mail addresses were erased (the right to erasure): from now on the
 * organization knows them by user id alone. {@code invitationIds} are the organization's
 * invitations that were sent to the person's address (possibly none). Subscribers purge
 * their copies of the addresses under the keys {@code user:{userId}} and
 * {@code invitation:{invitationId}} of {@code membership.personal-data.v1}, where
 * tombstones follow. No address and no reason text: the event outlives the person's
 * contact data. {@code actorUserId} is null when a service principal asked for the
 * erasure; {@code requestedBy} names the caller either way (a user id or a client id).
 * Roles and memberships are unchanged.
 */
@Revision("1")
public record PersonalDataErased(OrganizationId organizationId, UserId userId, List<InvitationId> invitationIds,
		UserId actorUserId, String requestedBy, Instant occurredAt, String correlationId) implements MembershipEvent {

	public PersonalDataErased {
		invitationIds = (invitationIds != null) ? List.copyOf(invitationIds) : List.of();
	}

	@Override
	public Optional<UserId> subject() {
		return Optional.of(this.userId);
	}

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
