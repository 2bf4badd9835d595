package io.membership.events;

import java.time.Instant;
import java.util.Optional;

import org.axonframework.serialization.Revision;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * The upstream app registered one of its projects, under its own id, in a workspace.
 * {@code annotatorsViewOwnData} is the project setting that lets Annotators view their
 * own project data.
 */
@Revision("1")
public record ProjectRegistered(OrganizationId organizationId, ProjectId projectId, WorkspaceId workspaceId,
		String title, boolean annotatorsViewOwnData, UserId actorUserId, Instant occurredAt,
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
