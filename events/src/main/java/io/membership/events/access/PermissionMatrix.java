package io.membership.events.access;

import static io.membership.events.access.Scope.CONDITIONAL;
import static io.membership.events.access.Scope.ORGANIZATION;
import static io.membership.events.access.Scope.OWN;
import static io.membership.events.access.Scope.PROJECT;
import static io.membership.events.access.Scope.WORKSPACE;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.membership.events.ids.ProjectId;
import io.membership.events.ids.WorkspaceId;

/**
 * Label Studio Enterprise's role x action table (seed 000) as data, and the one place
 * that decides whether a role grants an action. The command side and the query side both
 * ask it, so a check answers exactly what the aggregate enforces.
 *
 * <p>
 * How a seed cell becomes a scope: a check mark is {@link Scope#ORGANIZATION}; "Own" is
 * {@link Scope#OWN}; "Project" and an Annotator's or Reviewer's "R" on project access are
 * {@link Scope#PROJECT} (they see only projects with tasks assigned to them); "If
 * permitted in project settings, can view own" is {@link Scope#CONDITIONAL}; an
 * Annotator's or Reviewer's "R" on workspace access, a Manager's workspace access, and
 * every cell carrying footnote 1 ("for their own workspaces and invited projects") or
 * reading "Workspace and invited projects" are {@link Scope#WORKSPACE}, because a Manager
 * "must be assigned to a workspace" and has full access only there.
 */
public final class PermissionMatrix {

	/** The seed table's column order. */
	private static final List<Role> COLUMNS = List.of(Role.ANNOTATOR, Role.REVIEWER, Role.MANAGER, Role.ADMINISTRATOR,
			Role.OWNER);

	private static final Map<Action, Map<Role, Scope>> GRANTS = new EnumMap<>(Action.class);

	static {
		// @formatter:off
		//                                       Annotator     Reviewer      Manager       Administrator Owner
		row(Action.ASSIGN_USER_ROLES,            null,         null,         null,         ORGANIZATION, ORGANIZATION);
		row(Action.VIEW_ORGANIZATION_PAGE,       null,         null,         ORGANIZATION, ORGANIZATION, ORGANIZATION);
		row(Action.INVITE_USERS,                 null,         null,         null,         ORGANIZATION, ORGANIZATION);
		row(Action.VIEW_ACTIVITY_LOG,            null,         null,         null,         ORGANIZATION, ORGANIZATION);
		row(Action.WORKSPACE_READ,               WORKSPACE,    WORKSPACE,    WORKSPACE,    ORGANIZATION, ORGANIZATION);
		row(Action.WORKSPACE_MANAGE,             null,         null,         WORKSPACE,    ORGANIZATION, ORGANIZATION);
		row(Action.PROJECT_READ,                 PROJECT,      PROJECT,      WORKSPACE,    ORGANIZATION, ORGANIZATION);
		row(Action.PROJECT_MANAGE,               null,         null,         WORKSPACE,    ORGANIZATION, ORGANIZATION);
		row(Action.SAVE_PROJECT_TEMPLATES,       null,         null,         ORGANIZATION, ORGANIZATION, ORGANIZATION);
		row(Action.VIEW_PROJECT_DATA,            CONDITIONAL,  ORGANIZATION, ORGANIZATION, ORGANIZATION, ORGANIZATION);
		row(Action.IMPORT_DATA,                  null,         null,         ORGANIZATION, ORGANIZATION, ORGANIZATION);
		row(Action.EXPORT_DATA,                  null,         null,         ORGANIZATION, ORGANIZATION, ORGANIZATION);
		row(Action.ASSIGN_ANNOTATORS,            null,         ORGANIZATION, ORGANIZATION, ORGANIZATION, ORGANIZATION);
		row(Action.ACCESS_LABELING_WORKFLOW,     ORGANIZATION, ORGANIZATION, ORGANIZATION, ORGANIZATION, ORGANIZATION);
		row(Action.ACCESS_REVIEW_WORKFLOW,       null,         ORGANIZATION, ORGANIZATION, ORGANIZATION, ORGANIZATION);
		row(Action.MONITOR_ANNOTATOR_AGREEMENT,  null,         ORGANIZATION, ORGANIZATION, ORGANIZATION, ORGANIZATION);
		row(Action.REVIEW_ANNOTATOR_PERFORMANCE, OWN,          ORGANIZATION, ORGANIZATION, ORGANIZATION, ORGANIZATION);
		row(Action.VERIFY_ANNOTATION_RESULTS,    null,         ORGANIZATION, ORGANIZATION, ORGANIZATION, ORGANIZATION);
		row(Action.ASSIGN_REVIEWERS,             null,         null,         ORGANIZATION, ORGANIZATION, ORGANIZATION);
		row(Action.API_ACCESS,                   ORGANIZATION, ORGANIZATION, WORKSPACE,    ORGANIZATION, ORGANIZATION);
		row(Action.VIEW_DASHBOARDS,              OWN,          PROJECT,      WORKSPACE,    ORGANIZATION, ORGANIZATION);
		row(Action.VIEW_ANNOTATOR_DASHBOARD,     ORGANIZATION, null,         null,         null,         null);
		// @formatter:on
	}

	private PermissionMatrix() {
	}

