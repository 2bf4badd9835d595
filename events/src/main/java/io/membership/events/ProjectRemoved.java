package io.membership.events;

import java.time.Instant;
import java.util.Optional;

import org.axonframework.serialization.Revision;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * A project was removed. Its memberships confer nothing any more; their history stays,
 * and its id is not registered again.
 */
@Revision("1")
public record ProjectRemoved(OrganizationId organizationId, ProjectId projectId, WorkspaceId workspaceId,
		UserId actorUserId, Instant occurredAt, String correlationId) implements MembershipEvent {

	@Override
	public Optional<WorkspaceId> workspace() {
		return Optional.of(this.workspaceId);
	}

	@Override
	public Optional<ProjectId> project() {
		return Optional.of(this.projectId);
	}

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
