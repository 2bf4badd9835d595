package io.membership.query.read;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.membership.events.access.ProjectAccess;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.WorkspaceId;

/**
 * An organization's projects now or as they stood at an instant, read from their
 * timelines (a project's latest row is its current state), so that both answers come from
 * one query. Call it inside a {@link ReadSnapshot} so that the rows and the version
 * answered agree.
 */
@Repository
public class ProjectReads {

	private final JdbcClient jdbc;

	public ProjectReads(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The projects that existed at the instant (or now, for null) and were not removed by
	 * then, in the order they were registered.
	 */
	public List<ProjectRecord> at(OrganizationId organization, Instant instant) {
		String upTo = (instant != null) ? " AND l.occurred_at <= ?" : "";
		List<Object> params = new ArrayList<>(List.of(organization.value()));
		if (instant != null) {
			params.add(Timestamps.utc(instant));
		}
		return this.jdbc.sql("SELECT t.project_id, t.workspace_id, t.title, t.annotators_view_own_data, "
				+ "(SELECT MIN(f.occurred_at) FROM qs_project_timeline f WHERE f.organization_id = t.organization_id "
				+ "AND f.project_id = t.project_id) AS registered_at FROM qs_project_timeline t "
				+ "WHERE t.organization_id = ? AND t.removed = FALSE AND t.version = (SELECT MAX(l.version) "
				+ "FROM qs_project_timeline l WHERE l.organization_id = t.organization_id "
				+ "AND l.project_id = t.project_id" + upTo + ") ORDER BY registered_at, t.project_id")
			.params(params)
			.query((row, number) -> new ProjectRecord(new ProjectId(row.getString("project_id")),
					new WorkspaceId(row.getString("workspace_id")), row.getString("title"),
					row.getBoolean("annotators_view_own_data"), Timestamps.instant(row, "registered_at")))
			.list();
	}

	/**
	 * A project as it stood: where it is, what it is called, its one setting, and when it
	 * was first registered.
	 */
	public record ProjectRecord(ProjectId projectId, WorkspaceId workspaceId, String title,
			boolean annotatorsViewOwnData, Instant registeredAt) {

		/** The project as the permission model decides with it. */
		public ProjectAccess.Project access() {
			return new ProjectAccess.Project(this.projectId, this.workspaceId, this.annotatorsViewOwnData);
		}

	}

}
