package io.membership.query.read;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.WorkspaceId;

/**
 * An organization's workspaces and who is assigned to them. Call it inside a
 * {@link ReadSnapshot} so that the rows and the version answered agree.
 */
@Repository
public class WorkspaceReads {

	private static final String WORKSPACE = "SELECT w.workspace_id, w.title, w.created_at, w.created_by, "
			+ "(SELECT COUNT(*) FROM qs_member_workspaces a WHERE a.organization_id = w.organization_id "
			+ "AND a.workspace_id = w.workspace_id) AS member_count FROM qs_workspaces w "
			+ "WHERE w.organization_id = :organization";

	private final JdbcClient jdbc;

	public WorkspaceReads(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Every workspace of the organization, oldest first. */
	public List<WorkspaceRecord> all(OrganizationId organization) {
		return this.jdbc.sql(WORKSPACE + " ORDER BY w.created_at, w.workspace_id")
			.param("organization", organization.value())
			.query((row, number) -> workspace(row))
			.list();
	}

	public Optional<WorkspaceRecord> one(OrganizationId organization, WorkspaceId workspace) {
		return this.jdbc.sql(WORKSPACE + " AND w.workspace_id = :workspace")
			.param("organization", organization.value())
			.param("workspace", workspace.value())
			.query((row, number) -> workspace(row))
			.optional();
	}

	/**
	 * Everyone assigned to the workspace, by user id, with their current role: a
	 * deactivated member keeps assignments that confer nothing, and is listed as
	 * {@code DI}.
	 */
	public List<WorkspaceMember> members(OrganizationId organization, WorkspaceId workspace) {
		return this.jdbc
			.sql("SELECT a.user_id, m.role, a.assigned_at FROM qs_member_workspaces a JOIN qs_members m "
					+ "ON m.organization_id = a.organization_id AND m.user_id = a.user_id "
					+ "WHERE a.organization_id = :organization AND a.workspace_id = :workspace ORDER BY a.user_id")
			.param("organization", organization.value())
			.param("workspace", workspace.value())
			.query((row, number) -> new WorkspaceMember(row.getLong("user_id"),
					Role.fromCode(row.getString("role")).orElseThrow(), Timestamps.instant(row, "assigned_at")))
			.list();
	}

	private static WorkspaceRecord workspace(ResultSet row) throws SQLException {
		return new WorkspaceRecord(new WorkspaceId(row.getString("workspace_id")), row.getString("title"),
				Timestamps.instant(row, "created_at"), row.getLong("created_by"), row.getLong("member_count"));
	}

	public record WorkspaceRecord(WorkspaceId workspaceId, String title, Instant createdAt, long createdBy,
			long memberCount) {
	}

	public record WorkspaceMember(long userId, Role role, Instant assignedAt) {
	}

}
