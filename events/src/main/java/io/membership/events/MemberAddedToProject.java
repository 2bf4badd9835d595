package io.membership.events;

import java.time.Instant;
import java.util.Optional;

import org.axonframework.serialization.Revision;

import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;

/**
 * An active member was added to a project, with a project role ({@code AN} or {@code RE})
 * or none ({@code projectRole} null: Inherit, they act as their organization role).
 */
@Revision("1")
public record MemberAddedToProject(OrganizationId organizationId, ProjectId projectId, UserId userId, Role projectRole,
		String reason, UserId actorUserId, Instant occurredAt, String correlationId) implements MembershipEvent {

	@Override
	public Optional<UserId> subject() {
		return Optional.of(this.userId);
	}

	@Override
	public Optional<ProjectId> project() {
		return Optional.of(this.projectId);
	}

	@Override
	public Optional<String> givenReason() {
		return Optional.ofNullable(this.reason);
	}

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
