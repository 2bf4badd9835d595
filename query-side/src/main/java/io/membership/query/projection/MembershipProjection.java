package io.membership.query.projection;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

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
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.json.MembershipJson;
import io.membership.events.state.MemberState;
import io.membership.events.state.MemberStates;
import io.membership.query.read.Timelines;
import io.membership.query.read.Timestamps;

/**
 * Applies events to the query side's tables: members, invitations, workspaces and their
 * members, every member's timeline (for answers as of any instant) and role history, and
 * the activity log. It must run inside the caller's transaction, which also records the
 * consumer's position, so an event is applied exactly once or not at all.
 *
 * <p>
 * An event is applied only when it is its organization's next version. A version already
 * applied is a duplicate and changes nothing; a version beyond the next is a gap: it is
 * recorded in {@code qs_projection_gaps}, logged, and the organization's views stay at
 * the last version before it rather than silently skipping an event.
 */
@Repository
public class MembershipProjection {

	private static final Logger logger = LoggerFactory.getLogger(MembershipProjection.class);

	private static final JsonMapper JSON = MembershipJson.mapper();

	private final JdbcClient jdbc;

	private final JdbcTemplate batches;

	private final Timelines timelines;

	/** Writes every row with its own statement (no JDBC batches). */
	public MembershipProjection(JdbcClient jdbc) {
		this(jdbc, null);
	}

	/**
	 * @param batches writes the rows of {@link #applyAll} in JDBC batches; with null, one
	 * statement per row
	 */
	@Autowired
	public MembershipProjection(JdbcClient jdbc, JdbcTemplate batches) {
		this.jdbc = jdbc;
		this.batches = batches;
		this.timelines = new Timelines(jdbc);
	}

	/** What became of an event. */
	public enum Outcome {

		APPLIED, DUPLICATE, GAP

	}

	public Outcome apply(ProjectedEvent projected) {
		return applyAll(List.of(projected)).get(0);
	}

	/**
	 * Applies the events in order, as {@link #apply} would one by one, in the caller's
	 * transaction. The rows nothing reads back while projecting (timeline, role history,
	 * activity log) are written together at the end, in one JDBC batch per table, instead
	 * of one round trip each; the member states they hold are read back from memory
	 * meanwhile.
	 */
	public List<Outcome> applyAll(List<ProjectedEvent> events) {
		Batch batch = new Batch();
		List<Outcome> outcomes = new ArrayList<>(events.size());
		for (ProjectedEvent projected : events) {
			outcomes.add(apply(projected, batch));
		}
		batch.flush(this.jdbc, this.batches);
		return outcomes;
	}

	private Outcome apply(ProjectedEvent projected, Batch batch) {
		Outcome outcome = advanceVersion(projected);
		if (outcome != Outcome.APPLIED) {
			return outcome;
		}
		MembershipEvent event = projected.event();
		OffsetDateTime at = Timestamps.utc(event.occurredAt());
		// The member states are derived before the tables change: a removed project's
		// members are read from the memberships the removal then deletes.
		recordTimelineAndHistory(projected, at, batch);
		event.accept(new TableWriter(event.organizationId(), at, projected.version(), batch));
		recordActivity(projected, at, batch);
		return Outcome.APPLIED;
	}

	private Outcome advanceVersion(ProjectedEvent projected) {
		OrganizationId organization = projected.organizationId();
		long version = projected.version();
		if (version == 1 && projected.event() instanceof OrganizationCreated created) {
			if (this.timelines.versionOf(organization) > 0) {
				return Outcome.DUPLICATE;
			}
			this.jdbc
				.sql("INSERT INTO qs_organizations (organization_id, name, owner_user_id, created_at, version) "
						+ "VALUES (?, ?, ?, ?, 1)")
				.params(organization.value(), created.name(), created.ownerUserId().value(),
						Timestamps.utc(created.occurredAt()))
				.update();
			return Outcome.APPLIED;
		}
		int advanced = this.jdbc
			.sql("UPDATE qs_organizations SET version = ? WHERE organization_id = ? AND version = ?")
			.params(version, organization.value(), version - 1)
			.update();
		if (advanced == 1) {
			return Outcome.APPLIED;
		}
		long current = this.timelines.versionOf(organization);
		if (version <= current) {
			return Outcome.DUPLICATE;
		}
		recordGap(projected, current + 1);
		return Outcome.GAP;
	}

