package io.membership.query.projection;

import org.springframework.jdbc.core.simple.JdbcClient;

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
import io.membership.events.MembershipEventVisitor;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.ProjectRegistered;
import io.membership.events.ProjectRemoved;
import io.membership.events.ProjectRoleChanged;
import io.membership.events.ProjectUpdated;
import io.membership.events.UserInvited;
import io.membership.events.WorkspaceCreated;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * The organization's workspaces ({@code qs_workspaces}) and who is assigned to each now
 * ({@code qs_member_workspaces}).
 */
final class WorkspacesWriter implements MembershipEventVisitor<Void> {

	private final JdbcClient jdbc;

	private final Applying applying;

	WorkspacesWriter(JdbcClient jdbc, Applying applying) {
		this.jdbc = jdbc;
		this.applying = applying;
	}

	void write() {
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
		for (WorkspaceId workspace : joined.workspaces()) {
			insertAssignment(joined.userId(), workspace);
		}
		return null;
	}

	// A deactivated member keeps their assignments, which confer nothing while they are.
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
		this.jdbc
			.sql("INSERT INTO qs_workspaces (organization_id, workspace_id, title, created_at, created_by) "
					+ "VALUES (?, ?, ?, ?, ?)")
			.params(this.applying.organization().value(), created.workspaceId().value(), created.title(),
					this.applying.at(), created.actorUserId().value())
			.update();
		return null;
	}

	@Override
	public Void on(MemberAssignedToWorkspace assigned) {
		insertAssignment(assigned.userId(), assigned.workspaceId());
		return null;
	}

	@Override
	public Void on(MemberRemovedFromWorkspace removed) {
		this.jdbc.sql("DELETE FROM qs_member_workspaces WHERE organization_id = ? AND user_id = ? AND workspace_id = ?")
			.params(this.applying.organization().value(), removed.userId().value(), removed.workspaceId().value())
			.update();
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
		return null;
	}

	@Override
	public Void on(ProjectRoleChanged changed) {
		return null;
	}

	@Override
	public Void on(MemberRemovedFromProject removed) {
		return null;
	}

	private void insertAssignment(UserId user, WorkspaceId workspace) {
		this.jdbc
			.sql("INSERT INTO qs_member_workspaces (organization_id, user_id, workspace_id, assigned_at) "
					+ "VALUES (?, ?, ?, ?)")
			.params(this.applying.organization().value(), user.value(), workspace.value(), this.applying.at())
			.update();
	}

}
