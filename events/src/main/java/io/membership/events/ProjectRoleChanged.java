package io.membership.events;

import java.time.Instant;
import java.util.Optional;

import org.axonframework.serialization.Revision;

import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;

/**
 * A project member's project role changed; either role may be null (Inherit: the member
 * acts as their organization role).
 */
@Revision("1")
public record ProjectRoleChanged(OrganizationId organizationId, ProjectId projectId, UserId userId, Role fromRole,
		Role toRole, String reason, UserId actorUserId, Instant occurredAt,
		String correlationId) implements MembershipEvent {

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