	private void recordGap(ProjectedEvent projected, long expected) {
		logger.error("Gap in the event stream of {}: expected version {}, received {} ({}); its views stay at {}",
				projected.organizationId(), expected, projected.version(), projected.eventId(), expected - 1);
		int known = this.jdbc
			.sql("SELECT COUNT(*) FROM qs_projection_gaps WHERE organization_id = ? AND expected_version = ? "
					+ "AND received_version = ?")
			.params(projected.organizationId().value(), expected, projected.version())
			.query(Integer.class)
			.single();
		if (known == 0) {
			this.jdbc
				.sql("INSERT INTO qs_projection_gaps (organization_id, expected_version, received_version, event_id, "
						+ "detected_at) VALUES (?, ?, ?, ?, ?)")
				.params(projected.organizationId().value(), expected, projected.version(), projected.eventId(),
						Timestamps.utc(Instant.now()))
				.update();
		}
	}

	private void applyJoined(OrganizationId organization, MemberJoined joined, OffsetDateTime at, long version) {
		OffsetDateTime invitedAt = null;
		Long invitedBy = null;
		if (joined.invitationId() != null) {
			Optional<Object[]> invitation = this.jdbc.sql(
					"SELECT invited_at, invited_by FROM qs_invitations WHERE organization_id = ? AND invitation_id = ?")
				.params(organization.value(), joined.invitationId().value())
				.query((row, number) -> new Object[] { row.getObject(1, OffsetDateTime.class), row.getLong(2) })
				.optional();
			if (invitation.isPresent()) {
				invitedAt = (OffsetDateTime) invitation.get()[0];
				invitedBy = (Long) invitation.get()[1];
			}
			setInvitationStatus(organization, joined.invitationId().value(), "ACCEPTED");
		}
		insertMember(organization, joined.userId(), joined.email(), joined.role(), invitedAt, invitedBy, at, version);
		for (WorkspaceId workspace : joined.workspaces()) {
			insertAssignment(organization, joined.userId(), workspace, at);
		}
	}

	private void insertMember(OrganizationId organization, UserId user, String email, Role role,
			OffsetDateTime invitedAt, Long invitedBy, OffsetDateTime at, long version) {
		this.jdbc
			.sql("INSERT INTO qs_members (organization_id, user_id, email, role, invited_at, invited_by, joined_at, "
					+ "activated_at, role_changed_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)")
			.params(organization.value(), user.value(), email, role.code(), invitedAt, invitedBy, at,
					role.isActive() ? at : null, version)
			.update();
	}

	private void updateRole(OrganizationId organization, UserId user, Role role, OffsetDateTime at, boolean activation,
			long version) {
		String activatedAt = activation ? ", activated_at = ?" : "";
		List<Object> params = new java.util.ArrayList<>(List.of(role.code(), at, version));
		if (activation) {
			params.add(at);
		}
		params.add(organization.value());
		params.add(user.value());
		this.jdbc
			.sql("UPDATE qs_members SET role = ?, role_changed_at = ?, version = ?" + activatedAt
					+ " WHERE organization_id = ? AND user_id = ?")
			.params(params)
			.update();
	}

	private void insertAssignment(OrganizationId organization, UserId user, WorkspaceId workspace, OffsetDateTime at) {
		this.jdbc
			.sql("INSERT INTO qs_member_workspaces (organization_id, user_id, workspace_id, assigned_at) "
					+ "VALUES (?, ?, ?, ?)")
			.params(organization.value(), user.value(), workspace.value(), at)
			.update();
	}

	private void setInvitationStatus(OrganizationId organization, String invitation, String status) {
		this.jdbc.sql("UPDATE qs_invitations SET status = ? WHERE organization_id = ? AND invitation_id = ?")
			.params(status, organization.value(), invitation)
			.update();
	}

