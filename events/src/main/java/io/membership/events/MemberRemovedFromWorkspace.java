package io.membership.events;

import java.time.Instant;
import java.util.Optional;

import org.axonframework.serialization.Revision;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/** A member's assignment to a workspace was removed. */
@Revision("1")
public record MemberRemovedFromWorkspace(OrganizationId organizationId, WorkspaceId workspaceId, UserId userId,
		UserId actorUserId, Instant occurredAt, String correlationId) implements MembershipEvent {

	@Override
	public Optional<UserId> subject() {
		return Optional.of(this.userId);
	}

	@Override
	public Optional<WorkspaceId> workspace() {
		return Optional.of(this.workspaceId);
	}

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
