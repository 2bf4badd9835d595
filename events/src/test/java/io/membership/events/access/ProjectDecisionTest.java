package io.membership.events.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.membership.events.access.AccessDecision.Reason;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.WorkspaceId;

/**
 * A check that names a project (API.md, "Projects and project roles"): every role x every
 * project-scoped action x every way a member can stand to a project, with the project's
 * {@code annotators_view_own_data} off and on. The expected scope of the role a member
 * acts as comes from the table read out of seed 000 ({@link SeedMatrixTest#seedCells()}),
 * never from {@link PermissionMatrix}; what a project adds is API.md's effective access,
 * restated here case by case.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ProjectDecisionTest {

	private static final ProjectId PROJECT = new ProjectId("17");

	private static final WorkspaceId ASSIGNED = new WorkspaceId("ws_assigned");

	private static final WorkspaceId OTHER = new WorkspaceId("ws_other");

	/** API.md's project-scoped actions. */
	static final Set<Action> PROJECT_ACTIONS = EnumSet.of(Action.PROJECT_READ, Action.PROJECT_MANAGE,
			Action.VIEW_PROJECT_DATA, Action.IMPORT_DATA, Action.EXPORT_DATA, Action.ASSIGN_ANNOTATORS,
			Action.ACCESS_LABELING_WORKFLOW, Action.ACCESS_REVIEW_WORKFLOW, Action.MONITOR_ANNOTATOR_AGREEMENT,
			Action.REVIEW_ANNOTATOR_PERFORMANCE, Action.VERIFY_ANNOTATION_RESULTS, Action.ASSIGN_REVIEWERS,
			Action.VIEW_DASHBOARDS, Action.VIEW_ANNOTATOR_DASHBOARD);

	/** API.md's actions that are not about a project. */
	static final Set<Action> ORGANIZATION_ACTIONS = EnumSet.of(Action.ASSIGN_USER_ROLES, Action.INVITE_USERS,
			Action.VIEW_ACTIVITY_LOG, Action.VIEW_ORGANIZATION_PAGE, Action.API_ACCESS);

	/**
	 * How the member stands to the project; every member is assigned to ASSIGNED only.
	 */
	enum Standing {

		MEMBER("a member of the project (Inherit), in their workspace", true, false, ASSIGNED),
		MEMBER_WITH_OVERRIDE("a member of the project with a project role, in their workspace", true, true, ASSIGNED),
		NOT_A_MEMBER("not a member, the project outside their workspaces", false, false, OTHER),
		IN_ASSIGNED_WORKSPACE("not a member, the project in their workspace", false, false, ASSIGNED),
		INVITED("a member of the project (Inherit) outside their workspaces", true, false, OTHER);

		final String description;

		final boolean member;

		final boolean override;

		final WorkspaceId projectWorkspace;

		Standing(String description, boolean member, boolean override, WorkspaceId projectWorkspace) {
			this.description = description;
			this.member = member;
			this.override = override;
			this.projectWorkspace = projectWorkspace;
		}

	}

	record Case(Role role, Action action, Standing standing, boolean annotatorsViewOwnData) {

		@Override
		public String toString() {
			return this.role.label() + " / " + this.action.id() + ", " + this.standing.description
					+ (this.annotatorsViewOwnData ? ", annotators view own data" : "");
		}

		/**
		 * The project role a member with an override holds: the other of AN and RE; a
		 * member of any other role keeps the one they had as an Annotator.
		 */
		Role override() {
			return (this.role == Role.ANNOTATOR) ? Role.REVIEWER : Role.ANNOTATOR;
		}

		Map<ProjectId, Role> projects() {
			Map<ProjectId, Role> projects = new HashMap<>();
			if (this.standing.member) {
				projects.put(PROJECT, this.standing.override ? override() : null);
			}
			return projects;
		}

		ProjectAccess.Project project() {
			return new ProjectAccess.Project(PROJECT, this.standing.projectWorkspace, this.annotatorsViewOwnData);
		}

	}

	static Stream<Case> cases() {
		List<Case> cases = new ArrayList<>();
		for (Role role : Role.values()) {
			for (Action action : PROJECT_ACTIONS) {
				for (Standing standing : Standing.values()) {
					for (boolean setting : List.of(false, true)) {
						cases.add(new Case(role, action, standing, setting));
					}
				}
			}
		}
		return cases.stream();
	}

	/** The seed's scope for an active role's action, read from the seed. */
	private static final Map<Role, Map<Action, Optional<Scope>>> SEED = readSeed();

	private static Map<Role, Map<Action, Optional<Scope>>> readSeed() {
		try {
			return SeedMatrixTest.seedCells()
				.collect(Collectors.groupingBy(SeedMatrixTest.SeedCell::role,
						Collectors.toMap(SeedMatrixTest.SeedCell::action, SeedMatrixTest::expectedScope)));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** API.md's effective access, restated. */
	private static AccessDecision expected(Case check) {
		Role role = check.role();
		Standing standing = check.standing();
		if (!role.isActive()) {
			return new AccessDecision(false, role, null, Reason.MEMBER_NOT_ACTIVE, Set.of());
		}
		Role acting = role;
		Scope reach;
		switch (role) {
			case OWNER, ADMINISTRATOR -> reach = Scope.ORGANIZATION;
			case MANAGER -> reach = (standing.projectWorkspace == ASSIGNED) ? Scope.WORKSPACE
					: standing.member ? Scope.PROJECT : null;
			default -> {
				reach = standing.member ? Scope.PROJECT : null;
				acting = standing.override ? check.override() : role;
			}
		}
		if (reach == null) {
			return new AccessDecision(false, role, null, Reason.NO_PROJECT_ACCESS, Set.of());
		}
		Optional<Scope> seed = SEED.get(acting).get(check.action());
		if (seed.isEmpty()) {
			return new AccessDecision(false, acting, null, Reason.NOT_GRANTED_TO_ROLE, Set.of());
		}
		if (seed.get() == Scope.CONDITIONAL) {
			return check.annotatorsViewOwnData()
					? new AccessDecision(true, acting, Scope.OWN, Reason.GRANTED_BY_ROLE, Set.of())
					: new AccessDecision(false, acting, null, Reason.NOT_PERMITTED_BY_PROJECT, Set.of());
		}
		if (seed.get() == Scope.OWN) {
			return new AccessDecision(true, acting, Scope.OWN, Reason.GRANTED_BY_ROLE, Set.of());
		}
		return new AccessDecision(true, acting, reach, Reason.GRANTED_BY_ROLE,
				(reach == Scope.WORKSPACE) ? Set.of(ASSIGNED) : Set.of());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void a_project_scoped_check_is_decided_by_the_effective_access_and_role_in_the_project(Case check) {
		AccessDecision decision = PermissionMatrix.decide(check.role(), Set.of(ASSIGNED), check.projects(),
				check.action(), null, PROJECT, check.project());

		assertThat(decision).as(check.toString()).isEqualTo(expected(check));
	}

	@Test
	void the_cases_cover_every_role_every_project_scoped_action_and_every_standing() {
		assertThat(cases()).hasSize(7 * 14 * 5 * 2);
		assertThat(EnumSet.complementOf(EnumSet.copyOf(PROJECT_ACTIONS))).containsAll(ORGANIZATION_ACTIONS);
	}

	@ParameterizedTest
	@EnumSource(Action.class)
	void an_action_is_about_a_project_exactly_when_api_md_lists_it_so(Action action) {
		assertThat(action.isAboutProject()).isEqualTo(PROJECT_ACTIONS.contains(action));
	}

	@ParameterizedTest
	@EnumSource(Action.class)
	void an_unknown_or_removed_project_refuses_every_project_scoped_action(Action action) {
		AccessDecision decision = PermissionMatrix.decide(Role.OWNER, Set.of(), Map.of(), action, null, PROJECT, null);

		if (PROJECT_ACTIONS.contains(action)) {
			assertThat(decision)
				.isEqualTo(new AccessDecision(false, Role.OWNER, null, Reason.UNKNOWN_PROJECT, Set.of()));
		}
		else {
			assertThat(decision).isEqualTo(PermissionMatrix.decide(Role.OWNER, Set.of(), action, null));
		}
	}

	@ParameterizedTest
	@EnumSource(Action.class)
	void actions_not_about_a_project_ignore_it(Action action) {
		if (PROJECT_ACTIONS.contains(action)) {
			return;
		}
		for (Role role : Role.values()) {
			for (WorkspaceId workspace : new WorkspaceId[] { null, ASSIGNED, OTHER }) {
				assertThat(PermissionMatrix.decide(role, Set.of(ASSIGNED), Map.of(PROJECT, Role.REVIEWER), action,
						workspace, PROJECT, new ProjectAccess.Project(PROJECT, OTHER, true)))
					.as(role + " / " + action.id() + " in " + workspace)
					.isEqualTo(PermissionMatrix.decide(role, Set.of(ASSIGNED), action, workspace));
			}
		}
	}

	@ParameterizedTest
	@EnumSource(Action.class)
	void without_a_project_the_decision_is_the_organization_s_as_before(Action action) {
		for (Role role : Role.values()) {
			assertThat(PermissionMatrix.decide(role, Set.of(ASSIGNED), Map.of(PROJECT, Role.REVIEWER), action, ASSIGNED,
					null, null))
				.isEqualTo(PermissionMatrix.decide(role, Set.of(ASSIGNED), action, ASSIGNED));
		}
	}

}
