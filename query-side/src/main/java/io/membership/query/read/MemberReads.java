package io.membership.query.read;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.membership.events.MemberJoined;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.json.MembershipJson;
import io.membership.events.state.MemberState;
import io.membership.query.read.ActivityLogReads.PersonalData;

/**
 * Members as the projection tables hold them: the filtered, paged list, one member now or
 * as they stood at an instant, and a member's role history. Call it inside a
 * {@link ReadSnapshot} so that the rows and the version answered agree.
 */
@Repository
public class MemberReads {

	private static final String COLUMNS = "m.user_id, p.email, p.erased, m.role, m.invited_at, m.invited_by, "
			+ "m.joined_at, m.activated_at, m.role_changed_at";

	/**
	 * The members with their addresses: the view keeps none, {@code qs_personal_data} has
	 * each under the user's key (or has it erased, or does not know it).
	 */
	private static final String MEMBERS = " FROM qs_members m LEFT JOIN qs_personal_data p"
			+ " ON p.data_key = 'user:' || CAST(m.user_id AS VARCHAR(20))";

	private final JdbcClient jdbc;

	private final Timelines timelines;

	public MemberReads(JdbcClient jdbc, Timelines timelines) {
		this.jdbc = jdbc;
		this.timelines = timelines;
	}

	/** How many members pass the filter. */
	public long count(OrganizationId organization, MemberFilter filter) {
		Map<String, Object> params = new HashMap<>();
		String where = where(organization, filter, params);
		return this.jdbc.sql("SELECT COUNT(*)" + MEMBERS + where).params(params).query(Long.class).single();
	}

	/** One page of the members that pass the filter, by user id. */
	public List<MemberRecord> page(OrganizationId organization, MemberFilter filter, long offset, int limit) {
		Map<String, Object> params = new HashMap<>();
		String where = where(organization, filter, params);
		params.put("limit", limit);
		params.put("offset", offset);
		List<MemberRow> rows = this.jdbc
			.sql("SELECT " + COLUMNS + MEMBERS + where + " ORDER BY m.user_id LIMIT :limit OFFSET :offset")
			.params(params)
			.query(MemberReads::memberRow)
			.list();
		Map<Long, Set<WorkspaceId>> workspaces = workspacesOf(organization,
				rows.stream().map(MemberRow::userId).toList());
		return rows.stream().map((row) -> row.toRecord(workspaces.getOrDefault(row.userId(), Set.of()))).toList();
	}

	/** The member as they are now, if they are one. */
	public Optional<MemberRecord> current(OrganizationId organization, UserId user) {
		return this.jdbc
			.sql("SELECT " + COLUMNS + MEMBERS + " WHERE m.organization_id = :organization AND m.user_id = :user")
			.param("organization", organization.value())
			.param("user", user.value())
			.query(MemberReads::memberRow)
			.optional()
			.map((row) -> row
				.toRecord(workspacesOf(organization, List.of(row.userId())).getOrDefault(row.userId(), Set.of())));
	}

	/**
	 * The member as they stood at an instant: role and workspaces from their timeline,
	 * {@code activated_at} and {@code role_changed_at} from their role history up to it,
	 * within the membership that stood then (a member removed and invited again is a new
	 * member since they joined again). Empty if they were not a member then.
	 */
	public Optional<MemberRecord> asOf(OrganizationId organization, UserId user, Instant instant) {
		Optional<MemberState> then = this.timelines.stateAt(organization, user, instant);
		if (then.isEmpty()) {
			return Optional.empty();
		}
		MemberState state = then.get();
		Map<String, Object> params = new HashMap<>(
				Map.of("organization", organization.value(), "user", user.value(), "instant", Timestamps.utc(instant)));
		params.put("joined", joinedVersion(params));
		Instant activatedAt = latestRoleChange(params,
				"to_role NOT IN ('NO', 'DI') AND (from_role IS NULL OR from_role IN ('NO', 'DI'))");
		Instant roleChangedAt = latestRoleChange(params, "from_role IS NOT NULL");
		Optional<MemberRow> row = removedSince(params) ? earlierMembership(organization, user, params) : this.jdbc
			.sql("SELECT " + COLUMNS + MEMBERS + " WHERE m.organization_id = :organization AND m.user_id = :user")
			.param("organization", organization.value())
			.param("user", user.value())
			.query(MemberReads::memberRow)
			.optional();
		return row.map((member) -> new MemberRecord(member.userId(), member.email(), member.erased(), state.role(),
				state.workspaces(), member.invitedAt(), member.invitedBy(), member.joinedAt(), activatedAt,
				roleChangedAt));
	}

