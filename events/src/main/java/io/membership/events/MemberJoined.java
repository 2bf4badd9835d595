package io.membership.events;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.axonframework.serialization.Revision;

import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * A user joined through an invitation ({@code invitationId} set) or the organization-wide
 * link (null), with the invitation's role or as Not Activated.
 */
@Revision("1")
public record MemberJoined(OrganizationId organizationId, UserId userId, String email, Role role,
		InvitationId invitationId, Set<WorkspaceId> workspaces, UserId actorUserId, Instant occurredAt,
		String correlationId) implements MembershipEvent {

	public MemberJoined {
		workspaces = WorkspaceId.sortedSet(workspaces);
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
