package io.membership.query.projection;

import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberRemovedFromProject;
import io.membership.events.ProjectRegistered;
import io.membership.events.ProjectRemoved;
import io.membership.events.ProjectRoleChanged;
import io.membership.events.ProjectUpdated;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.WorkspaceId;

/**
 * The upstream app's projects as they are now ({@code qs_projects}), who is in each with
 * which project role ({@code qs_project_members}), and every state a project was in
 * ({@code qs_project_timeline}), for checks as of any instant.
 */
final class ProjectsWriter {

	private final JdbcClient jdbc;

	private final Applying applying;

	ProjectsWriter(JdbcClient jdbc, Applying applying) {
		this.jdbc = jdbc;
		this.applying = applying;
	}

	void registered(ProjectRegistered registered) {
		this.jdbc
			.sql("INSERT INTO qs_projects (organization_id, project_id, workspace_id, title, "
					+ "annotators_view_own_data, registered_at, registered_by) VALUES (?, ?, ?, ?, ?, ?, ?)")
			.params(this.applying.organization().value(), registered.projectId().value(),
					registered.workspaceId().value(), registered.title(), registered.annotatorsViewOwnData(),
					this.applying.at(), registered.actorUserId().value())
			.update();
		recordProject(registered.projectId(), registered.workspaceId(), registered.title(),
				registered.annotatorsViewOwnData(), false);
	}

	void updated(ProjectUpdated updated) {
		this.jdbc
			.sql("UPDATE qs_projects SET workspace_id = ?, title = ?, annotators_view_own_data = ? "
					+ "WHERE organization_id = ? AND project_id = ?")
			.params(updated.workspaceId().value(), updated.title(), updated.annotatorsViewOwnData(),
					this.applying.organization().value(), updated.projectId().value())
			.update();
		recordProject(updated.projectId(), updated.workspaceId(), updated.title(), updated.annotatorsViewOwnData(),
				false);
	}

	void removed(ProjectRemoved removed) {
		String organization = this.applying.organization().value();
		this.jdbc.sql("UPDATE qs_projects SET removed_at = ? WHERE organization_id = ? AND project_id = ?")
			.params(this.applying.at(), organization, removed.projectId().value())
			.update();
		this.jdbc.sql("DELETE FROM qs_project_members WHERE organization_id = ? AND project_id = ?")
			.params(organization, removed.projectId().value())
			.update();
		this.jdbc
			.sql("SELECT title, annotators_view_own_data FROM qs_projects WHERE organization_id = ? "
					+ "AND project_id = ?")
			.params(organization, removed.projectId().value())
			.query((row, number) -> {
				recordProject(removed.projectId(), removed.workspaceId(), row.getString(1), row.getBoolean(2), true);
				return null;
			})
			.list();
	}

	void memberAdded(MemberAddedToProject added) {
		this.jdbc
			.sql("INSERT INTO qs_project_members (organization_id, project_id, user_id, project_role, added_at) "
					+ "VALUES (?, ?, ?, ?, ?)")
			.params(this.applying.organization().value(), added.projectId().value(), added.userId().value(),
					StoredRole.code(added.projectRole()), this.applying.at())
			.update();
	}

	void projectRoleChanged(ProjectRoleChanged changed) {
		this.jdbc
			.sql("UPDATE qs_project_members SET project_role = ? WHERE organization_id = ? AND project_id = ? "
					+ "AND user_id = ?")
			.params(StoredRole.code(changed.toRole()), this.applying.organization().value(),
					changed.projectId().value(), changed.userId().value())
			.update();
	}

	void memberRemoved(MemberRemovedFromProject removed) {
		this.jdbc.sql("DELETE FROM qs_project_members WHERE organization_id = ? AND project_id = ? AND user_id = ?")
			.params(this.applying.organization().value(), removed.projectId().value(), removed.userId().value())
			.update();
	}

	/**
	 * A row of the project's timeline; insert-only, so it waits in the batch with the
	 * other rows nothing reads back while projecting.
	 */
	private void recordProject(ProjectId project, WorkspaceId workspace, String title, boolean annotatorsViewOwnData,
			boolean removed) {
		this.applying.batch()
			.add("INSERT INTO qs_project_timeline (organization_id, project_id, version, occurred_at, workspace_id, "
					+ "title, annotators_view_own_data, removed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
					this.applying.organization().value(), project.value(), this.applying.version(), this.applying.at(),
					workspace.value(), title, annotatorsViewOwnData, removed);
	}

}