	/**
	 * The version at which the membership that stood at the instant began: the member's
	 * latest joining (or the organization's creation, for its first Owner) up to it.
	 */
	private long joinedVersion(Map<String, Object> params) {
		return this.jdbc
			.sql("SELECT MAX(version) FROM qs_role_history WHERE organization_id = :organization AND user_id = :user "
					+ "AND occurred_at <= :instant AND project_id IS NULL AND type IN ('OrganizationCreated', "
					+ "'MemberJoined')")
			.params(params)
			.query(Long.class)
			.single();
	}

	/**
	 * Whether the membership that began at {@code joined} was ended by a removal since.
	 */
	private boolean removedSince(Map<String, Object> params) {
		return this.jdbc
			.sql("SELECT COUNT(*) FROM qs_role_history WHERE organization_id = :organization AND user_id = :user "
					+ "AND version > :joined AND project_id IS NULL AND type = 'MemberRemoved'")
			.params(params)
			.query(Long.class)
			.single() > 0;
	}

	/**
	 * A membership that a removal ended, whose row {@code qs_members} no longer has: who
	 * the member was then, from the event that began it (as the activity log keeps it:
	 * their joining, or the organization's creation for a first Owner who handed on
	 * ownership and was removed since) and the invitation they accepted; their address
	 * from {@code qs_personal_data}, as for a current member (the log keeps none).
	 */
	private Optional<MemberRow> earlierMembership(OrganizationId organization, UserId user,
			Map<String, Object> params) {
		return this.jdbc
			.sql("SELECT a.occurred_at, a.details, a.type, p.email, p.erased FROM qs_activity_log a "
					+ "LEFT JOIN qs_personal_data p ON p.data_key = a.personal_data_key "
					+ "WHERE a.organization_id = :organization AND a.version = :joined")
			.params(params)
			.query((row, number) -> {
				Instant joinedAt = Timestamps.instant(row, 1);
				String email = row.getString(4);
				boolean erased = row.getBoolean(5);
				if ("OrganizationCreated".equals(row.getString(3))) {
					return new MemberRow(user.value(), email, erased, Role.OWNER, null, null, joinedAt, null, null);
				}
				MemberJoined joined = MembershipJson.mapper().readValue(row.getString(2), MemberJoined.class);
				Optional<Map<String, Object>> invitation = (joined.invitationId() == null) ? Optional.empty()
						: this.jdbc
							.sql("SELECT invited_at, invited_by FROM qs_invitations WHERE organization_id = ? "
									+ "AND invitation_id = ?")
							.params(organization.value(), joined.invitationId().value())
							.query((stored, at) -> Map.<String, Object>of("invited_at", Timestamps.instant(stored, 1),
									"invited_by", stored.getLong(2)))
							.optional();
				return new MemberRow(user.value(), email, erased, joined.role(),
						invitation.map((stored) -> (Instant) stored.get("invited_at")).orElse(null),
						invitation.map((stored) -> (Long) stored.get("invited_by")).orElse(null), joinedAt, null, null);
			})
			.optional();
	}

	/**
	 * The user's address as the service knows it now: null if it was erased or was never
	 * known.
	 */
	public PersonalData addressOf(UserId user) {
		return this.jdbc.sql("SELECT email, erased FROM qs_personal_data WHERE data_key = :key")
			.param("key", "user:" + user.value())
			.query((row, number) -> new PersonalData(row.getString(1), row.getBoolean(2)))
			.optional()
			.orElse(new PersonalData(null, false));
	}

	/** Every change of the member's role or status since they joined, oldest first. */
	public List<RoleChange> roleHistory(OrganizationId organization, UserId user) {
		return this.jdbc
			.sql("SELECT version, event_id, occurred_at, actor_user_id, type, project_id, from_role, to_role, reason, "
					+ "correlation_id FROM qs_role_history WHERE organization_id = :organization AND user_id = :user "
					+ "ORDER BY version")
			.param("organization", organization.value())
			.param("user", user.value())
			.query((row, number) -> new RoleChange(row.getLong("version"), row.getString("event_id"),
					Timestamps.instant(row, "occurred_at"), row.getLong("actor_user_id"), row.getString("type"),
					row.getString("project_id"), role(row, "from_role"), role(row, "to_role"), row.getString("reason"),
					row.getString("correlation_id")))
			.list();
	}

