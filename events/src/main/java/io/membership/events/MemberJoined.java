package io.membership.events;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.axonframework.serialization.Revision;

import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * A user joined through an invitation ({@code invitationId} set) or the organization-wide
 * link (null), with the invitation's role or as Not Activated.
 *
 * <p>
 * Revision 2 keeps the address out of the event: {@code email} (kept apart under the key
 * {@code user:<user_id>}) is never written to the event's JSON, and is null once erased
 * or when read from Kafka.
 */
@Revision("2")
public record MemberJoined(OrganizationId organizationId, UserId userId, @JsonIgnore String email, Role role,
		InvitationId invitationId, Set<WorkspaceId> workspaces, UserId actorUserId, Instant occurredAt,
		String correlationId) implements MembershipEvent, AddressKeptApart {

	public MemberJoined {
		workspaces = WorkspaceId.sortedSet(workspaces);
	}

	@Override
	public String personalDataKey() {
		return AddressKeptApart.userKey(this.userId);
	}

	@Override
	public MemberJoined withEmail(String address) {
		return new MemberJoined(this.organizationId, this.userId, address, this.role, this.invitationId,
				this.workspaces, this.actorUserId, this.occurredAt, this.correlationId);
	}

	@Override
	public int publishedVersion() {
		return 2;
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
