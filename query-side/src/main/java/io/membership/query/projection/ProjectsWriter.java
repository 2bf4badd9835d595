package io.membership.query.projection;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberRemoved;
import io.membership.events.MemberRemovedFromProject;
import io.membership.events.ProjectRegistered;
import io.membership.events.ProjectRemoved;
import io.membership.events.ProjectRoleChanged;
import io.membership.events.ProjectUpdated;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
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
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("organization_id", this.applying.organization().value());
		row.put("project_id", registered.projectId().value());
		row.put("workspace_id", registered.workspaceId().value());
		row.put("title", registered.title());
		row.put("annotators_view_own_data", registered.annotatorsViewOwnData());
		row.put("registered_at", this.applying.at());
		row.put("registered_by", registered.actorUserId().value());
		projects().insert(row);
		recordProject(registered.projectId(), registered.workspaceId(), registered.title(),
				registered.annotatorsViewOwnData(), false);
	}

	void updated(ProjectUpdated updated) {
		Map<String, Object> columns = new LinkedHashMap<>();
		columns.put("workspace_id", updated.workspaceId().value());
		columns.put("title", updated.title());
		columns.put("annotators_view_own_data", updated.annotatorsViewOwnData());
		projects().update(projectKey(updated.projectId()), columns);
		recordProject(updated.projectId(), updated.workspaceId(), updated.title(), updated.annotatorsViewOwnData(),
				false);
	}

	void removed(ProjectRemoved removed) {
		List<Object> key = projectKey(removed.projectId());
		projects().update(key, Map.of("removed_at", this.applying.at()));
		this.applying.batch().projectMembers.deleteGroup(key);
		projects().current(key, this::storedProject)
			.ifPresent((project) -> recordProject(removed.projectId(), removed.workspaceId(),
					(String) project.get("title"), (Boolean) project.get("annotators_view_own_data"), true));
	}

	void memberAdded(MemberAddedToProject added) {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("organization_id", this.applying.organization().value());
		row.put("project_id", added.projectId().value());
		row.put("user_id", added.userId().value());
		row.put("project_role", StoredRole.code(added.projectRole()));
		row.put("added_at", this.applying.at());
		this.applying.batch().projectMembers.insert(row);
	}

	void projectRoleChanged(ProjectRoleChanged changed) {
		this.applying.batch().projectMembers.update(projectMemberKey(changed.projectId(), changed.userId()),
				Collections.singletonMap("project_role", StoredRole.code(changed.toRole())));
	}

	void memberRemoved(MemberRemovedFromProject removed) {
		this.applying.batch().projectMembers.delete(projectMemberKey(removed.projectId(), removed.userId()));
	}

	/** A removed member leaves every project they were in. */
	void memberRemoved(MemberRemoved removed) {
		for (ProjectId project : this.applying.stateBeforeRemoval(removed.userId()).projects().keySet()) {
			this.applying.batch().projectMembers.delete(projectMemberKey(project, removed.userId()));
		}
	}

	private TableChanges projects() {
		return this.applying.batch().projects;
	}

	private List<Object> projectKey(ProjectId project) {
		return List.of(this.applying.organization().value(), project.value());
	}

	private List<Object> projectMemberKey(ProjectId project, UserId user) {
		return List.of(this.applying.organization().value(), project.value(), user.value());
	}

	/** A project as the table holds it: only what its removal's timeline row needs. */
	private Optional<Map<String, Object>> storedProject(List<Object> key) {
		return this.jdbc
			.sql("SELECT title, annotators_view_own_data FROM qs_projects WHERE organization_id = ? "
					+ "AND project_id = ?")
			.params(key)
			.query((row, number) -> {
				Map<String, Object> project = new LinkedHashMap<>();
				project.put("title", row.getString(1));
				project.put("annotators_view_own_data", row.getBoolean(2));
				return project;
			})
			.optional();
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
