package io.membership.query.view;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.membership.events.WorkspaceCreated;
import io.membership.events.access.AccessDecision;
import io.membership.events.access.Action;
import io.membership.events.access.PermissionMatrix;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.state.MemberState;
import io.membership.events.state.MemberStates;
import io.membership.query.projection.ProjectedEvent;
import io.membership.query.read.Timelines;

/**
 * Every organization's members, roles and workspace assignments in memory, kept current
 * from the event stream, so permission checks answer without a database round trip.
 *
 * <p>
 * It is loaded from the projection tables at start-up and then follows the same events,
 * applying each organization's events strictly in version order. If it ever finds itself
 * behind what it is given (a gap, or another instance that wrote the tables first), it
 * reloads that organization from the tables.
 *
 * <p>
 * An organization the projection had to set aside (one of its events could not be
 * applied) fails closed: until a rebuild releases it, {@link #decide}, {@link #members}
 * and {@link #hasWorkspace} throw {@link OrganizationViewStale}, and so does
 * {@link #member} for anyone the frozen view lists, rather than answer from a view known
 * to be behind (a role revoked after the bad event would still look granted). Memory: one
 * {@link MemberState} per member, about 200 bytes plus 40 bytes per workspace assignment
 * (measured figures in docs/PERFORMANCE.md).
 */
@Component
public class PermissionView {

	private final Map<OrganizationId, OrganizationView> organizations = new ConcurrentHashMap<>();

	/**
	 * Organizations whose views are known to be behind: nothing is answered from them.
	 */
	private final Set<OrganizationId> setAside = ConcurrentHashMap.newKeySet();

	/**
	 * Waiters for an organization the view does not hold yet wait here, and are woken
	 * whenever the view takes in a new organization.
	 */
	private final Object newOrganizations = new Object();

	private final JdbcClient jdbc;

	private final Timelines timelines;

	public PermissionView(JdbcClient jdbc, Timelines timelines) {
		this.jdbc = jdbc;
		this.timelines = timelines;
	}

	/** Loads every organization from the projection tables. */
	public void loadAll() {
		Map<OrganizationId, Map<UserId, MemberState>> members = new HashMap<>();
		Map<OrganizationId, Long> versions = new HashMap<>();
		this.jdbc.sql("SELECT organization_id, version FROM qs_organizations").query((row) -> {
			versions.put(new OrganizationId(row.getString(1)), row.getLong(2));
		});
		loadMembers(null, members);
		Map<OrganizationId, Set<WorkspaceId>> workspaces = loadWorkspaces(null);
		versions.forEach((organization, version) -> view(organization).replace(version,
				members.getOrDefault(organization, Map.of()), workspaces.getOrDefault(organization, Set.of())));
		this.jdbc.sql("SELECT organization_id FROM qs_quarantined_organizations").query((row) -> {
			this.setAside.add(new OrganizationId(row.getString(1)));
		});
	}

	/**
	 * From now on the organization answers {@link OrganizationViewStale}: the projection
	 * set it aside.
	 */
	public void setAside(OrganizationId organization) {
		this.setAside.add(organization);
	}

	/**
	 * The organization was repaired (rebuilt): reloads it from the projection tables and
	 * answers from it again.
	 */
	public void release(OrganizationId organization) {
		reload(organization);
		this.setAside.remove(organization);
	}

	/** Whether the organization is set aside. */
	public boolean isSetAside(OrganizationId organization) {
		return this.setAside.contains(organization);
	}

	/** Every organization set aside. */
	public Set<OrganizationId> setAside() {
		return Set.copyOf(this.setAside);
	}

	private void requireCurrent(OrganizationId organization) {
		if (this.setAside.contains(organization)) {
			throw new OrganizationViewStale(organization);
		}
	}

	/** Whether the organization has this workspace (workspaces are never deleted). */
	public boolean hasWorkspace(OrganizationId organization, WorkspaceId workspace) {
		requireCurrent(organization);
		OrganizationView view = this.organizations.get(organization);
		return view != null && view.workspaces.contains(workspace);
	}

	private Map<OrganizationId, Set<WorkspaceId>> loadWorkspaces(OrganizationId only) {
		String where = (only != null) ? " WHERE organization_id = ?" : "";
		var query = this.jdbc.sql("SELECT organization_id, workspace_id FROM qs_workspaces" + where);
		if (only != null) {
			query = query.param(only.value());
		}
		Map<OrganizationId, Set<WorkspaceId>> workspaces = new HashMap<>();
		query.query((row) -> {
			workspaces.computeIfAbsent(new OrganizationId(row.getString(1)), (id) -> new HashSet<>())
				.add(new WorkspaceId(row.getString(2)));
		});
		return workspaces;
	}

	/**
	 * Follows one event that the projection tables have just committed (or already had).
	 */
	public void accept(ProjectedEvent projected) {
		OrganizationView organization = view(projected.organizationId());
		if (!organization.apply(projected)) {
			reload(projected.organizationId());
		}
	}

	public long version(OrganizationId organization) {
		OrganizationView view = this.organizations.get(organization);
		return (view != null) ? view.version() : 0;
	}

	/**
	 * The member's current state, if they are a member. For an organization set aside,
	 * someone it does not list is still not a member (existence is not leaked), and
	 * anyone it lists gets {@link OrganizationViewStale}.
	 */
	public Optional<MemberState> member(OrganizationId organization, UserId user) {
		OrganizationView view = this.organizations.get(organization);
		Optional<MemberState> member = (view != null) ? view.member(user) : Optional.empty();
		if (member.isPresent()) {
			requireCurrent(organization);
		}
		return member;
	}

