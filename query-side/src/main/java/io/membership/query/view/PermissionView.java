package io.membership.query.view;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.membership.events.PersonalDataErased;
import io.membership.events.InvitationRevoked;
import io.membership.events.InviteLinkReset;
import io.membership.events.MemberActivated;
import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemoved;
import io.membership.events.MemberRemovedFromProject;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEventVisitor;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.ProjectRegistered;
import io.membership.events.ProjectRemoved;
import io.membership.events.ProjectRoleChanged;
import io.membership.events.ProjectUpdated;
import io.membership.events.UserInvited;
import io.membership.events.WorkspaceCreated;
import io.membership.events.access.AccessDecision;
import io.membership.events.access.Action;
import io.membership.events.access.PermissionMatrix;
import io.membership.events.access.ProjectAccess;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
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
 * reloads that organization from the tables. The projection's lanes
 * ({@code PartitionLanes}) apply different organizations on different threads at once:
 * the organizations are a concurrent map, and each organization's view changes under its
 * own lock, so two threads applying two organizations never change the same state.
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

	private static final Logger logger = LoggerFactory.getLogger(PermissionView.class);

	private final Map<OrganizationId, OrganizationView> organizations = new ConcurrentHashMap<>();

	/**
	 * Organizations whose views are known to be behind: nothing is answered from them.
	 */
	private final Set<OrganizationId> setAside = ConcurrentHashMap.newKeySet();

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
		Map<OrganizationId, Map<ProjectId, ProjectState>> projects = loadProjects(null);
		versions.forEach((organization, version) -> {
			OrganizationView view = view(organization);
			view.replace(version, members.getOrDefault(organization, Map.of()),
					workspaces.getOrDefault(organization, Set.of()), projects.getOrDefault(organization, Map.of()));
			view.callBackReached();
		});
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
		OrganizationView view = this.organizations.get(organization);
		if (view != null) {
			// Their version will not come: let them ask again, and hear view_stale.
			view.callBack((waiter) -> true);
		}
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
		organization.callBackReached();
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
	 * Decides the check from memory, for a project if one is named
	 * ({@link PermissionMatrix#decide(Role, Set, Map, Action, WorkspaceId, ProjectId, ProjectAccess.Project)});
	 * empty if the user is not a member of the organization.
	 */
	public Optional<Answer> decide(OrganizationId organization, UserId user, Action action, WorkspaceId workspace,
			ProjectId project) {
		requireCurrent(organization);
		OrganizationView view = this.organizations.get(organization);
		if (view == null) {
			return Optional.empty();
		}
		// Consistent with the events applied: an event that changes both the members and
		// the projects (a project removed) is never seen half applied.
		return view.read(() -> view.member(user)
			.map((member) -> new Answer(view.decide(member, action, workspace, project), view.version())));
	}

	/**
	 * Decides several checks from memory at one version of the organization: the view
	 * applies no event meanwhile. Empty if the organization has no view; an answer is
	 * null for a user who is not a member.
	 */
	public Optional<Answers> decideAll(OrganizationId organization, List<Question> questions) {
		requireCurrent(organization);
		OrganizationView view = this.organizations.get(organization);
		if (view == null) {
			return Optional.empty();
		}
		return Optional.of(view.read(() -> {
			List<AccessDecision> decisions = new ArrayList<>(questions.size());
			for (Question question : questions) {
				decisions.add(view.member(question.user())
					.map((member) -> view.decide(member, question.action(), question.workspace(), question.project()))
					.orElse(null));
			}
			return new Answers(decisions, view.version());
		}));
	}

	/** One check of {@link #decideAll}: the project and the workspace may be null. */
	public record Question(UserId user, Action action, WorkspaceId workspace, ProjectId project) {
	}

	/**
	 * The decisions of {@link #decideAll}, in the order asked (null: not a member), and
	 * the version they were decided at.
	 */
	public record Answers(List<AccessDecision> decisions, long version) {
	}

	/**
	 * Calls {@code reached} once, when the organization's view has reached the version:
	 * at once on this thread if it has, otherwise on the thread that applies that
	 * version. Only for an organization the view holds (a caller who is a member of it
	 * proves it does): any caller may name any organization id, and one that never
	 * appears must leave nothing behind, so for any other this registers nothing and
	 * never calls back.
	 * @return what forgets {@code reached} if the wait ends otherwise (it times out)
	 */
	public Runnable whenReached(OrganizationId organization, long version, Runnable reached) {
		OrganizationView view = this.organizations.get(organization);
		if (view != null && this.setAside.contains(organization)) {
			// The version will not come while it is set aside: asking again answers now.
			reached.run();
			return () -> {
			};
		}
		if (view == null) {
			return () -> {
			};
		}
		return view.whenReached(version, reached);
	}

	/** How many callbacks wait for a version of the organization. */
	int waitingFor(OrganizationId organization) {
		OrganizationView view = this.organizations.get(organization);
		return (view != null) ? view.waiting() : 0;
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
		return this.organizations.computeIfAbsent(organization, (id) -> new OrganizationView());
	}

	private void reload(OrganizationId organization) {
		long version = this.timelines.versionOf(organization);
		Map<OrganizationId, Map<UserId, MemberState>> members = new HashMap<>();
		loadMembers(organization, members);
		view(organization).replace(version, members.getOrDefault(organization, Map.of()),
				loadWorkspaces(organization).getOrDefault(organization, Set.of()),
				loadProjects(organization).getOrDefault(organization, Map.of()));
	}

	/** The projects that were not removed. */
	private Map<OrganizationId, Map<ProjectId, ProjectState>> loadProjects(OrganizationId only) {
		String where = (only != null) ? " AND organization_id = ?" : "";
		var query = this.jdbc.sql("SELECT organization_id, project_id, workspace_id, annotators_view_own_data "
				+ "FROM qs_projects WHERE removed_at IS NULL" + where);
		if (only != null) {
			query = query.param(only.value());
		}
		Map<OrganizationId, Map<ProjectId, ProjectState>> projects = new HashMap<>();
		query.query((row) -> {
			ProjectState project = new ProjectState(new ProjectId(row.getString(2)), new WorkspaceId(row.getString(3)),
					row.getBoolean(4));
			projects.computeIfAbsent(new OrganizationId(row.getString(1)), (id) -> new HashMap<>())
				.put(project.projectId(), project);
		});
		return projects;
	}

	/** Every member's project memberships, with their project roles (null: Inherit). */
	private Map<OrganizationId, Map<UserId, Map<ProjectId, Role>>> loadProjectMemberships(OrganizationId only) {
		String where = (only != null) ? " WHERE organization_id = ?" : "";
		var query = this.jdbc
			.sql("SELECT organization_id, user_id, project_id, project_role FROM qs_project_members" + where);
		if (only != null) {
			query = query.param(only.value());
		}
		Map<OrganizationId, Map<UserId, Map<ProjectId, Role>>> memberships = new HashMap<>();
		query.query((row) -> {
			String role = row.getString(4);
			memberships.computeIfAbsent(new OrganizationId(row.getString(1)), (id) -> new HashMap<>())
				.computeIfAbsent(UserId.of(row.getLong(2)), (id) -> new HashMap<>())
				.put(new ProjectId(row.getString(3)), (role != null) ? Role.fromCode(role).orElseThrow() : null);
		});
		return memberships;
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
		Map<OrganizationId, Map<UserId, Map<ProjectId, Role>>> projects = loadProjectMemberships(only);
		roles.forEach((organization, members) -> {
			Map<UserId, MemberState> states = into.computeIfAbsent(organization, (id) -> new HashMap<>());
			Map<UserId, Map<ProjectId, Role>> memberships = projects.getOrDefault(organization, Map.of());
			members.forEach((user, role) -> states.put(user, new MemberState(user, role,
					workspaces.get(organization).get(user), memberships.getOrDefault(user, Map.of()))));
		});
	}

	/**
	 * A project the organization has (removed ones are forgotten: they confer nothing),
	 * or empty.
	 */
	public Optional<ProjectState> project(OrganizationId organization, ProjectId project) {
		requireCurrent(organization);
		OrganizationView view = this.organizations.get(organization);
		return (view != null) ? Optional.ofNullable(view.projects.get(project)) : Optional.empty();
	}

	/** Every project the organization has. */
	public Map<ProjectId, ProjectState> projects(OrganizationId organization) {
		requireCurrent(organization);
		OrganizationView view = this.organizations.get(organization);
		return (view != null) ? Map.copyOf(view.projects) : Map.of();
	}

	/** What a check needs to know of a project. */
	public record ProjectState(ProjectId projectId, WorkspaceId workspaceId, boolean annotatorsViewOwnData) {

		/** The project as the permission model decides with it. */
		public ProjectAccess.Project access() {
			return new ProjectAccess.Project(this.projectId, this.workspaceId, this.annotatorsViewOwnData);
		}

	}

	/** A check's decision and the version of the organization it was decided at. */
	public record Answer(AccessDecision decision, long version) {
	}

	/**
	 * One organization's members, workspaces and projects. Writers synchronize on it, and
	 * so does the list of callbacks waiting for a version; they change the state under
	 * {@link #changes}'s write lock, and checks read it without taking a lock
	 * ({@link #read}).
	 */
	private static final class OrganizationView {

		/**
		 * Every check of an organization reads its view, from as many request threads as
		 * there are callers: a lock they all take was a contended monitor in the profile
		 * of saturated checks (threads parked behind one another, each for microseconds
		 * of work). Reads are optimistic, and an event applied meanwhile makes the reader
		 * read again under the read lock.
		 */
		private final StampedLock changes = new StampedLock();

		private final Map<UserId, MemberState> members = new ConcurrentHashMap<>();

		private final Set<WorkspaceId> workspaces = ConcurrentHashMap.newKeySet();

		private final Map<ProjectId, ProjectState> projects = new ConcurrentHashMap<>();

		private final List<Waiter> waiters = new ArrayList<>();

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

		AccessDecision decide(MemberState member, Action action, WorkspaceId workspace, ProjectId project) {
			ProjectState named = (project != null) ? this.projects.get(project) : null;
			return PermissionMatrix.decide(member.role(), member.workspaces(), member.projects(), action, workspace,
					project, (named != null) ? named.access() : null);
		}

		/**
		 * What the reader returns, computed from one consistent state: no event applied
		 * while it read. The maps are concurrent and the member states immutable, so an
		 * optimistic read that overlaps a change reads nothing broken, only something to
		 * throw away.
		 */
		<T> T read(Supplier<T> reader) {
			long stamp = this.changes.tryOptimisticRead();
			if (stamp != 0) {
				try {
					T read = reader.get();
					if (this.changes.validate(stamp)) {
						return read;
					}
				}
				catch (RuntimeException ex) {
					// A state caught halfway through a change may fail to decide: read
					// it again, whole. One that fails in a consistent state fails below.
					if (this.changes.validate(stamp)) {
						throw ex;
					}
				}
			}
			stamp = this.changes.readLock();
			try {
				return reader.get();
			}
			finally {
				this.changes.unlockRead(stamp);
			}
		}

		/** Applies the event if it is the next version; false if the view must reload. */
		synchronized boolean apply(ProjectedEvent projected) {
			if (projected.version() <= this.version) {
				return true;
			}
			if (projected.version() != this.version + 1) {
				return false;
			}
			long stamp = this.changes.writeLock();
			try {
				for (MemberState state : MemberStates.next(projected.event(), this.members::get,
						(project) -> MemberStates.membersOf(project, this.members.values()))) {
					this.members.put(state.userId(), state);
				}
				MemberStates.removed(projected.event()).ifPresent(this.members::remove);
				projected.event().accept(new WorkspacesAndProjects());
				this.version = projected.version();
			}
			finally {
				this.changes.unlockWrite(stamp);
			}
			return true;
		}

		/**
		 * What an event changes in the workspaces and projects a check needs to know of;
		 * the members' states are {@link MemberStates}'.
		 */
		private final class WorkspacesAndProjects implements MembershipEventVisitor<Void> {

			@Override
			public Void on(OrganizationCreated created) {
				return null;
			}

			@Override
			public Void on(UserInvited invited) {
				return null;
			}

			@Override
			public Void on(InvitationRevoked revoked) {
				return null;
			}

			@Override
			public Void on(InviteLinkReset reset) {
				return null;
			}

			@Override
			public Void on(MemberJoined joined) {
				return null;
			}

			@Override
			public Void on(MemberActivated activated) {
				return null;
			}

			@Override
			public Void on(MemberRoleChanged changed) {
				return null;
			}

			@Override
			public Void on(MemberDeactivated deactivated) {
				return null;
			}

			@Override
			public Void on(OwnershipTransferred transferred) {
				return null;
			}

			@Override
			public Void on(WorkspaceCreated created) {
				OrganizationView.this.workspaces.add(created.workspaceId());
				return null;
			}

			@Override
			public Void on(MemberAssignedToWorkspace assigned) {
				return null;
			}

			@Override
			public Void on(MemberRemovedFromWorkspace removed) {
				return null;
			}

			@Override
			public Void on(MemberRemoved removed) {
				return null;
			}

			@Override
			public Void on(ProjectRegistered registered) {
				OrganizationView.this.projects.put(registered.projectId(), new ProjectState(registered.projectId(),
						registered.workspaceId(), registered.annotatorsViewOwnData()));
				return null;
			}

			@Override
			public Void on(ProjectUpdated updated) {
				OrganizationView.this.projects.put(updated.projectId(),
						new ProjectState(updated.projectId(), updated.workspaceId(), updated.annotatorsViewOwnData()));
				return null;
			}

			@Override
			public Void on(ProjectRemoved removed) {
				OrganizationView.this.projects.remove(removed.projectId());
				return null;
			}

			@Override
			public Void on(MemberAddedToProject added) {
				return null;
			}

			@Override
			public Void on(ProjectRoleChanged changed) {
				return null;
			}

			@Override
			public Void on(MemberRemovedFromProject removed) {
				return null;
			}

			// Checks decide by user id and roles, never by address: nothing changes.
			@Override
			public Void on(PersonalDataErased erased) {
				return null;
			}

		}

		synchronized void replace(long newVersion, Map<UserId, MemberState> newMembers, Set<WorkspaceId> newWorkspaces,
				Map<ProjectId, ProjectState> newProjects) {
			if (newVersion < this.version) {
				return;
			}
			long stamp = this.changes.writeLock();
			try {
				this.members.clear();
				this.members.putAll(newMembers);
				this.workspaces.clear();
				this.workspaces.addAll(newWorkspaces);
				this.projects.clear();
				this.projects.putAll(newProjects);
				this.version = newVersion;
			}
			finally {
				this.changes.unlockWrite(stamp);
			}
		}

		Runnable whenReached(long wanted, Runnable reached) {
			Waiter waiter = new Waiter(wanted, reached);
			synchronized (this) {
				if (this.version < wanted) {
					this.waiters.add(waiter);
					return () -> forget(waiter);
				}
			}
			reached.run();
			return () -> {
			};
		}

		private synchronized void forget(Waiter waiter) {
			this.waiters.remove(waiter);
		}

		synchronized int waiting() {
			return this.waiters.size();
		}

		/**
		 * Calls back those waiting for a version the view has now reached, outside the
		 * lock: a callback is the web layer's, and the view must not wait on it.
		 */
		void callBackReached() {
			callBack((waiter) -> waiter.version <= this.version);
		}

		/** Calls back, outside the lock, every waiter the predicate picks. */
		void callBack(Predicate<Waiter> due) {
			List<Waiter> picked = new ArrayList<>(0);
			synchronized (this) {
				if (this.waiters.isEmpty()) {
					return;
				}
				for (Iterator<Waiter> waiting = this.waiters.iterator(); waiting.hasNext();) {
					Waiter waiter = waiting.next();
					if (due.test(waiter)) {
						picked.add(waiter);
						waiting.remove();
					}
				}
			}
			for (Waiter waiter : picked) {
				try {
					waiter.reached.run();
				}
				catch (RuntimeException ex) {
					// Whatever a waiting request does, the view carries on following
					// events.
					logger.warn("A callback waiting for version {} failed", waiter.version, ex);
				}
			}
		}

	}

	/**
	 * A callback waiting for an organization to reach a version; equal only to itself, so
	 * that forgetting one request's wait never forgets another's.
	 */
	private static final class Waiter {

		private final long version;

		private final Runnable reached;

		Waiter(long version, Runnable reached) {
			this.version = version;
			this.reached = reached;
		}

	}

}
