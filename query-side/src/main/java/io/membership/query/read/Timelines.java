package io.membership.query.read;

import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;

import io.membership.events.access.ProjectAccess;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.json.MembershipJson;
import io.membership.events.state.MemberState;

/**
 * The versions the projections reflect and every member's timeline: what a query needs to
 * answer now or as of any instant, and what the projection itself needs to know before it
 * applies the next event. The one place that reads {@code qs_member_timeline} and an
 * organization's version.
 */
@Repository
public class Timelines {

	/** Members per statement of {@link #latestStates}, to keep its parameters few. */
	private static final int STATES_PER_STATEMENT = 500;

	private final JdbcClient jdbc;

	/** Whether the database is PostgreSQL, asked once, on first need. */
	private volatile Boolean postgres;

	public Timelines(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The version this organization's views reflect, or 0 if none of its events arrived.
	 */
	public long versionOf(OrganizationId organization) {
		return this.jdbc.sql("SELECT version FROM qs_organizations WHERE organization_id = ?")
			.param(organization.value())
			.query(Long.class)
			.optional()
			.orElse(0L);
	}

	/**
	 * The organization's version as it stood at an instant: its last event at or before
	 * it.
	 */
	public long versionAt(OrganizationId organization, Instant instant) {
		return this.jdbc
			.sql("SELECT COALESCE(MAX(version), 0) FROM qs_activity_log WHERE organization_id = ? AND occurred_at <= ?")
			.params(organization.value(), Timestamps.utc(instant))
			.query(Long.class)
			.single();
	}

	/** A member's latest state on the timeline, which is their current one. */
	public Optional<MemberState> latestState(OrganizationId organization, UserId user) {
		return stateAt(organization, user, null);
	}

	/**
	 * The latest states of many members at once, for the projection, which needs those of
	 * every member a poll's events name: one statement (per
	 * {@value #STATES_PER_STATEMENT} members) instead of one each. Every member asked
	 * about is in the answer, empty if they are no member (no timeline, or one that ends
	 * with their removal).
	 */
	public Map<OrganizationId, Map<UserId, Optional<MemberState>>> latestStates(
			Map<OrganizationId, Set<UserId>> members) {
		Map<OrganizationId, Map<UserId, Optional<MemberState>>> states = new HashMap<>();
		List<Object[]> pairs = new ArrayList<>();
		members.forEach((organization, users) -> users.forEach((user) -> {
			states.computeIfAbsent(organization, (any) -> new HashMap<>()).put(user, Optional.empty());
			pairs.add(new Object[] { organization.value(), user.value() });
		}));
		for (int from = 0; from < pairs.size(); from += STATES_PER_STATEMENT) {
			List<Object[]> chunk = pairs.subList(from, Math.min(from + STATES_PER_STATEMENT, pairs.size()));
			List<Object> params = new ArrayList<>();
			chunk.forEach((pair) -> params.addAll(List.of(pair)));
			this.jdbc.sql(latestStatesSql(chunk.size())).params(params).query((row) -> {
				UserId user = UserId.of(row.getLong(2));
				states.get(new OrganizationId(row.getString(1)))
					.put(user, Optional.of(new MemberState(user, Role.fromCode(row.getString(3)).orElseThrow(),
							workspaces(row.getString(4)), projects(row.getString(5)))));
			});
		}
		return states;
	}

	/**
	 * The statement of {@link #latestStates} for so many members: a list of keys, each
	 * looked up by the primary key, newest version first; a member whose latest row says
	 * they were removed has no state. On PostgreSQL a lateral join says so outright: a
	 * join to a correlated {@code MAX(version)}, planned while the table was empty (as at
	 * the start of a rebuild), became a hash join over a sequential scan, and PostgreSQL
	 * kept that generic plan for the reused statement while the table grew to millions of
	 * rows. H2 has no lateral joins; it looks up the join's keys by the primary key, one
	 * at a time, whatever the table's size. The first row's casts type the list's
	 * columns.
	 */
	private String latestStatesSql(int members) {
		String keys = "(CAST(? AS VARCHAR(64)), CAST(? AS BIGINT))" + ", (?, ?)".repeat(members - 1);
		if (isPostgres()) {
			return "SELECT t.organization_id, t.user_id, t.role, t.workspaces, t.projects FROM (VALUES " + keys
					+ ") AS k (organization_id, user_id) CROSS JOIN LATERAL (SELECT l.organization_id, l.user_id, "
					+ "l.role, l.workspaces, l.projects, l.removed FROM qs_member_timeline l "
					+ "WHERE l.organization_id = k.organization_id AND l.user_id = k.user_id "
					+ "ORDER BY l.version DESC LIMIT 1) AS t WHERE NOT t.removed";
		}
		return "SELECT t.organization_id, t.user_id, t.role, t.workspaces, t.projects FROM qs_member_timeline t "
				+ "JOIN (VALUES " + keys + ") AS k (organization_id, user_id) "
				+ "ON t.organization_id = k.organization_id AND t.user_id = k.user_id "
				+ "WHERE t.version = (SELECT MAX(l.version) FROM qs_member_timeline l "
				+ "WHERE l.organization_id = k.organization_id AND l.user_id = k.user_id) AND NOT t.removed";
	}

	private boolean isPostgres() {
		Boolean postgres = this.postgres;
		if (postgres == null) {
			postgres = this.jdbc.sql("SELECT 1")
				.query((ResultSet rows) -> rows.getStatement()
					.getConnection()
					.getMetaData()
					.getDatabaseProductName()
					.toLowerCase(Locale.ROOT)
					.contains("postgres"));
			this.postgres = postgres;
		}
		return postgres;
	}

	/**
	 * A member's state as it stood at an instant (or now, for null): the last timeline
	 * row at or before it. Empty if they were not a member then (not yet, or removed).
	 */
	public Optional<MemberState> stateAt(OrganizationId organization, UserId user, Instant instant) {
		String upTo = (instant != null) ? " AND occurred_at <= ?" : "";
		List<Object> params = new ArrayList<>(List.of(organization.value(), user.value()));
		if (instant != null) {
			params.add(Timestamps.utc(instant));
		}
		return this.jdbc
			.sql("SELECT role, workspaces, projects, removed FROM qs_member_timeline WHERE organization_id = ? "
					+ "AND user_id = ?" + upTo + " ORDER BY version DESC LIMIT 1")
			.params(params)
			.query((row, number) -> row.getBoolean(4) ? Optional.<MemberState>empty()
					: Optional.of(new MemberState(user, Role.fromCode(row.getString(1)).orElseThrow(),
							workspaces(row.getString(2)), projects(row.getString(3)))))
			.optional()
			.flatMap((stood) -> stood);
	}

	/**
	 * Every member's state as it stood at an instant (or now, for null): each one's last
	 * timeline row at or before it. Those who were not members then (not yet, or removed)
	 * are absent.
	 */
	public Map<UserId, MemberState> statesAt(OrganizationId organization, Instant instant) {
		String upTo = (instant != null) ? " AND l.occurred_at <= ?" : "";
		List<Object> params = new ArrayList<>(List.of(organization.value()));
		if (instant != null) {
			params.add(Timestamps.utc(instant));
		}
		Map<UserId, MemberState> states = new TreeMap<>(Comparator.comparingLong(UserId::value));
		this.jdbc
			.sql("SELECT t.user_id, t.role, t.workspaces, t.projects FROM qs_member_timeline t "
					+ "WHERE t.organization_id = ? AND t.version = (SELECT MAX(l.version) FROM qs_member_timeline l "
					+ "WHERE l.organization_id = t.organization_id AND l.user_id = t.user_id" + upTo + ") "
					+ "AND NOT t.removed")
			.params(params)
			.query((row) -> {
				UserId user = UserId.of(row.getLong(1));
				states.put(user, new MemberState(user, Role.fromCode(row.getString(2)).orElseThrow(),
						workspaces(row.getString(3)), projects(row.getString(4))));
			});
		return states;
	}

	/**
	 * What a check needs to know of a project as it stood at an instant: its last
	 * timeline row at or before it. Empty if it was not registered yet, or removed.
	 */
	public Optional<ProjectAccess.Project> projectAt(OrganizationId organization, ProjectId project, Instant instant) {
		return this.jdbc
			.sql("SELECT workspace_id, annotators_view_own_data, removed FROM qs_project_timeline "
					+ "WHERE organization_id = ? AND project_id = ? AND occurred_at <= ? ORDER BY version DESC LIMIT 1")
			.params(organization.value(), project.value(), Timestamps.utc(instant))
			.query((row, number) -> row.getBoolean(3) ? Optional.<ProjectAccess.Project>empty()
					: Optional
						.of(new ProjectAccess.Project(project, new WorkspaceId(row.getString(1)), row.getBoolean(2))))
			.optional()
			.flatMap((stood) -> stood);
	}

	/**
	 * A timeline row's project memberships, stored as a JSON object of project ids to
	 * project roles (null: Inherit).
	 */
	public static Map<ProjectId, Role> projects(String json) {
		Map<String, String> stored = MembershipJson.mapper().readValue(json, new TypeReference<Map<String, String>>() {
		});
		Map<ProjectId, Role> projects = new TreeMap<>();
		stored.forEach((project, role) -> projects.put(new ProjectId(project),
				(role != null) ? Role.fromCode(role).orElseThrow() : null));
		return projects;
	}

	/** Project memberships as {@link #projects(String)} reads them. */
	public static String projectsJson(Map<ProjectId, Role> projects) {
		Map<String, String> stored = new TreeMap<>();
		projects.forEach((project, role) -> stored.put(project.value(), (role != null) ? role.code() : null));
		return MembershipJson.mapper().writeValueAsString(stored);
	}

	/** A timeline row's workspaces, stored as a JSON array of ids. */
	public static Set<WorkspaceId> workspaces(String json) {
		return new TreeSet<>(MembershipJson.mapper().readValue(json, new TypeReference<Set<WorkspaceId>>() {
		}));
	}

}