	/**
	 * When the latest change of role that meets the condition, up to the instant and
	 * since the membership then began ({@code joined}), occurred.
	 */
	private Instant latestRoleChange(Map<String, Object> params, String condition) {
		return this.jdbc
			.sql("SELECT occurred_at FROM qs_role_history WHERE organization_id = :organization AND user_id = :user "
					+ "AND occurred_at <= :instant AND version >= :joined AND project_id IS NULL AND " + condition
					+ " ORDER BY version DESC LIMIT 1")
			.params(params)
			.query((row, number) -> Timestamps.instant(row, 1))
			.optional()
			.orElse(null);
	}

	private Map<Long, Set<WorkspaceId>> workspacesOf(OrganizationId organization, List<Long> users) {
		Map<Long, Set<WorkspaceId>> workspaces = new LinkedHashMap<>();
		if (users.isEmpty()) {
			return workspaces;
		}
		this.jdbc
			.sql("SELECT user_id, workspace_id FROM qs_member_workspaces WHERE organization_id = :organization "
					+ "AND user_id IN (:users)")
			.param("organization", organization.value())
			.param("users", users)
			.query((row) -> {
				workspaces.computeIfAbsent(row.getLong(1), (user) -> new TreeSet<>())
					.add(new WorkspaceId(row.getString(2)));
			});
		return workspaces;
	}

	private static String where(OrganizationId organization, MemberFilter filter, Map<String, Object> params) {
		StringBuilder where = new StringBuilder(" WHERE m.organization_id = :organization");
		params.put("organization", organization.value());
		if (!filter.roles().isEmpty()) {
			where.append(" AND m.role IN (:roles)");
			params.put("roles", filter.roles().stream().map(Role::code).toList());
		}
		if (filter.search() != null) {
			String search = filter.search();
			where.append(" AND (LOWER(p.email) LIKE :pattern ESCAPE '!'");
			params.put("pattern", "%" + likeEscaped(search.toLowerCase(Locale.ROOT)) + "%");
			Long user = userIdIn(search);
			if (user != null) {
				where.append(" OR m.user_id = :searched");
				params.put("searched", user);
			}
			where.append(")");
		}
		if (filter.workspace() != null) {
			where.append(" AND EXISTS (SELECT 1 FROM qs_member_workspaces w WHERE w.organization_id = m.organization_id"
					+ " AND w.user_id = m.user_id AND w.workspace_id = :workspace)");
			params.put("workspace", filter.workspace().value());
		}
		return where.toString();
	}

	private static String likeEscaped(String text) {
		return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
	}

	private static Long userIdIn(String search) {
		try {
			long user = Long.parseLong(search);
			return (user > 0) ? user : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static MemberRow memberRow(ResultSet row, int number) throws SQLException {
		return new MemberRow(row.getLong("user_id"), row.getString("email"), row.getBoolean("erased"),
				role(row, "role"), Timestamps.instant(row, "invited_at"), Timestamps.nullableLong(row, "invited_by"),
				Timestamps.instant(row, "joined_at"), Timestamps.instant(row, "activated_at"),
				Timestamps.instant(row, "role_changed_at"));
	}

	private static Role role(ResultSet row, String column) throws SQLException {
		String code = row.getString(column);
		return (code != null) ? Role.fromCode(code).orElseThrow() : null;
	}

	/** Which members the list shows; an empty set of roles or a null means no filter. */
	public record MemberFilter(Set<Role> roles, String search, WorkspaceId workspace) {

		public MemberFilter {
			roles = Set.copyOf(roles);
		}

	}

	/**
	 * A member as the list and the member query show them; {@code activated_at} is the
	 * latest activation, {@code role_changed_at} the latest change after joining;
	 * {@code email} the address their identity provider vouched for last, null if it is
	 * not known or was erased ({@code erased}).
	 */
	public record MemberRecord(long userId, String email, boolean erased, Role role, Set<WorkspaceId> workspaces,
			Instant invitedAt, Long invitedBy, Instant joinedAt, Instant activatedAt, Instant roleChangedAt) {

		public MemberRecord {
			workspaces = WorkspaceId.sortedSet(workspaces);
		}

	}

	/**
	 * One change of a member's role or status, with who decided it, why, and in which
	 * request.
	 */
	public record RoleChange(long version, String eventId, Instant occurredAt, long actorUserId, String type,
			String projectId, Role fromRole, Role toRole, String reason, String correlationId) {
	}

	private record MemberRow(long userId, String email, boolean erased, Role role, Instant invitedAt, Long invitedBy,
			Instant joinedAt, Instant activatedAt, Instant roleChangedAt) {

		MemberRecord toRecord(Set<WorkspaceId> workspaces) {
			return new MemberRecord(this.userId, this.email, this.erased, this.role, workspaces, this.invitedAt,
					this.invitedBy, this.joinedAt, this.activatedAt, this.roleChangedAt);
		}

	}

}
