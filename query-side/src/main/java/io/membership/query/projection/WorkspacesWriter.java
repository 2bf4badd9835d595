package io.membership.query.projection;

import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.WorkspaceCreated;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * The organization's workspaces ({@code qs_workspaces}) and who is assigned to each now
 * ({@code qs_member_workspaces}).
 */
final class WorkspacesWriter {

	private final JdbcClient jdbc;

	private final Applying applying;

	WorkspacesWriter(JdbcClient jdbc, Applying applying) {
		this.jdbc = jdbc;
		this.applying = applying;
	}

	void created(WorkspaceCreated created) {
		this.jdbc
			.sql("INSERT INTO qs_workspaces (organization_id, workspace_id, title, created_at, created_by) "
					+ "VALUES (?, ?, ?, ?, ?)")
			.params(this.applying.organization().value(), created.workspaceId().value(), created.title(),
					this.applying.at(), created.actorUserId().value())
			.update();
	}

	void joined(MemberJoined joined) {
		for (WorkspaceId workspace : joined.workspaces()) {
			insertAssignment(joined.userId(), workspace);
		}
	}

	void assigned(MemberAssignedToWorkspace assigned) {
		insertAssignment(assigned.userId(), assigned.workspaceId());
	}

	void removed(MemberRemovedFromWorkspace removed) {
		this.jdbc.sql("DELETE FROM qs_member_workspaces WHERE organization_id = ? AND user_id = ? AND workspace_id = ?")
			.params(this.applying.organization().value(), removed.userId().value(), removed.workspaceId().value())
			.update();
	}

	private void insertAssignment(UserId user, WorkspaceId workspace) {
		this.jdbc
			.sql("INSERT INTO qs_member_workspaces (organization_id, user_id, workspace_id, assigned_at) "
					+ "VALUES (?, ?, ?, ?)")
			.params(this.applying.organization().value(), user.value(), workspace.value(), this.applying.at())
			.update();
	}

}
