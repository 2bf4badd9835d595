package io.membership.events;

import java.time.Instant;
import java.util.Set;

import org.axonframework.serialization.Revision;

import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * An Administrator or Owner invited someone by email. With a role the invitee is active
 * on sign-up; with a null role they join as Not Activated.
 */
@Revision("1")
public record UserInvited(OrganizationId organizationId, InvitationId invitationId, String email, Role role,
		Set<WorkspaceId> workspaces, Instant expiresAt, UserId actorUserId, Instant occurredAt,
		String correlationId) implements MembershipEvent {

	public UserInvited {
		workspaces = WorkspaceId.sortedSet(workspaces);
	}

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
