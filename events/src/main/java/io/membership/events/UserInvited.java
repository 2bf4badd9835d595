package io.membership.events;

import java.time.Instant;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnore;
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
 * the invitee is added to on joining (as Inherit); a payload stored before they existed
 * has none and reads as an invitation to no project.
 *
 * <p>
 * Revision 2 keeps the address out of the event: {@code email} is the invitee's address
 * as the command side knows it, never written to the event's JSON (the event store and
 * {@code membership.events.v1}); it is kept apart under the key
 * {@code invitation:<invitation_id>} and is null once erased or when read from Kafka.
 */
@Revision("2")
public record UserInvited(OrganizationId organizationId, InvitationId invitationId, @JsonIgnore String email, Role role,
		Set<WorkspaceId> workspaces, Set<ProjectId> projects, Instant expiresAt, UserId actorUserId, Instant occurredAt,
		String correlationId) implements MembershipEvent, AddressKeptApart {

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
	public String personalDataKey() {
		return AddressKeptApart.invitationKey(this.invitationId);
	}

	@Override
	public UserInvited withEmail(String address) {
		return new UserInvited(this.organizationId, this.invitationId, address, this.role, this.workspaces,
				this.projects, this.expiresAt, this.actorUserId, this.occurredAt, this.correlationId);
	}

	@Override
	public int publishedVersion() {
		return 2;
	}

	@Override
	public <R> R accept(MembershipEventVisitor<R> visitor) {
		return visitor.on(this);
	}

}
