package io.membership.command.organization;

import static io.membership.command.organization.OrganizationFixture.ADMIN;
import static io.membership.command.organization.OrganizationFixture.ANNOTATOR;
import static io.membership.command.organization.OrganizationFixture.BEFORE;
import static io.membership.command.organization.OrganizationFixture.CAST_VERSION;
import static io.membership.command.organization.OrganizationFixture.CORRELATION;
import static io.membership.command.organization.OrganizationFixture.DEACTIVATED;
import static io.membership.command.organization.OrganizationFixture.MANAGED_WS;
import static io.membership.command.organization.OrganizationFixture.MANAGER;
import static io.membership.command.organization.OrganizationFixture.NOW;
import static io.membership.command.organization.OrganizationFixture.ORG;
import static io.membership.command.organization.OrganizationFixture.OTHER_WS;
import static io.membership.command.organization.OrganizationFixture.OWNER;
import static io.membership.command.organization.OrganizationFixture.PENDING;
import static io.membership.command.organization.OrganizationFixture.REVIEWER;
import static io.membership.command.organization.OrganizationFixture.STRANGER;
import static io.membership.command.organization.OrganizationFixture.cast;
import static io.membership.command.organization.RefusalMatcher.refusedWith;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.TestExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.membership.events.MemberActivated;
import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemovedFromProject;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.MemberRoleChanged;
import io.membership.events.ProjectRegistered;
import io.membership.events.ProjectRemoved;
import io.membership.events.ProjectRoleChanged;
import io.membership.events.ProjectUpdated;
import io.membership.events.UserInvited;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * API.md's "Projects and project roles": every command and every rule the Organization
 * keeps about projects, one behaviour a test. The cast is {@link OrganizationFixture}'s,
 * plus a project in each workspace: {@link #MANAGED} in the Manager's workspace and
 * {@link #ELSEWHERE} in the other.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OrganizationProjectsTest {

	private static final ProjectId MANAGED = new ProjectId("101");

	private static final ProjectId ELSEWHERE = new ProjectId("202");

	private static final ProjectId NEW = new ProjectId("new-project_1.0");

	private static final String REASON = "labels this batch";

	private AggregateTestFixture<Organization> fixture;

	@BeforeEach
	void createFixture() {
		this.fixture = new AggregateTestFixture<>(Organization.class);
	}

	/** The cast, with {@link #MANAGED} and {@link #ELSEWHERE} registered. */
	private TestExecutor<Organization> givenProjects(Object... more) {
		return this.fixture.givenCurrentTime(NOW)
			.andGiven(cast())
			.andGiven(registered(MANAGED, MANAGED_WS), registered(ELSEWHERE, OTHER_WS))
			.andGiven(more);
	}

	private static final long PROJECTS_VERSION = CAST_VERSION + 2;

	private static ProjectRegistered registered(ProjectId project, WorkspaceId workspace) {
		return new ProjectRegistered(ORG, project, workspace, "Project " + project, false, ADMIN, BEFORE, "corr-0");
	}

	private static MemberAddedToProject added(ProjectId project, UserId user, Role role) {
		return new MemberAddedToProject(ORG, project, user, role, null, ADMIN, BEFORE, "corr-0");
	}

	private static RegisterProjectCommand register(ProjectId project, WorkspaceId workspace, String title,
			boolean annotatorsViewOwnData, UserId actor) {
		return new RegisterProjectCommand(ORG, project, workspace, title, annotatorsViewOwnData, actor, CORRELATION,
				null);
	}

	private static AddProjectMemberCommand add(ProjectId project, UserId user, Role role, UserId actor) {
		return new AddProjectMemberCommand(ORG, project, user, role, REASON, actor, CORRELATION, null);
	}

	private static ChangeProjectRoleCommand changeRole(ProjectId project, UserId user, Role role, UserId actor) {
		return new ChangeProjectRoleCommand(ORG, project, user, role, REASON, actor, CORRELATION, null);
	}

	@Nested
	class Registering_a_project {

		@Test
		void an_administrator_registers_a_project_in_any_workspace_under_the_apps_own_id() {
			givenProjects().when(register(NEW, OTHER_WS, "Cats", true, ADMIN))
				.expectEvents(new ProjectRegistered(ORG, NEW, OTHER_WS, "Cats", true, ADMIN, NOW, CORRELATION))
				.expectResultMessagePayload(new RegisterProjectCommand.Registered(true, PROJECTS_VERSION + 1));
		}

		@Test
		void a_manager_registers_a_project_in_their_workspace() {
			givenProjects().when(register(NEW, MANAGED_WS, "Cats", false, MANAGER))
				.expectEvents(new ProjectRegistered(ORG, NEW, MANAGED_WS, "Cats", false, MANAGER, NOW, CORRELATION));
		}

		@Test
		void a_manager_registers_no_project_in_a_workspace_not_assigned_to_them() {
			givenProjects().when(register(NEW, OTHER_WS, "Cats", false, MANAGER))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_reviewer_registers_no_project() {
			givenProjects().when(register(NEW, OTHER_WS, "Cats", false, REVIEWER))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_deactivated_member_registers_nothing() {
			givenProjects().when(register(NEW, OTHER_WS, "Cats", false, DEACTIVATED))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTOR_NOT_ACTIVE));
		}

		@Test
		void a_non_member_is_told_the_organization_does_not_exist() {
			givenProjects().when(register(NEW, OTHER_WS, "Cats", false, STRANGER))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ORGANIZATION_NOT_FOUND));
		}

		@Test
		void a_project_in_an_unknown_workspace_is_not_found() {
			givenProjects().when(register(NEW, new WorkspaceId("ws_missing"), "Cats", false, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.WORKSPACE_NOT_FOUND));
		}

		@Test
		void the_same_values_again_change_nothing() {
			givenProjects().when(register(MANAGED, MANAGED_WS, "Project " + MANAGED, false, ADMIN))
				.expectNoEvents()
				.expectResultMessagePayload(new RegisterProjectCommand.Registered(false, PROJECTS_VERSION));
		}

		@Test
		void a_new_title_or_setting_updates_the_project() {
			givenProjects().when(register(MANAGED, MANAGED_WS, "Renamed", true, MANAGER))
				.expectEvents(new ProjectUpdated(ORG, MANAGED, MANAGED_WS, MANAGED_WS, "Renamed", true, MANAGER, NOW,
						CORRELATION))
				.expectResultMessagePayload(new RegisterProjectCommand.Registered(false, PROJECTS_VERSION + 1));
		}

		@Test
		void an_administrator_moves_a_project_to_another_workspace() {
			givenProjects().when(register(MANAGED, OTHER_WS, "Project " + MANAGED, false, ADMIN))
				.expectEvents(new ProjectUpdated(ORG, MANAGED, MANAGED_WS, OTHER_WS, "Project " + MANAGED, false, ADMIN,
						NOW, CORRELATION));
		}

		@Test
		void a_manager_moves_a_project_only_between_workspaces_both_assigned_to_them() {
			givenProjects().when(register(MANAGED, OTHER_WS, "Project " + MANAGED, false, MANAGER))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_manager_does_not_move_a_project_out_of_a_workspace_not_assigned_to_them() {
			givenProjects().when(register(ELSEWHERE, MANAGED_WS, "Project " + ELSEWHERE, false, MANAGER))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_manager_invited_to_a_project_may_not_change_it_outside_their_workspaces() {
			givenProjects(added(ELSEWHERE, MANAGER, null))
				.when(register(ELSEWHERE, OTHER_WS, "Renamed", false, MANAGER))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_removed_projects_id_is_not_registered_again() {
			givenProjects(new ProjectRemoved(ORG, MANAGED, MANAGED_WS, ADMIN, BEFORE, "c"))
				.when(register(MANAGED, MANAGED_WS, "Again", false, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.PROJECT_REMOVED));
		}

	}

	@Nested
	class Removing_a_project {

		@Test
		void an_administrator_removes_a_project() {
			givenProjects().when(new RemoveProjectCommand(ORG, ELSEWHERE, ADMIN, CORRELATION, null))
				.expectEvents(new ProjectRemoved(ORG, ELSEWHERE, OTHER_WS, ADMIN, NOW, CORRELATION))
				.expectResultMessagePayload(PROJECTS_VERSION + 1);
		}

		@Test
		void a_manager_removes_a_project_of_their_workspace() {
			givenProjects().when(new RemoveProjectCommand(ORG, MANAGED, MANAGER, CORRELATION, null))
				.expectEvents(new ProjectRemoved(ORG, MANAGED, MANAGED_WS, MANAGER, NOW, CORRELATION));
		}

		@Test
		void a_manager_invited_to_a_project_elsewhere_does_not_remove_it() {
			givenProjects(added(ELSEWHERE, MANAGER, null))
				.when(new RemoveProjectCommand(ORG, ELSEWHERE, MANAGER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void an_unknown_project_is_not_found() {
			givenProjects().when(new RemoveProjectCommand(ORG, NEW, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.PROJECT_NOT_FOUND));
		}

		@Test
		void removing_it_again_changes_nothing() {
			givenProjects(new ProjectRemoved(ORG, MANAGED, MANAGED_WS, ADMIN, BEFORE, "c"))
				.when(new RemoveProjectCommand(ORG, MANAGED, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectResultMessagePayload(PROJECTS_VERSION + 1);
		}

		@Test
		void its_members_commands_are_then_not_found() {
			givenProjects(new ProjectRemoved(ORG, MANAGED, MANAGED_WS, ADMIN, BEFORE, "c"))
				.when(add(MANAGED, ANNOTATOR, null, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.PROJECT_NOT_FOUND));
		}

	}

	@Nested
	class Adding_a_member {

		@Test
		void an_administrator_adds_an_annotator_with_a_reviewer_project_role() {
			givenProjects().when(add(ELSEWHERE, ANNOTATOR, Role.REVIEWER, ADMIN))
				.expectEvents(new MemberAddedToProject(ORG, ELSEWHERE, ANNOTATOR, Role.REVIEWER, REASON, ADMIN, NOW,
						CORRELATION))
				.expectResultMessagePayload(PROJECTS_VERSION + 1);
		}

		@Test
		void without_a_role_the_member_inherits_their_organization_role() {
			givenProjects().when(add(ELSEWHERE, REVIEWER, null, OWNER))
				.expectEvents(
						new MemberAddedToProject(ORG, ELSEWHERE, REVIEWER, null, REASON, OWNER, NOW, CORRELATION));
		}

		@Test
		void a_manager_adds_members_to_the_projects_of_their_workspaces() {
			givenProjects().when(add(MANAGED, ANNOTATOR, null, MANAGER))
				.expectEvents(
						new MemberAddedToProject(ORG, MANAGED, ANNOTATOR, null, REASON, MANAGER, NOW, CORRELATION));
		}

		@Test
		void a_manager_adds_members_to_a_project_they_were_invited_to() {
			givenProjects(added(ELSEWHERE, MANAGER, null)).when(add(ELSEWHERE, ANNOTATOR, null, MANAGER))
				.expectEvents(
						new MemberAddedToProject(ORG, ELSEWHERE, ANNOTATOR, null, REASON, MANAGER, NOW, CORRELATION));
		}

		@Test
		void a_manager_adds_nobody_to_a_project_beyond_their_access() {
			givenProjects().when(add(ELSEWHERE, ANNOTATOR, null, MANAGER))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_manager_removed_from_the_workspace_loses_its_projects() {
			givenProjects(new MemberRemovedFromWorkspace(ORG, MANAGED_WS, MANAGER, ADMIN, BEFORE, "c"))
				.when(add(MANAGED, ANNOTATOR, null, MANAGER))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_reviewer_acting_as_reviewer_in_a_project_still_adds_nobody() {
			givenProjects(added(MANAGED, REVIEWER, null)).when(add(MANAGED, ANNOTATOR, null, REVIEWER))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void only_active_members_are_added() {
			givenProjects().when(add(MANAGED, PENDING, null, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_NOT_ACTIVE));
		}

		@Test
		void a_deactivated_member_is_not_added() {
			givenProjects().when(add(MANAGED, DEACTIVATED, null, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_NOT_ACTIVE));
		}

		@Test
		void a_project_role_is_not_given_to_a_manager() {
			givenProjects().when(add(ELSEWHERE, MANAGER, Role.REVIEWER, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.PROJECT_ROLE_NOT_APPLICABLE));
		}

		@Test
		void a_project_role_other_than_annotator_or_reviewer_is_refused() {
			givenProjects().when(add(ELSEWHERE, ANNOTATOR, Role.MANAGER, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.PROJECT_ROLE_NOT_APPLICABLE));
		}

		@Test
		void a_manager_may_be_added_to_inherit() {
			givenProjects().when(add(ELSEWHERE, MANAGER, null, ADMIN))
				.expectEvents(new MemberAddedToProject(ORG, ELSEWHERE, MANAGER, null, REASON, ADMIN, NOW, CORRELATION));
		}

		@Test
		void an_unknown_project_is_not_found() {
			givenProjects().when(add(NEW, ANNOTATOR, null, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.PROJECT_NOT_FOUND));
		}

		@Test
		void an_unknown_member_is_not_found() {
			givenProjects().when(add(MANAGED, STRANGER, null, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_NOT_FOUND));
		}

		@Test
		void adding_a_member_again_with_the_same_role_changes_nothing() {
			givenProjects(added(MANAGED, ANNOTATOR, Role.REVIEWER)).when(add(MANAGED, ANNOTATOR, Role.REVIEWER, ADMIN))
				.expectNoEvents()
				.expectResultMessagePayload(PROJECTS_VERSION + 1);
		}

		@Test
		void adding_a_member_again_with_another_role_is_refused() {
			givenProjects(added(MANAGED, ANNOTATOR, Role.REVIEWER)).when(add(MANAGED, ANNOTATOR, null, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ALREADY_PROJECT_MEMBER));
		}

		@Test
		void a_member_deactivated_since_is_not_added() {
			givenProjects(new MemberDeactivated(ORG, ANNOTATOR, Role.ANNOTATOR, null, ADMIN, BEFORE, "c"))
				.when(add(MANAGED, ANNOTATOR, null, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_NOT_ACTIVE));
		}

	}

	@Nested
	class Changing_a_project_role {

		@Test
		void an_administrator_gives_a_project_member_a_reviewer_role() {
			givenProjects(added(MANAGED, ANNOTATOR, null)).when(changeRole(MANAGED, ANNOTATOR, Role.REVIEWER, ADMIN))
				.expectEvents(new ProjectRoleChanged(ORG, MANAGED, ANNOTATOR, null, Role.REVIEWER, REASON, ADMIN, NOW,
						CORRELATION))
				.expectResultMessagePayload(PROJECTS_VERSION + 2);
		}

		@Test
		void back_to_inherit() {
			givenProjects(added(MANAGED, ANNOTATOR, Role.REVIEWER)).when(changeRole(MANAGED, ANNOTATOR, null, MANAGER))
				.expectEvents(new ProjectRoleChanged(ORG, MANAGED, ANNOTATOR, Role.REVIEWER, null, REASON, MANAGER, NOW,
						CORRELATION));
		}

		@Test
		void the_same_role_again_changes_nothing() {
			givenProjects(added(MANAGED, ANNOTATOR, Role.REVIEWER))
				.when(changeRole(MANAGED, ANNOTATOR, Role.REVIEWER, ADMIN))
				.expectNoEvents()
				.expectResultMessagePayload(PROJECTS_VERSION + 1);
		}

		@Test
		void a_member_not_in_the_project_is_not_found() {
			givenProjects().when(changeRole(MANAGED, ANNOTATOR, Role.REVIEWER, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.PROJECT_MEMBER_NOT_FOUND));
		}

		@Test
		void a_member_promoted_to_manager_since_is_given_no_project_role() {
			givenProjects(added(MANAGED, ANNOTATOR, null),
					new MemberRoleChanged(ORG, ANNOTATOR, Role.ANNOTATOR, Role.MANAGER, null, ADMIN, BEFORE, "c"))
				.when(changeRole(MANAGED, ANNOTATOR, Role.REVIEWER, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.PROJECT_ROLE_NOT_APPLICABLE));
		}

		@Test
		void a_manager_changes_no_role_in_a_project_beyond_their_access() {
			givenProjects(added(ELSEWHERE, ANNOTATOR, null))
				.when(changeRole(ELSEWHERE, ANNOTATOR, Role.REVIEWER, MANAGER))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_removed_project_is_not_found() {
			givenProjects(added(MANAGED, ANNOTATOR, null),
					new ProjectRemoved(ORG, MANAGED, MANAGED_WS, ADMIN, BEFORE, "c"))
				.when(changeRole(MANAGED, ANNOTATOR, Role.REVIEWER, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.PROJECT_NOT_FOUND));
		}

	}

	@Nested
	class Removing_a_member {

		@Test
		void an_administrator_removes_a_member_from_a_project() {
			givenProjects(added(MANAGED, ANNOTATOR, Role.REVIEWER))
				.when(new RemoveProjectMemberCommand(ORG, MANAGED, ANNOTATOR, ADMIN, CORRELATION, null))
				.expectEvents(
						new MemberRemovedFromProject(ORG, MANAGED, ANNOTATOR, Role.REVIEWER, ADMIN, NOW, CORRELATION));
		}

		@Test
		void a_deactivated_member_keeps_the_project_membership_until_removed() {
			givenProjects(added(MANAGED, ANNOTATOR, null),
					new MemberDeactivated(ORG, ANNOTATOR, Role.ANNOTATOR, null, ADMIN, BEFORE, "c"))
				.when(new RemoveProjectMemberCommand(ORG, MANAGED, ANNOTATOR, MANAGER, CORRELATION, null))
				.expectEvents(new MemberRemovedFromProject(ORG, MANAGED, ANNOTATOR, null, MANAGER, NOW, CORRELATION));
		}

		@Test
		void a_reactivated_member_finds_the_project_membership_still_there() {
			givenProjects(added(MANAGED, ANNOTATOR, Role.REVIEWER),
					new MemberDeactivated(ORG, ANNOTATOR, Role.ANNOTATOR, null, ADMIN, BEFORE, "c"),
					new MemberActivated(ORG, ANNOTATOR, Role.DEACTIVATED, Role.ANNOTATOR, null, ADMIN, BEFORE, "c"))
				.when(add(MANAGED, ANNOTATOR, Role.REVIEWER, ADMIN))
				.expectNoEvents();
		}

		@Test
		void removing_someone_who_is_not_a_member_changes_nothing() {
			givenProjects().when(new RemoveProjectMemberCommand(ORG, MANAGED, ANNOTATOR, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectResultMessagePayload(PROJECTS_VERSION);
		}

		@Test
		void a_manager_removes_nobody_from_a_project_beyond_their_access() {
			givenProjects(added(ELSEWHERE, ANNOTATOR, null))
				.when(new RemoveProjectMemberCommand(ORG, ELSEWHERE, ANNOTATOR, MANAGER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_removed_projects_members_are_not_removed_again() {
			givenProjects(added(MANAGED, ANNOTATOR, null),
					new ProjectRemoved(ORG, MANAGED, MANAGED_WS, ADMIN, BEFORE, "c"))
				.when(new RemoveProjectMemberCommand(ORG, MANAGED, ANNOTATOR, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.PROJECT_NOT_FOUND));
		}

	}

	@Nested
	class Project_access_follows_the_organization {

		@Test
		void a_manager_invited_to_a_project_loses_it_when_deactivated() {
			givenProjects(added(ELSEWHERE, MANAGER, null),
					new MemberDeactivated(ORG, MANAGER, Role.MANAGER, null, ADMIN, BEFORE, "c"))
				.when(add(ELSEWHERE, ANNOTATOR, null, MANAGER))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTOR_NOT_ACTIVE));
		}

		@Test
		void an_invited_manager_loses_the_project_when_removed_from_it() {
			givenProjects(added(ELSEWHERE, MANAGER, null),
					new MemberRemovedFromProject(ORG, ELSEWHERE, MANAGER, null, ADMIN, BEFORE, "c"))
				.when(add(ELSEWHERE, ANNOTATOR, null, MANAGER))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_project_moved_into_a_managers_workspace_is_theirs_to_manage() {
			givenProjects(new ProjectUpdated(ORG, ELSEWHERE, OTHER_WS, MANAGED_WS, "Moved", false, ADMIN, BEFORE, "c"))
				.when(add(ELSEWHERE, ANNOTATOR, null, MANAGER))
				.expectEvents(
						new MemberAddedToProject(ORG, ELSEWHERE, ANNOTATOR, null, REASON, MANAGER, NOW, CORRELATION));
		}

	}

	/**
	 * An invitation may name projects (API.md, "Bulk changes": {@code projects} on an
	 * invitation): they are decided when inviting, and the invitee is added to them, as
	 * Inherit, when they join.
	 */
	@Nested
	class Inviting_to_projects {

		private static final InvitationId INVITATION = new InvitationId("inv_projects");

		private static final String INVITEE = "projects@acme.test";

		private static final UserId NEWCOMER = UserId.of(50);

		private static final Instant EXPIRES = NOW.plus(Duration.ofDays(7));

		private InviteUserCommand invite(Role role, Set<ProjectId> projects) {
			return new InviteUserCommand(ORG, INVITATION, INVITEE, role, Set.of(), projects, EXPIRES, ADMIN,
					CORRELATION, null);
		}

		private UserInvited invited(Role role, Set<ProjectId> projects) {
			return new UserInvited(ORG, INVITATION, INVITEE, role, Set.of(), projects, EXPIRES, ADMIN, BEFORE,
					"corr-0");
		}

		private AcceptInvitationCommand accept() {
			return new AcceptInvitationCommand(ORG, INVITATION, null, NEWCOMER, INVITEE, NEWCOMER, null, false,
					CORRELATION, null);
		}

		@Test
		void an_administrator_invites_to_projects_of_any_workspace() {
			givenProjects().when(invite(Role.ANNOTATOR, Set.of(MANAGED, ELSEWHERE)))
				.expectEvents(new UserInvited(ORG, INVITATION, INVITEE, Role.ANNOTATOR, Set.of(),
						Set.of(MANAGED, ELSEWHERE), EXPIRES, ADMIN, NOW, CORRELATION))
				.expectResultMessagePayload(PROJECTS_VERSION + 1);
		}

		@Test
		void an_unknown_project_is_not_found() {
			givenProjects().when(invite(Role.ANNOTATOR, Set.of(MANAGED, NEW)))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.PROJECT_NOT_FOUND));
		}

		@Test
		void a_removed_project_is_not_found() {
			givenProjects(new ProjectRemoved(ORG, MANAGED, MANAGED_WS, ADMIN, BEFORE, "c"))
				.when(invite(Role.ANNOTATOR, Set.of(MANAGED)))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.PROJECT_NOT_FOUND));
		}

		@Test
		void projects_need_a_role_the_invitee_is_active_with() {
			givenProjects().when(invite(null, Set.of(MANAGED)))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.PROJECTS_REQUIRE_ROLE));
		}

		@Test
		void not_activated_as_the_role_is_no_role_for_projects() {
			givenProjects().when(invite(Role.NOT_ACTIVATED, Set.of(MANAGED)))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.PROJECTS_REQUIRE_ROLE));
		}

		@Test
		void a_manager_invites_nobody_to_projects_they_manage_either() {
			givenProjects()
				.when(new InviteUserCommand(ORG, INVITATION, INVITEE, Role.ANNOTATOR, Set.of(), Set.of(MANAGED),
						EXPIRES, MANAGER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void the_invitee_joins_and_is_added_to_each_project_as_inherit() {
			givenProjects(invited(Role.REVIEWER, Set.of(MANAGED, ELSEWHERE))).when(accept())
				.expectEvents(
						new MemberJoined(ORG, NEWCOMER, INVITEE, Role.REVIEWER, INVITATION, Set.of(), NEWCOMER, NOW,
								CORRELATION),
						new MemberAddedToProject(ORG, MANAGED, NEWCOMER, null, null, NEWCOMER, NOW, CORRELATION),
						new MemberAddedToProject(ORG, ELSEWHERE, NEWCOMER, null, null, NEWCOMER, NOW, CORRELATION))
				.expectResultMessagePayload(new AcceptInvitationCommand.Joined(Role.REVIEWER, PROJECTS_VERSION + 4));
		}

		@Test
		void a_project_removed_before_the_invitee_joins_is_left_out() {
			givenProjects(invited(Role.ANNOTATOR, Set.of(MANAGED, ELSEWHERE)),
					new ProjectRemoved(ORG, MANAGED, MANAGED_WS, ADMIN, BEFORE, "c"))
				.when(accept())
				.expectEvents(
						new MemberJoined(ORG, NEWCOMER, INVITEE, Role.ANNOTATOR, INVITATION, Set.of(), NEWCOMER, NOW,
								CORRELATION),
						new MemberAddedToProject(ORG, ELSEWHERE, NEWCOMER, null, null, NEWCOMER, NOW, CORRELATION));
		}

		@Test
		void the_joined_invitee_is_a_project_member_whose_role_may_then_be_set() {
			givenProjects(invited(Role.ANNOTATOR, Set.of(MANAGED)),
					new MemberJoined(ORG, NEWCOMER, INVITEE, Role.ANNOTATOR, INVITATION, Set.of(), NEWCOMER, BEFORE,
							"c"),
					new MemberAddedToProject(ORG, MANAGED, NEWCOMER, null, null, NEWCOMER, BEFORE, "c"))
				.when(changeRole(MANAGED, NEWCOMER, Role.REVIEWER, ADMIN))
				.expectEvents(new ProjectRoleChanged(ORG, MANAGED, NEWCOMER, null, Role.REVIEWER, REASON, ADMIN, NOW,
						CORRELATION));
		}

	}

}