	/**
	 * A timeline row for every member whose role or workspaces the event changed, and a
	 * role-history row for every change of role. The states before the event are read
	 * back from the timeline, which this method itself keeps.
	 */
	private void recordTimelineAndHistory(ProjectedEvent projected, OffsetDateTime at, Batch batch) {
		MembershipEvent event = projected.event();
		OrganizationId organization = event.organizationId();
		List<MemberState> changed = MemberStates.next(event,
				(user) -> latestState(organization, user, batch).orElseThrow(() -> new IllegalStateException("Member "
						+ user + " of " + organization + " has no state before version " + projected.version())),
				(project) -> List.of());
		for (MemberState state : changed) {
			Optional<MemberState> before = latestState(organization, state.userId(), batch);
			batch.add(
					"INSERT INTO qs_member_timeline (organization_id, user_id, version, occurred_at, role, workspaces, "
							+ "projects) VALUES (?, ?, ?, ?, ?, ?, ?)",
					organization.value(), state.userId().value(), projected.version(), at, state.role().code(),
					JSON.writeValueAsString(state.workspaces()), Timelines.projectsJson(state.projects()));
			batch.remember(organization, state);
			Role from = before.map(MemberState::role).orElse(null);
			if (from != state.role()) {
				addRoleHistory(batch, projected, at, state.userId(), null, from, state.role());
			}
		}
		ProjectRoleChange.of(event)
			.ifPresent((change) -> addRoleHistory(batch, projected, at, change.userId(), change.projectId(),
					change.fromRole(), change.toRole()));
	}

	private static void addRoleHistory(Batch batch, ProjectedEvent projected, OffsetDateTime at, UserId user,
			ProjectId project, Role from, Role to) {
		MembershipEvent event = projected.event();
		batch.add(
				"INSERT INTO qs_role_history (organization_id, user_id, version, event_id, occurred_at, "
						+ "actor_user_id, type, project_id, from_role, to_role, reason, correlation_id) "
						+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				event.organizationId().value(), user.value(), projected.version(), projected.eventId(), at,
				event.actorUserId().value(), event.typeName(), (project != null) ? project.value() : null, code(from),
				code(to), event.givenReason().orElse(null), event.correlationId());
	}

	/**
	 * The members of a project as the projection holds them before the event (removing a
	 * project takes it from each of them).
	 */
	private List<UserId> projectMembers(OrganizationId organization, ProjectId project) {
		return this.jdbc.sql("SELECT user_id FROM qs_project_members WHERE organization_id = ? AND project_id = ?")
			.params(organization.value(), project.value())
			.query((row, number) -> UserId.of(row.getLong(1)))
			.list();
	}

	/**
	 * A change of a member's project role, as the role history records it: joining a
	 * project (from nothing), a new project role, leaving it (to nothing). Null roles are
	 * Inherit or nothing; the entry's type tells which.
	 */
	private record ProjectRoleChange(UserId userId, ProjectId projectId, Role fromRole, Role toRole) {

		static Optional<ProjectRoleChange> of(MembershipEvent event) {
			if (event instanceof MemberAddedToProject added) {
				return Optional.of(new ProjectRoleChange(added.userId(), added.projectId(), null, added.projectRole()));
			}
			if (event instanceof ProjectRoleChanged changed) {
				return Optional.of(new ProjectRoleChange(changed.userId(), changed.projectId(), changed.fromRole(),
						changed.toRole()));
			}
			if (event instanceof MemberRemovedFromProject removed) {
				return Optional
					.of(new ProjectRoleChange(removed.userId(), removed.projectId(), removed.projectRole(), null));
			}
			return Optional.empty();
		}

	}

	/**
	 * The member's state after the events applied so far: from this batch if it changed
	 * it, else from the timeline.
	 */
	private Optional<MemberState> latestState(OrganizationId organization, UserId user, Batch batch) {
		MemberState pending = batch.latest(organization, user);
		return (pending != null) ? Optional.of(pending) : this.timelines.latestState(organization, user);
	}

	private void recordActivity(ProjectedEvent projected, OffsetDateTime at, Batch batch) {
		MembershipEvent event = projected.event();
		batch.add(
				"INSERT INTO qs_activity_log (organization_id, version, event_id, occurred_at, type, actor_user_id, "
						+ "subject_user_id, workspace_id, project_id, summary, details) "
						+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				event.organizationId().value(), projected.version(), projected.eventId(), at, event.typeName(),
				event.actorUserId().value(), event.subject().map(UserId::value).orElse(null),
				event.workspace().map(WorkspaceId::value).orElse(null),
				event.project().map(ProjectId::value).orElse(null), ActivitySummaries.describe(event),
				JSON.writeValueAsString(event));
	}

	private static String code(Role role) {
		return (role != null) ? role.code() : null;
	}

