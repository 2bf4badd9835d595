package io.membership.query.projection;

import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.InvitationRevoked;
import io.membership.events.InviteLinkReset;
import io.membership.events.MemberActivated;
import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemoved;
import io.membership.events.MemberRemovedFromProject;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEventVisitor;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.PersonalDataErased;
import io.membership.events.ProjectRegistered;
import io.membership.events.ProjectRemoved;
import io.membership.events.ProjectRoleChanged;
import io.membership.events.ProjectUpdated;
import io.membership.events.UserInvited;
import io.membership.events.WorkspaceCreated;

/**
 * Which views each event type changes, in one place: it hands the event to the writer of
 * each. A visitor, so a new event type does not compile until it is routed here (the
 * timeline, the organization roles' history and the activity log take every event alike,
 * and {@link MembershipProjection} gives it to them).
 */
final class EventRoutes implements MembershipEventVisitor<Void> {

	private final MembersWriter members;

	private final WorkspacesWriter workspaces;

	private final ProjectsWriter projects;

	private final RoleHistoryWriter roleHistory;

	private final PersonalDataProjection personalData;

	EventRoutes(JdbcClient jdbc, Applying applying) {
		this.members = new MembersWriter(jdbc, applying);
		this.workspaces = new WorkspacesWriter(applying);
		this.projects = new ProjectsWriter(jdbc, applying);
		this.roleHistory = new RoleHistoryWriter(applying);
		this.personalData = new PersonalDataProjection(jdbc);
	}

	@Override
	public Void on(OrganizationCreated created) {
		this.members.created(created);
		return null;
	}

	@Override
	public Void on(UserInvited invited) {
		this.members.invited(invited);
		return null;
	}

	@Override
	public Void on(InvitationRevoked revoked) {
		this.members.revoked(revoked);
		return null;
	}

	// No view but the activity log holds the invite link.
	@Override
	public Void on(InviteLinkReset reset) {
		return null;
	}

	@Override
	public Void on(MemberJoined joined) {
		this.members.joined(joined);
		this.workspaces.joined(joined);
		return null;
	}

	@Override
	public Void on(MemberActivated activated) {
		this.members.activated(activated);
		return null;
	}

	@Override
	public Void on(MemberRoleChanged changed) {
		this.members.roleChanged(changed);
		return null;
	}

	// A deactivated member keeps their workspace assignments, which confer nothing
	// while they are deactivated.
	@Override
	public Void on(MemberDeactivated deactivated) {
		this.members.deactivated(deactivated);
		return null;
	}

	@Override
	public Void on(OwnershipTransferred transferred) {
		this.members.ownershipTransferred(transferred);
		return null;
	}

	@Override
	public Void on(WorkspaceCreated created) {
		this.workspaces.created(created);
		return null;
	}

	@Override
	public Void on(MemberAssignedToWorkspace assigned) {
		this.workspaces.assigned(assigned);
		return null;
	}

	@Override
	public Void on(MemberRemovedFromWorkspace removed) {
		this.workspaces.removed(removed);
		return null;
	}

	@Override
	public Void on(ProjectRegistered registered) {
		this.projects.registered(registered);
		return null;
	}

	@Override
	public Void on(ProjectUpdated updated) {
		this.projects.updated(updated);
		return null;
	}

	@Override
	public Void on(ProjectRemoved removed) {
		this.projects.removed(removed);
		return null;
	}

	// A project role is not the member's role: the members' role and role_changed_at
	// stay about the organization.
	@Override
	public Void on(MemberAddedToProject added) {
		this.projects.memberAdded(added);
		this.roleHistory.projectRoleChanged(added.userId(), added.projectId(), null, added.projectRole());
		return null;
	}

	@Override
	public Void on(ProjectRoleChanged changed) {
		this.projects.projectRoleChanged(changed);
		this.roleHistory.projectRoleChanged(changed.userId(), changed.projectId(), changed.fromRole(),
				changed.toRole());
		return null;
	}

	@Override
	public Void on(MemberRemovedFromProject removed) {
		this.projects.memberRemoved(removed);
		this.roleHistory.projectRoleChanged(removed.userId(), removed.projectId(), removed.projectRole(), null);
		return null;
	}

	/**
	 * The member leaves every view of members now, with their workspaces and projects;
	 * the timeline and the role history (organization-level, written for every event) say
	 * the membership ended, and the activity log keeps the event. The project memberships
	 * they leave are not entries of their own: the removal's entry says it.
	 */
	@Override
	public Void on(MemberRemoved removed) {
		this.members.removed(removed);
		this.workspaces.memberRemoved(removed);
		this.projects.memberRemoved(removed);
		return null;
	}

	/**
	 * The person's addresses are forgotten at once, before the topic's tombstones arrive;
	 * no role, workspace or project changes, so the role history and the timeline do not
	 * change either (the activity log keeps the event).
	 */
	@Override
	public Void on(PersonalDataErased erased) {
		this.personalData.erased(erased);
		return null;
	}

}
