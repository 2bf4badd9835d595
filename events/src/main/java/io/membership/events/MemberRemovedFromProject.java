package io.membership.events;

import java.time.Instant;
import java.util.Optional;

import org.axonframework.serialization.Revision;

import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;

/**
 * A member was removed from a project; {@code projectRole} is the project role they had
 * there (null: Inherit).
 */
@Revision("1")
public record MemberRemovedFromProject(OrganizationId organizationId, ProjectId projectId, UserId userId,
		Role projectRole, UserId actorUserId, Instant occurredAt, String correlationId) implements MembershipEvent {

	@Override
	public Optional<UserId> subject() {
		return Optional.of(this.userId);
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