	/**
	 * Writes what one event changes in the members, invitations, workspaces and
	 * organizations tables (the timeline, history and activity rows every event gets are
	 * written after it).
	 */
	private final class TableWriter implements MembershipEventVisitor<Void> {

		private final OrganizationId organization;

		private final OffsetDateTime at;

		private final long version;

		private final Batch batch;

		TableWriter(OrganizationId organization, OffsetDateTime at, long version, Batch batch) {
			this.organization = organization;
			this.at = at;
			this.version = version;
			this.batch = batch;
		}

		/** Every state a project was in, for answers as of any instant. */
		private void recordProject(ProjectId project, WorkspaceId workspace, String title,
				boolean annotatorsViewOwnData, boolean removed) {
			this.batch.add(
					"INSERT INTO qs_project_timeline (organization_id, project_id, version, occurred_at, workspace_id, "
							+ "title, annotators_view_own_data, removed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
					this.organization.value(), project.value(), this.version, this.at, workspace.value(), title,
					annotatorsViewOwnData, removed);
		}

		@Override
		public Void on(OrganizationCreated created) {
			insertMember(this.organization, created.ownerUserId(), created.ownerEmail(), Role.OWNER, null, null,
					this.at, this.version);
			return null;
		}

		@Override
		public Void on(UserInvited invited) {
			MembershipProjection.this.jdbc
				.sql("INSERT INTO qs_invitations (organization_id, invitation_id, email, role, invited_at, invited_by, "
						+ "expires_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING')")
				.params(this.organization.value(), invited.invitationId().value(), invited.email(),
						code(invited.role()), this.at, invited.actorUserId().value(),
						Timestamps.utc(invited.expiresAt()))
				.update();
			return null;
		}

		@Override
		public Void on(InvitationRevoked revoked) {
			setInvitationStatus(this.organization, revoked.invitationId().value(), "REVOKED");
			return null;
		}

		@Override
		public Void on(InviteLinkReset reset) {
			return null;
		}

		@Override
		public Void on(MemberJoined joined) {
			applyJoined(this.organization, joined, this.at, this.version);
			return null;
		}

		@Override
		public Void on(MemberActivated activated) {
			updateRole(this.organization, activated.userId(), activated.toRole(), this.at, true, this.version);
			return null;
		}

		@Override
		public Void on(MemberRoleChanged changed) {
			updateRole(this.organization, changed.userId(), changed.toRole(), this.at, false, this.version);
			return null;
		}

		@Override
		public Void on(MemberDeactivated deactivated) {
			updateRole(this.organization, deactivated.userId(), Role.DEACTIVATED, this.at, false, this.version);
			return null;
		}

		@Override
		public Void on(OwnershipTransferred transferred) {
			updateRole(this.organization, transferred.previousOwnerUserId(), Role.ADMINISTRATOR, this.at, false,
					this.version);
			updateRole(this.organization, transferred.newOwnerUserId(), Role.OWNER, this.at, false, this.version);
			MembershipProjection.this.jdbc
				.sql("UPDATE qs_organizations SET owner_user_id = ? WHERE organization_id = ?")
				.params(transferred.newOwnerUserId().value(), this.organization.value())
				.update();
			return null;
		}

		@Override
		public Void on(WorkspaceCreated created) {
			MembershipProjection.this.jdbc
				.sql("INSERT INTO qs_workspaces (organization_id, workspace_id, title, created_at, created_by) "
						+ "VALUES (?, ?, ?, ?, ?)")
				.params(this.organization.value(), created.workspaceId().value(), created.title(), this.at,
						created.actorUserId().value())
				.update();
			return null;
		}

		@Override
		public Void on(MemberAssignedToWorkspace assigned) {
			insertAssignment(this.organization, assigned.userId(), assigned.workspaceId(), this.at);
			return null;
		}

		@Override
		public Void on(ProjectRegistered registered) {
			MembershipProjection.this.jdbc
				.sql("INSERT INTO qs_projects (organization_id, project_id, workspace_id, title, "
						+ "annotators_view_own_data, registered_at, registered_by) VALUES (?, ?, ?, ?, ?, ?, ?)")
				.params(this.organization.value(), registered.projectId().value(), registered.workspaceId().value(),
						registered.title(), registered.annotatorsViewOwnData(), this.at,
						registered.actorUserId().value())
				.update();
			recordProject(registered.projectId(), registered.workspaceId(), registered.title(),
					registered.annotatorsViewOwnData(), false);
			return null;
		}

