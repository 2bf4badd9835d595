package io.membership.query.projection;

import io.membership.events.InvitationRevoked;
import io.membership.events.InviteLinkReset;
import io.membership.events.MemberActivated;
import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemovedFromProject;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEvent;
import io.membership.events.MembershipEventVisitor;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.ProjectRegistered;
import io.membership.events.ProjectRemoved;
import io.membership.events.ProjectRoleChanged;
import io.membership.events.ProjectUpdated;
import io.membership.events.UserInvited;
import io.membership.events.WorkspaceCreated;
import io.membership.events.access.Role;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.query.projection.Applying.MemberChange;

/**
 * Every change of a member's role ({@code qs_role_history}), with who decided it, why,
 * and in which request. A change of the organization role is read off the member states
 * before and after the event, whichever event made it; a change of a project role is said
 * by the event itself: joining a project (from nothing), a new project role, leaving it
 * (to nothing). Null roles are Inherit or nothing; the entry's type tells which.
 */
final class RoleHistoryWriter implements MembershipEventVisitor<Void> {

	private final Applying applying;

	RoleHistoryWriter(Applying applying) {
		this.applying = applying;
	}

	void write() {
		for (MemberChange change : this.applying.changes()) {
			if (change.fromRole() != change.after().role()) {
				addEntry(change.after().userId(), null, change.fromRole(), change.after().role());
			}
		}
		this.applying.event().accept(this);
	}

	@Override
	public Void on(OrganizationCreated created) {
		return null;
	}

	@Override
	public Void on(UserInvited invited) {
		return null;
	}

	@Override
	public Void on(InvitationRevoked revoked) {
		return null;
	}

	@Override
	public Void on(InviteLinkReset reset) {
		return null;
	}

	@Override
	public Void on(MemberJoined joined) {
		return null;
	}

	@Override
	public Void on(MemberActivated activated) {
		return null;
	}

	@Override
	public Void on(MemberRoleChanged changed) {
		return null;
	}

	@Override
	public Void on(MemberDeactivated deactivated) {
		return null;
	}

	@Override
	public Void on(OwnershipTransferred transferred) {
		return null;
	}

	@Override
	public Void on(WorkspaceCreated created) {
		return null;
	}

	@Override
	public Void on(MemberAssignedToWorkspace assigned) {
		return null;
	}

	@Override
	public Void on(MemberRemovedFromWorkspace removed) {
		return null;
	}

	@Override
	public Void on(ProjectRegistered registered) {
		return null;
	}

	@Override
	public Void on(ProjectUpdated updated) {
		return null;
	}

	@Override
	public Void on(ProjectRemoved removed) {
		return null;
	}

	@Override
	public Void on(MemberAddedToProject added) {
		addEntry(added.userId(), added.projectId(), null, added.projectRole());
		return null;
	}

	@Override
	public Void on(ProjectRoleChanged changed) {
		addEntry(changed.userId(), changed.projectId(), changed.fromRole(), changed.toRole());
		return null;
	}

	@Override
	public Void on(MemberRemovedFromProject removed) {
		addEntry(removed.userId(), removed.projectId(), removed.projectRole(), null);
		return null;
	}

	/**
	 * @param project null for the organization role
	 */
	private void addEntry(UserId user, ProjectId project, Role from, Role to) {
		MembershipEvent event = this.applying.event();
		this.applying.batch()
			.add("INSERT INTO qs_role_history (organization_id, user_id, version, event_id, occurred_at, "
					+ "actor_user_id, type, project_id, from_role, to_role, reason, correlation_id) "
					+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", event.organizationId().value(), user.value(),
					this.applying.version(), this.applying.eventId(), this.applying.at(), event.actorUserId().value(),
					event.typeName(), (project != null) ? project.value() : null, StoredRole.code(from),
					StoredRole.code(to), event.givenReason().orElse(null), event.correlationId());
	}

}
