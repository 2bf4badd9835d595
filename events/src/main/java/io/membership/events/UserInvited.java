package io.membership.events;

import java.time.Instant;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.axonframework.serialization.Revision;

import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * An Administrator or Owner invited someone by email. With a role the invitee is active
 * on sign-up; with a null role they join as Not Activated.
 *
 * <p>
 * Revision 2 keeps the address out of the event: {@code email} is the invitee's address
 * as the command side knows it, never written to the event's JSON (the event store and
 * {@code membership.events.v1}); it is kept apart under the key
 * {@code invitation:<invitation_id>} and is null once erased or when read from Kafka.
 */
@Revision("2")
public record UserInvited(OrganizationId organizationId, InvitationId invitationId, @JsonIgnore String email, Role role,
		Set<WorkspaceId> workspaces, Instant expiresAt, UserId actorUserId, Instant occurredAt,
		String correlationId) implements MembershipEvent, AddressKeptApart {

	public UserInvited {
		workspaces = WorkspaceId.sortedSet(workspaces);
	}

	@Override
	public String personalDataKey() {
		return AddressKeptApart.invitationKey(this.invitationId);
	}

	@Override
	public UserInvited withEmail(String address) {
		return new UserInvited(this.organizationId, this.invitationId, address, this.role, this.workspaces,
				this.expiresAt, this.actorUserId, this.occurredAt, this.correlationId);
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
