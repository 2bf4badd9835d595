package io.membership.query.projection;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.membership.events.MembershipEvent;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.state.MemberState;
import io.membership.events.state.MemberStates;
import io.membership.query.projection.Applying.MemberChange;
import io.membership.query.read.Timelines;
import io.membership.query.read.Timestamps;

/**
 * Applies events to the query side's tables: the {@link VersionGate} lets an event
 * through only if it is its organization's next version, then one writer for each view
 * writes what the event changes in it (members and invitations, workspaces, projects,
 * every member's timeline, the role history, the activity log): those that take every
 * event alike directly, the others as {@link EventRoutes} routes each event type. It must
 * run inside the caller's transaction, which also records the consumer's position, so an
 * event is applied exactly once or not at all.
 *
 * <p>
 * A poll is decided in memory: what its events need is read first, in one statement per
 * table (the versions of its organizations, locked; the latest states of the members its
 * events name), every event is applied to that in order, and what they changed is written
 * at the end in JDBC batches, each changed row once, as applying them one by one would
 * have left it ({@link Batch}). A poll of one event takes the same path.
 */
@Repository
public class MembershipProjection {

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
	 * transaction: read what they need, decide each in memory, write what they changed.
	 */
	public List<Outcome> applyAll(List<ProjectedEvent> events) {
		if (events.isEmpty()) {
			return List.of();
		}
		Set<OrganizationId> organizations = new LinkedHashSet<>();
		events.forEach((projected) -> organizations.add(projected.organizationId()));
		// Locked first, so that the states read next are those the last transaction to
		// hold the organizations committed.
		VersionGate gate = VersionGate.lock(this.jdbc, organizations);
		Batch batch = new Batch(gate, this.timelines.latestStates(membersNamed(events)));
		List<Outcome> outcomes = new ArrayList<>(events.size());
		for (ProjectedEvent projected : events) {
			outcomes.add(apply(projected, batch));
		}
		batch.flush(Statements.of(this.jdbc, this.batches));
		return outcomes;
	}

	/**
	 * The members whose states the events change or derive from, by organization, as
	 * {@link MemberStates} itself names them (given placeholder states, since only the
	 * names matter here). The members of a removed project are not among them: they are
	 * read when the removal is applied.
	 */
	private static Map<OrganizationId, Set<UserId>> membersNamed(List<ProjectedEvent> events) {
		Map<OrganizationId, Set<UserId>> named = new HashMap<>();
		for (ProjectedEvent projected : events) {
			Set<UserId> users = named.computeIfAbsent(projected.organizationId(), (any) -> new HashSet<>());
			MemberStates.next(projected.event(), (user) -> {
				users.add(user);
				return new MemberState(user, Role.NOT_ACTIVATED, Set.of());
			}, (project) -> List.of()).forEach((state) -> users.add(state.userId()));
			MemberStates.removed(projected.event()).ifPresent(users::add);
		}
		return named;
	}

	private Outcome apply(ProjectedEvent projected, Batch batch) {
		Outcome outcome = batch.organizations.advance(projected);
		if (outcome != Outcome.APPLIED) {
			return outcome;
		}
		OffsetDateTime at = Timestamps.utc(projected.event().occurredAt());
		// The member states are derived before the tables change. A removed project is
		// given no members here, so the timeline keeps it in its members' states.
		Applying applying = new Applying(projected, at, memberChanges(projected, batch), batch);
		new TimelineWriter(applying).write();
		new RoleHistoryWriter(applying).write();
		applying.event().accept(new EventRoutes(this.jdbc, applying));
		new ActivityLogWriter(applying).write();
		return Outcome.APPLIED;
	}

	/**
	 * The states of the members the event changes, each with the one before it, read back
	 * from the timeline (or from this batch, which holds the latest ones until it is
	 * written); a removed member's change has no state after it.
	 */
	private List<MemberChange> memberChanges(ProjectedEvent projected, Batch batch) {
		MembershipEvent event = projected.event();
		OrganizationId organization = event.organizationId();
		List<MemberState> changed = MemberStates.next(event,
				(user) -> latestState(organization, user, batch).orElseThrow(() -> new IllegalStateException("Member "
						+ user + " of " + organization + " has no state before version " + projected.version())),
				(project) -> projectMembers(organization, project, batch));
		List<MemberChange> changes = new ArrayList<>(changed.size() + 1);
		for (MemberState state : changed) {
			changes.add(new MemberChange(state.userId(), latestState(organization, state.userId(), batch).orElse(null),
					state));
			batch.remember(organization, state);
		}
		MemberStates.removed(event).ifPresent((user) -> {
			MemberState before = latestState(organization, user, batch).orElseThrow(() -> new IllegalStateException(
					"Member " + user + " of " + organization + " has no state before version " + projected.version()));
			changes.add(new MemberChange(user, before, null));
			batch.forget(organization, user);
		});
		return changes;
	}

	/**
	 * Who is in the project now, from the members' latest states (this batch's where it
	 * changed them): a removed project leaves each of them, on their timeline too, so
	 * that an answer as of any later instant no longer shows the membership.
	 */
	private List<UserId> projectMembers(OrganizationId organization, ProjectId project, Batch batch) {
		Map<UserId, MemberState> states = new HashMap<>(this.timelines.statesAt(organization, null));
		states.keySet().removeAll(batch.removedOf(organization));
		states.putAll(batch.latestOf(organization));
		return states.values()
			.stream()
			.filter((state) -> state.projects().containsKey(project))
			.map(MemberState::userId)
			.sorted(Comparator.comparingLong(UserId::value))
			.toList();
	}

	private Optional<MemberState> latestState(OrganizationId organization, UserId user, Batch batch) {
		MemberState pending = batch.latest(organization, user);
		if (pending != null) {
			return Optional.of(pending);
		}
		Optional<MemberState> before = batch.before(organization, user);
		return (before != null) ? before : this.timelines.latestState(organization, user);
	}

}
