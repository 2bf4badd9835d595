package io.membership.events;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.axonframework.serialization.Revision;

import io.membership.events.ids.InvitationId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;

/**
 * A person's e-mail address was erased (GDPR Art. 17) in this organization: the address
 * the user joined or created it with, and the addresses of {@code invitationIds}, the
 * organization's invitations that were sent to that address. Subscribers forget their
 * copies of those addresses; the user id, roles and history stay. The event carries no
 * address and no reason, so it is as safe to keep forever as every other event.
 *
 * @param invitationIds sorted, so the same erasure always serializes to the same bytes
 * @param actorUserId the user who asked, or null when a service principal (which has no
 * user id) asked
 * @param requestedBy who asked: the user id, or the service principal's client id
 */
@Revision("1")
public record PersonalDataErased(OrganizationId organizationId, UserId userId, List<InvitationId> invitationIds,
		UserId actorUserId, String requestedBy, Instant occurredAt, String correlationId) implements MembershipEvent {

	public PersonalDataErased {
		invitationIds = (invitationIds != null)
				? invitationIds.stream().distinct().sorted(Comparator.comparing(InvitationId::value)).toList()
				: List.of();
	}

	@Override
	public Optional<PersonalDataErased> asErasure() {
		return Optional.of(this);
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
