package io.membership.query.projection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.state.MemberState;

/**
 * What the events of one poll change, held until they are all applied and then written in
 * JDBC batches: the organizations' versions ({@link VersionGate}), the rows events change
 * in place, folded per key ({@link TableChanges}), and the insert-only rows, by statement
 * in first-use order. It also holds the member states the projection needs: the latest
 * ones this poll's events made, and those the members had before the poll, read in one
 * query when it started.
 */
final class Batch {

	final VersionGate organizations;

	final TableChanges invitations = new TableChanges("qs_invitations", "organization_id", "invitation_id");

	final TableChanges members = new TableChanges("qs_members", "organization_id", "user_id");

	final TableChanges workspaces = new TableChanges("qs_workspaces", "organization_id", "workspace_id");

	final TableChanges memberWorkspaces = new TableChanges("qs_member_workspaces", "organization_id", "user_id",
			"workspace_id");

	final TableChanges projects = new TableChanges("qs_projects", "organization_id", "project_id");

	final TableChanges projectMembers = new TableChanges("qs_project_members", "organization_id", "project_id",
			"user_id");

	private final Map<String, List<Object[]>> rows = new LinkedHashMap<>();

	private final Map<OrganizationId, Map<UserId, MemberState>> latest = new HashMap<>();

	private final Map<OrganizationId, Map<UserId, Optional<MemberState>>> before;

	/** The members an event of this batch removed, unless a later one made them again. */
	private final Map<OrganizationId, Set<UserId>> removed = new HashMap<>();

	/**
	 * @param before the latest state of members as the poll found them, empty for those
	 * who were none; members not in it are read when needed
	 */
	Batch(VersionGate organizations, Map<OrganizationId, Map<UserId, Optional<MemberState>>> before) {
		this.organizations = organizations;
		this.before = before;
	}

	void add(String sql, Object... values) {
		this.rows.computeIfAbsent(sql, (key) -> new ArrayList<>()).add(values);
	}

	void remember(OrganizationId organization, MemberState state) {
		this.latest.computeIfAbsent(organization, (key) -> new HashMap<>()).put(state.userId(), state);
		Set<UserId> removed = this.removed.get(organization);
		if (removed != null) {
			removed.remove(state.userId());
		}
	}

	/**
	 * The member was removed by an event of this batch: from here on they have no state,
	 * as if the poll had found them no member.
	 */
	void forget(OrganizationId organization, UserId user) {
		Map<UserId, MemberState> states = this.latest.get(organization);
		if (states != null) {
			states.remove(user);
		}
		this.before.computeIfAbsent(organization, (key) -> new HashMap<>()).put(user, Optional.empty());
		this.removed.computeIfAbsent(organization, (key) -> new HashSet<>()).add(user);
	}

	/**
	 * The members of the organization an event of this batch removed (and none made
	 * again): the stored timeline still shows them until the batch is written.
	 */
	Set<UserId> removedOf(OrganizationId organization) {
		return this.removed.getOrDefault(organization, Set.of());
	}

	/** The member's state after the events of this batch, or null if none changed it. */
	MemberState latest(OrganizationId organization, UserId user) {
		Map<UserId, MemberState> states = this.latest.get(organization);
		return (states != null) ? states.get(user) : null;
	}

	/**
	 * The member's latest state before this poll as read when it started (empty if they
	 * were no member), or null if it was not read.
	 */
	Optional<MemberState> before(OrganizationId organization, UserId user) {
		Map<UserId, Optional<MemberState>> states = this.before.get(organization);
		return (states != null) ? states.get(user) : null;
	}

	/** Every member state of the organization this batch changed, by user. */
	Map<UserId, MemberState> latestOf(OrganizationId organization) {
		return this.latest.getOrDefault(organization, Map.of());
	}

	/** Writes everything the poll's events changed. */
	void flush(Statements statements) {
		this.organizations.write(statements);
		for (TableChanges table : List.of(this.invitations, this.members, this.workspaces, this.memberWorkspaces,
				this.projects, this.projectMembers)) {
			table.flush(statements);
		}
		this.rows.forEach(statements::run);
		this.rows.clear();
	}

}
