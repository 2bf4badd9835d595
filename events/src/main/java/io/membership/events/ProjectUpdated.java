package io.membership.events;

import java.time.Instant;
import java.util.Optional;

import org.axonframework.serialization.Revision;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * A project's workspace, title or setting changed. It carries the whole project as it is
 * now, and the workspace it was in before ({@code previousWorkspaceId}, the same as
 * {@code workspaceId} unless it moved), so a reader needs no earlier event to apply it.
 */
@Revision("1")
public record ProjectUpdated(OrganizationId organizationId, ProjectId projectId, WorkspaceId previousWorkspaceId,
		WorkspaceId workspaceId, String title, boolean annotatorsViewOwnData, UserId actorUserId, Instant occurredAt,
		String correlationId) implements MembershipEvent {

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
