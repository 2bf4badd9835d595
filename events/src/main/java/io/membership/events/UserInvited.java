package io.membership.events;

import java.time.Instant;
import java.util.Set;

import org.axonframework.serialization.Revision;

import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * An Administrator or Owner invited someone by email. With a role the invitee is active
 * on sign-up; with a null role they join as Not Activated. {@code projects}: the projects
 * the invitee is added to on joining (as Inherit).
 *
 * <p>
 * Still revision 1: {@code projects} came later as an optional member. A payload stored
 * before it has none and reads as an invitation to no project; its stored bytes, and with
 * them its audit hash, are never rewritten.
 */
@Revision("1")
public record UserInvited(OrganizationId organizationId, InvitationId invitationId, String email, Role role,
		Set<WorkspaceId> workspaces, Set<ProjectId> projects, Instant expiresAt, UserId actorUserId, Instant occurredAt,
		String correlationId) implements MembershipEvent {

	public UserInvited {
		workspaces = WorkspaceId.sortedSet(workspaces);
		projects = ProjectId.sortedSet(projects);
	}

	/** An invitation to no project. */
	public UserInvited(OrganizationId organizationId, InvitationId invitationId, String email, Role role,
			Set<WorkspaceId> workspaces, Instant expiresAt, UserId actorUserId, Instant occurredAt,
			String correlationId) {
		this(organizationId, invitationId, email, role, workspaces, Set.of(), expiresAt, actorUserId, occurredAt,
				correlationId);
	}

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