		@Override
		public Void on(ProjectUpdated updated) {
			MembershipProjection.this.jdbc
				.sql("UPDATE qs_projects SET workspace_id = ?, title = ?, annotators_view_own_data = ? "
						+ "WHERE organization_id = ? AND project_id = ?")
				.params(updated.workspaceId().value(), updated.title(), updated.annotatorsViewOwnData(),
						this.organization.value(), updated.projectId().value())
				.update();
			recordProject(updated.projectId(), updated.workspaceId(), updated.title(), updated.annotatorsViewOwnData(),
					false);
			return null;
		}

		@Override
		public Void on(ProjectRemoved removed) {
			MembershipProjection.this.jdbc
				.sql("UPDATE qs_projects SET removed_at = ? WHERE organization_id = ? AND project_id = ?")
				.params(this.at, this.organization.value(), removed.projectId().value())
				.update();
			MembershipProjection.this.jdbc
				.sql("DELETE FROM qs_project_members WHERE organization_id = ? AND project_id = ?")
				.params(this.organization.value(), removed.projectId().value())
				.update();
			MembershipProjection.this.jdbc
				.sql("SELECT title, annotators_view_own_data FROM qs_projects WHERE organization_id = ? "
						+ "AND project_id = ?")
				.params(this.organization.value(), removed.projectId().value())
				.query((row, number) -> {
					recordProject(removed.projectId(), removed.workspaceId(), row.getString(1), row.getBoolean(2),
							true);
					return null;
				})
				.list();
			return null;
		}

		@Override
		public Void on(MemberAddedToProject added) {
			MembershipProjection.this.jdbc
				.sql("INSERT INTO qs_project_members (organization_id, project_id, user_id, project_role, added_at) "
						+ "VALUES (?, ?, ?, ?, ?)")
				.params(this.organization.value(), added.projectId().value(), added.userId().value(),
						code(added.projectRole()), this.at)
				.update();
			return null;
		}

		@Override
		public Void on(ProjectRoleChanged changed) {
			MembershipProjection.this.jdbc
				.sql("UPDATE qs_project_members SET project_role = ? WHERE organization_id = ? AND project_id = ? "
						+ "AND user_id = ?")
				.params(code(changed.toRole()), this.organization.value(), changed.projectId().value(),
						changed.userId().value())
				.update();
			return null;
		}

		@Override
		public Void on(MemberRemovedFromProject removed) {
			MembershipProjection.this.jdbc
				.sql("DELETE FROM qs_project_members WHERE organization_id = ? AND project_id = ? AND user_id = ?")
				.params(this.organization.value(), removed.projectId().value(), removed.userId().value())
				.update();
			return null;
		}

		@Override
		public Void on(MemberRemovedFromWorkspace removed) {
			MembershipProjection.this.jdbc
				.sql("DELETE FROM qs_member_workspaces WHERE organization_id = ? AND user_id = ? AND workspace_id = ?")
				.params(this.organization.value(), removed.userId().value(), removed.workspaceId().value())
				.update();
			return null;
		}

	}

	/**
	 * The insert-only rows of the events being applied, by statement in first-use order,
	 * and the latest member states they record.
	 */
	private static final class Batch {

		private final Map<String, List<Object[]>> rows = new LinkedHashMap<>();

		private final Map<OrganizationId, Map<UserId, MemberState>> latest = new HashMap<>();

		void add(String sql, Object... values) {
			this.rows.computeIfAbsent(sql, (key) -> new ArrayList<>()).add(values);
		}

		void remember(OrganizationId organization, MemberState state) {
			this.latest.computeIfAbsent(organization, (key) -> new HashMap<>()).put(state.userId(), state);
		}

		MemberState latest(OrganizationId organization, UserId user) {
			Map<UserId, MemberState> states = this.latest.get(organization);
			return (states != null) ? states.get(user) : null;
		}

		void flush(JdbcClient jdbc, JdbcTemplate batches) {
			this.rows.forEach((sql, values) -> {
				if (batches != null) {
					batches.batchUpdate(sql, values);
				}
				else {
					values.forEach((row) -> jdbc.sql(sql).params(row).update());
				}
			});
			this.rows.clear();
		}

	}

}
