package io.membership.events.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.membership.events.access.ProjectAccess.Grant;
import io.membership.events.access.ProjectAccess.Via;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.WorkspaceId;

/** API.md's effective access to a project, which every project check uses. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ProjectAccessTest {

	private static final ProjectId PROJECT = new ProjectId("17");

	private static final WorkspaceId PROJECT_WS = new WorkspaceId("ws_project");

	private static final WorkspaceId OTHER_WS = new WorkspaceId("ws_other");

	private static Map<ProjectId, Role> inherit() {
		Map<ProjectId, Role> projects = new HashMap<>();
		projects.put(PROJECT, null);
		return projects;
	}

	@ParameterizedTest
	@EnumSource(names = { "OWNER", "ADMINISTRATOR" })
	void owners_and_administrators_reach_every_project_through_the_organization_with_their_role(Role role) {
		assertThat(ProjectAccess.of(role, Set.of(), Map.of(), PROJECT, PROJECT_WS))
			.contains(new Grant(role, Via.ORGANIZATION));
	}

	@Test
	void a_manager_reaches_the_projects_of_their_workspaces() {
		assertThat(ProjectAccess.of(Role.MANAGER, Set.of(PROJECT_WS), Map.of(), PROJECT, PROJECT_WS))
			.contains(new Grant(Role.MANAGER, Via.WORKSPACE));
	}

	@Test
	void a_manager_reaches_a_project_they_were_invited_to_outside_their_workspaces() {
		assertThat(ProjectAccess.of(Role.MANAGER, Set.of(OTHER_WS), inherit(), PROJECT, PROJECT_WS))
			.contains(new Grant(Role.MANAGER, Via.MEMBERSHIP));
	}

	@Test
	void a_manager_reaches_no_other_project() {
		assertThat(ProjectAccess.of(Role.MANAGER, Set.of(OTHER_WS), Map.of(), PROJECT, PROJECT_WS)).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(names = { "ANNOTATOR", "REVIEWER" })
	void annotators_and_reviewers_reach_only_their_projects_even_in_their_workspaces(Role role) {
		assertThat(ProjectAccess.of(role, Set.of(PROJECT_WS), Map.of(), PROJECT, PROJECT_WS)).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(names = { "ANNOTATOR", "REVIEWER" })
	void a_member_without_a_project_role_acts_as_their_organization_role(Role role) {
		assertThat(ProjectAccess.of(role, Set.of(), inherit(), PROJECT, PROJECT_WS))
			.contains(new Grant(role, Via.MEMBERSHIP));
	}

	@Test
	void an_annotator_with_a_reviewer_project_role_acts_as_a_reviewer_there() {
		assertThat(ProjectAccess.of(Role.ANNOTATOR, Set.of(), Map.of(PROJECT, Role.REVIEWER), PROJECT, PROJECT_WS))
			.contains(new Grant(Role.REVIEWER, Via.MEMBERSHIP));
	}

	@Test
	void a_project_role_confers_nothing_once_the_organization_role_is_not_annotator_or_reviewer() {
		assertThat(ProjectAccess.of(Role.MANAGER, Set.of(), Map.of(PROJECT, Role.ANNOTATOR), PROJECT, PROJECT_WS))
			.contains(new Grant(Role.MANAGER, Via.MEMBERSHIP));
		assertThat(ProjectAccess.of(Role.ADMINISTRATOR, Set.of(), Map.of(PROJECT, Role.ANNOTATOR), PROJECT, PROJECT_WS))
			.contains(new Grant(Role.ADMINISTRATOR, Via.ORGANIZATION));
	}

	@ParameterizedTest
	@EnumSource(names = { "NOT_ACTIVATED", "DEACTIVATED" })
	void members_who_are_not_active_reach_nothing_whatever_they_belong_to(Role role) {
		assertThat(ProjectAccess.of(role, Set.of(PROJECT_WS), Map.of(PROJECT, Role.REVIEWER), PROJECT, PROJECT_WS))
			.isEmpty();
	}

}
