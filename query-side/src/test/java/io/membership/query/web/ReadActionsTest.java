package io.membership.query.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import io.membership.events.access.Action;
import io.membership.events.access.PermissionMatrix;
import io.membership.events.access.Role;

/**
 * The queries decide who may read by the permission matrix's actions; API.md's "who may"
 * columns are the contract. Each action a query reads by must grant exactly the roles
 * API.md lists for it, everywhere in the organization, so that a change to the matrix
 * that would change who may read fails here before it reaches a client.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ReadActionsTest {

	@Test
	void the_member_list_and_a_member_are_read_by_managers_administrators_and_the_owner() {
		assertThat(rolesGrantingEverywhere(Action.VIEW_ORGANIZATION_PAGE)).containsExactlyInAnyOrder(Role.MANAGER,
				Role.ADMINISTRATOR, Role.OWNER);
	}

	@Test
	void the_activity_log_role_histories_and_the_audit_trail_are_read_by_administrators_and_the_owner() {
		assertThat(rolesGrantingEverywhere(Action.VIEW_ACTIVITY_LOG)).containsExactlyInAnyOrder(Role.ADMINISTRATOR,
				Role.OWNER);
	}

	@Test
	void what_another_member_may_do_is_read_by_administrators_and_the_owner() {
		assertThat(rolesGrantingEverywhere(Action.ASSIGN_USER_ROLES)).containsExactlyInAnyOrder(Role.ADMINISTRATOR,
				Role.OWNER);
	}

	@Test
	void annotators_and_reviewers_read_only_their_own_workspaces_and_inactive_members_none() {
		assertThat(rolesGrantingEverywhere(Action.WORKSPACE_READ)).doesNotContain(Role.ANNOTATOR, Role.REVIEWER,
				Role.NOT_ACTIVATED, Role.DEACTIVATED);
		assertThat(PermissionMatrix.grants(Role.ANNOTATOR, Action.WORKSPACE_READ)).isTrue();
		assertThat(PermissionMatrix.grants(Role.REVIEWER, Action.WORKSPACE_READ)).isTrue();
		assertThat(PermissionMatrix.grants(Role.NOT_ACTIVATED, Action.WORKSPACE_READ)).isFalse();
		assertThat(PermissionMatrix.grants(Role.DEACTIVATED, Action.WORKSPACE_READ)).isFalse();
	}

	private static Set<Role> rolesGrantingEverywhere(Action action) {
		return Arrays.stream(Role.values())
			.filter((role) -> PermissionMatrix.grantsOrganizationWide(role, action))
			.collect(Collectors.toSet());
	}

}
