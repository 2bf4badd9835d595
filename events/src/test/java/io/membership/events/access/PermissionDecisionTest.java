package io.membership.events.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import io.membership.events.ids.WorkspaceId;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PermissionDecisionTest {

	private static final WorkspaceId ASSIGNED = new WorkspaceId("ws_assigned");

	private static final WorkspaceId OTHER = new WorkspaceId("ws_other");

	@Test
	void a_manager_manages_a_workspace_they_are_assigned_to() {
		AccessDecision decision = PermissionMatrix.decide(Role.MANAGER, Set.of(ASSIGNED), Action.WORKSPACE_MANAGE,
				ASSIGNED);

		assertThat(decision.allowed()).isTrue();
		assertThat(decision.scope()).isEqualTo(Scope.WORKSPACE);
		assertThat(decision.workspaces()).containsExactly(ASSIGNED);
	}

	@Test
	void a_manager_does_not_manage_a_workspace_they_are_not_assigned_to() {
		AccessDecision decision = PermissionMatrix.decide(Role.MANAGER, Set.of(ASSIGNED), Action.WORKSPACE_MANAGE,
				OTHER);

		assertThat(decision.allowed()).isFalse();
		assertThat(decision.reason()).isEqualTo(AccessDecision.Reason.WORKSPACE_NOT_ASSIGNED);
	}

	@Test
	void a_manager_without_any_workspace_may_not_manage_workspaces_anywhere() {
		AccessDecision decision = PermissionMatrix.decide(Role.MANAGER, Set.of(), Action.WORKSPACE_MANAGE, null);

		assertThat(decision.allowed()).isFalse();
		assertThat(decision.reason()).isEqualTo(AccessDecision.Reason.NO_WORKSPACE_ASSIGNED);
	}

	@Test
	void a_workspace_scoped_grant_without_a_workspace_lists_the_assigned_ones() {
		AccessDecision decision = PermissionMatrix.decide(Role.MANAGER, Set.of(ASSIGNED, OTHER), Action.API_ACCESS,
				null);

		assertThat(decision.allowed()).isTrue();
		assertThat(decision.workspaces()).containsExactlyInAnyOrder(ASSIGNED, OTHER);
	}

	@Test
	void an_administrator_is_allowed_in_any_workspace() {
		AccessDecision decision = PermissionMatrix.decide(Role.ADMINISTRATOR, Set.of(), Action.WORKSPACE_MANAGE, OTHER);

		assertThat(decision.allowed()).isTrue();
		assertThat(decision.scope()).isEqualTo(Scope.ORGANIZATION);
	}

	@Test
	void an_annotator_may_view_own_project_data_only_if_the_project_permits() {
		AccessDecision decision = PermissionMatrix.decide(Role.ANNOTATOR, Set.of(), Action.VIEW_PROJECT_DATA, null);

		assertThat(decision.allowed()).isTrue();
		assertThat(decision.scope()).isEqualTo(Scope.CONDITIONAL);
	}

	@Test
	void a_deactivated_member_keeps_assignments_that_confer_nothing() {
		AccessDecision decision = PermissionMatrix.decide(Role.DEACTIVATED, Set.of(ASSIGNED), Action.WORKSPACE_READ,
				ASSIGNED);

		assertThat(decision.allowed()).isFalse();
		assertThat(decision.reason()).isEqualTo(AccessDecision.Reason.MEMBER_NOT_ACTIVE);
	}

	@Test
	void an_annotator_may_not_assign_roles() {
		AccessDecision decision = PermissionMatrix.decide(Role.ANNOTATOR, Set.of(ASSIGNED), Action.ASSIGN_USER_ROLES,
				ASSIGNED);

		assertThat(decision.allowed()).isFalse();
		assertThat(decision.reason()).isEqualTo(AccessDecision.Reason.NOT_GRANTED_TO_ROLE);
	}

}