	/** Every member's current state, for who-can questions. */
	public Map<UserId, MemberState> members(OrganizationId organization) {
		requireCurrent(organization);
		OrganizationView view = this.organizations.get(organization);
		return (view != null) ? view.members() : Map.of();
	}

	/**
	 * Decides the check from memory; empty if the user is not a member of the
	 * organization.
	 */
	public Optional<Answer> decide(OrganizationId organization, UserId user, Action action, WorkspaceId workspace) {
		requireCurrent(organization);
		OrganizationView view = this.organizations.get(organization);
		if (view == null) {
			return Optional.empty();
		}
		return view.member(user)
			.map((member) -> new Answer(PermissionMatrix.decide(member.role(), member.workspaces(), action, workspace),
					view.version()));
	}

	/**
	 * Waits until the organization's view has reached the version, or the time is up.
	 * @return whether it was reached
	 */
	public boolean awaitVersion(OrganizationId organization, long version, Duration wait) throws InterruptedException {
		long deadline = System.nanoTime() + wait.toNanos();
		if (version <= 0) {
			return true;
		}
		// Any caller may name any organization id: waiting for one the view does not hold
		// must not add it, or ids that never appear would pile up in memory.
		OrganizationView view = this.organizations.get(organization);
		if (view == null) {
			synchronized (this.newOrganizations) {
				while ((view = this.organizations.get(organization)) == null) {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						return false;
					}
					this.newOrganizations.wait(Math.max(1, left / 1_000_000));
				}
			}
		}
		return view.awaitVersion(version, deadline - System.nanoTime());
	}

	/** How many organizations the view holds. */
	int organizationCount() {
		return this.organizations.size();
	}

	private OrganizationView view(OrganizationId organization) {
		OrganizationView existing = this.organizations.get(organization);
		if (existing != null) {
			return existing;
		}
		OrganizationView view = this.organizations.computeIfAbsent(organization, (id) -> new OrganizationView());
		synchronized (this.newOrganizations) {
			this.newOrganizations.notifyAll();
		}
		return view;
	}

	private void reload(OrganizationId organization) {
		long version = this.timelines.versionOf(organization);
		Map<OrganizationId, Map<UserId, MemberState>> members = new HashMap<>();
		loadMembers(organization, members);
		view(organization).replace(version, members.getOrDefault(organization, Map.of()),
				loadWorkspaces(organization).getOrDefault(organization, Set.of()));
	}

	private void loadMembers(OrganizationId only, Map<OrganizationId, Map<UserId, MemberState>> into) {
		String where = (only != null) ? " WHERE m.organization_id = ?" : "";
		var query = this.jdbc.sql("SELECT m.organization_id, m.user_id, m.role, w.workspace_id FROM qs_members m "
				+ "LEFT JOIN qs_member_workspaces w ON w.organization_id = m.organization_id AND w.user_id = m.user_id"
				+ where);
		if (only != null) {
			query = query.param(only.value());
		}
		Map<OrganizationId, Map<UserId, Set<WorkspaceId>>> workspaces = new HashMap<>();
		Map<OrganizationId, Map<UserId, Role>> roles = new HashMap<>();
		query.query((row) -> {
			OrganizationId organization = new OrganizationId(row.getString(1));
			UserId user = UserId.of(row.getLong(2));
			roles.computeIfAbsent(organization, (id) -> new HashMap<>())
				.put(user, Role.fromCode(row.getString(3)).orElseThrow());
			Set<WorkspaceId> assigned = workspaces.computeIfAbsent(organization, (id) -> new HashMap<>())
				.computeIfAbsent(user, (id) -> new TreeSet<>());
			if (row.getString(4) != null) {
				assigned.add(new WorkspaceId(row.getString(4)));
			}
		});
		roles.forEach((organization, members) -> {
			Map<UserId, MemberState> states = into.computeIfAbsent(organization, (id) -> new HashMap<>());
			members.forEach((user, role) -> states.put(user,
					new MemberState(user, role, workspaces.get(organization).get(user))));
		});
	}

	/** A check's decision and the version of the organization it was decided at. */
	public record Answer(AccessDecision decision, long version) {
	}

	/** One organization's members; writers and version waiters synchronize on it. */
	private static final class OrganizationView {

		private final Map<UserId, MemberState> members = new ConcurrentHashMap<>();

		private final Set<WorkspaceId> workspaces = ConcurrentHashMap.newKeySet();

		private volatile long version;

		long version() {
			return this.version;
		}

		Optional<MemberState> member(UserId user) {
			return Optional.ofNullable(this.members.get(user));
		}

		Map<UserId, MemberState> members() {
			return Map.copyOf(this.members);
		}

		/** Applies the event if it is the next version; false if the view must reload. */
		synchronized boolean apply(ProjectedEvent projected) {
			if (projected.version() <= this.version) {
				return true;
			}
			if (projected.version() != this.version + 1) {
				return false;
			}
			for (MemberState state : MemberStates.next(projected.event(), this.members::get)) {
				this.members.put(state.userId(), state);
			}
			if (projected.event() instanceof WorkspaceCreated created) {
				this.workspaces.add(created.workspaceId());
			}
			this.version = projected.version();
			notifyAll();
			return true;
		}

		synchronized void replace(long newVersion, Map<UserId, MemberState> newMembers,
				Set<WorkspaceId> newWorkspaces) {
			if (newVersion < this.version) {
				return;
			}
			this.members.clear();
			this.members.putAll(newMembers);
			this.workspaces.clear();
			this.workspaces.addAll(newWorkspaces);
			this.version = newVersion;
			notifyAll();
		}

		synchronized boolean awaitVersion(long wanted, long nanos) throws InterruptedException {
			long deadline = System.nanoTime() + nanos;
			while (this.version < wanted) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				wait(Math.max(1, left / 1_000_000));
			}
			return true;
		}

	}

}
