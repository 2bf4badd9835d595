package io.membership.query.projection;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.membership.events.MembershipEvent;
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
 */
@Repository
public class MembershipProjection {

	private final JdbcClient jdbc;

	private final JdbcTemplate batches;

	private final Timelines timelines;

	private final VersionGate gate;

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
		this.gate = new VersionGate(jdbc, this.timelines);
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
	 * transaction. The rows nothing reads back while projecting (timelines, role history,
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
		Outcome outcome = this.gate.advance(projected);
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
	 * written).
	 */
	private List<MemberChange> memberChanges(ProjectedEvent projected, Batch batch) {
		MembershipEvent event = projected.event();
		OrganizationId organization = event.organizationId();
		List<MemberState> changed = MemberStates.next(event,
				(user) -> latestState(organization, user, batch).orElseThrow(() -> new IllegalStateException("Member "
						+ user + " of " + organization + " has no state before version " + projected.version())),
				(project) -> projectMembers(organization, project, batch));
		List<MemberChange> changes = new ArrayList<>(changed.size());
		for (MemberState state : changed) {
			changes.add(new MemberChange(latestState(organization, state.userId(), batch).orElse(null), state));
			batch.remember(organization, state);
		}
		return changes;
	}

	/**
	 * Who is in the project now, from the members' latest states (this batch's where it
	 * changed them): a removed project leaves each of them, on their timeline too, so
	 * that an answer as of any later instant no longer shows the membership.
	 */
	private List<UserId> projectMembers(OrganizationId organization, ProjectId project, Batch batch) {
		Map<UserId, MemberState> states = new HashMap<>(this.timelines.statesAt(organization, null));
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
		return (pending != null) ? Optional.of(pending) : this.timelines.latestState(organization, user);
	}

}