	private static void row(Action action, Scope annotator, Scope reviewer, Scope manager, Scope administrator,
			Scope owner) {
		Scope[] cells = { annotator, reviewer, manager, administrator, owner };
		Map<Role, Scope> grants = new EnumMap<>(Role.class);
		for (int column = 0; column < cells.length; column++) {
			if (cells[column] != null) {
				grants.put(COLUMNS.get(column), cells[column]);
			}
		}
		GRANTS.put(action, Collections.unmodifiableMap(grants));
	}

	/**
	 * The scope in which the role grants the action, or empty when it does not. The
	 * states Not Activated and Deactivated grant nothing.
	 */
	public static Optional<Scope> scopeOf(Role role, Action action) {
		return Optional.ofNullable(GRANTS.get(action).get(role));
	}

	public static boolean grants(Role role, Action action) {
		return scopeOf(role, action).isPresent();
	}

	/**
	 * Whether the role grants the action everywhere in the organization, as a read of the
	 * whole organization (its member list, its activity log, its audit trail) needs.
	 */
	public static boolean grantsOrganizationWide(Role role, Action action) {
		return scopeOf(role, action).filter(ORGANIZATION::equals).isPresent();
	}

	/** Every granted cell of one row, for the matrix endpoint. */
	public static Map<Role, Scope> row(Action action) {
		return GRANTS.get(action);
	}

	/**
	 * Decides whether a member with this role and these workspace assignments may perform
	 * the action, in one workspace or (when {@code workspace} is null) anywhere in the
	 * organization.
	 */
	public static AccessDecision decide(Role role, Set<WorkspaceId> assignedWorkspaces, Action action,
			WorkspaceId workspace) {
		if (!role.isActive()) {
			return AccessDecision.denied(role, AccessDecision.Reason.MEMBER_NOT_ACTIVE);
		}
		Optional<Scope> granted = scopeOf(role, action);
		if (granted.isEmpty()) {
			return AccessDecision.denied(role, AccessDecision.Reason.NOT_GRANTED_TO_ROLE);
		}
		Scope scope = granted.get();
		if (scope != WORKSPACE) {
			return AccessDecision.allowed(role, scope, Set.of());
		}
		if (workspace != null) {
			return assignedWorkspaces.contains(workspace) ? AccessDecision.allowed(role, scope, Set.of(workspace))
					: AccessDecision.denied(role, AccessDecision.Reason.WORKSPACE_NOT_ASSIGNED);
		}
		return assignedWorkspaces.isEmpty() ? AccessDecision.denied(role, AccessDecision.Reason.NO_WORKSPACE_ASSIGNED)
				: AccessDecision.allowed(role, scope, Set.copyOf(assignedWorkspaces));
	}

	/**
	 * Decides a check that may name a project (API.md, "Projects and project roles"). An
	 * action {@linkplain Action#isAboutProject() about a project}, asked with one, is
	 * decided for that project alone by the member's effective access
	 * ({@link ProjectAccess}) and the role they act as there: the decision names that
	 * role, and a grant's scope is {@code own} where the seed says so and otherwise the
	 * path that gives it ({@code organization}, {@code workspace} with the project's
	 * workspace, or {@code project} for a membership). An Annotator's conditional right
	 * to view project data is decided by the project's {@code annotators_view_own_data}.
	 * Without a project, or for an action not about one, this is
	 * {@link #decide(Role, Set, Action, WorkspaceId)}: the project (even an unknown one)
	 * is ignored.
	 * @param projects the member's project memberships and their project roles (null:
	 * Inherit)
	 * @param projectId the project asked about, or null
	 * @param project what the organization knows of it, or null when it is unknown or was
	 * removed
	 */
	public static AccessDecision decide(Role role, Set<WorkspaceId> assignedWorkspaces, Map<ProjectId, Role> projects,
			Action action, WorkspaceId workspace, ProjectId projectId, ProjectAccess.Project project) {
		if (projectId == null || !action.isAboutProject()) {
			return decide(role, assignedWorkspaces, action, workspace);
		}
		if (project == null) {
			return AccessDecision.denied(role, AccessDecision.Reason.UNKNOWN_PROJECT);
		}
		if (!role.isActive()) {
			return AccessDecision.denied(role, AccessDecision.Reason.MEMBER_NOT_ACTIVE);
		}
		Optional<ProjectAccess.Grant> access = ProjectAccess.of(role, assignedWorkspaces, projects, projectId,
				project.workspaceId());
		if (access.isEmpty()) {
			return AccessDecision.denied(role, AccessDecision.Reason.NO_PROJECT_ACCESS);
		}
		Role acting = access.get().effectiveRole();
		Optional<Scope> granted = scopeOf(acting, action);
		if (granted.isEmpty()) {
			return AccessDecision.denied(acting, AccessDecision.Reason.NOT_GRANTED_TO_ROLE);
		}
		if (granted.get() == CONDITIONAL) {
			return project.annotatorsViewOwnData() ? AccessDecision.allowed(acting, OWN, Set.of())
					: AccessDecision.denied(acting, AccessDecision.Reason.NOT_PERMITTED_BY_PROJECT);
		}
		if (granted.get() == OWN) {
			return AccessDecision.allowed(acting, OWN, Set.of());
		}
		return switch (access.get().via()) {
			case ORGANIZATION -> AccessDecision.allowed(acting, ORGANIZATION, Set.of());
			case WORKSPACE -> AccessDecision.allowed(acting, WORKSPACE, Set.of(project.workspaceId()));
			case MEMBERSHIP -> AccessDecision.allowed(acting, PROJECT, Set.of());
		};
	}

}
