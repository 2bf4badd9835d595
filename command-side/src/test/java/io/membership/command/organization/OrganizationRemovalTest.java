package io.membership.command.organization;

import static io.membership.command.organization.OrganizationFixture.ADMIN;
import static io.membership.command.organization.OrganizationFixture.ANNOTATOR;
import static io.membership.command.organization.OrganizationFixture.BEFORE;
import static io.membership.command.organization.OrganizationFixture.CAST_VERSION;
import static io.membership.command.organization.OrganizationFixture.CORRELATION;
import static io.membership.command.organization.OrganizationFixture.DEACTIVATED;
import static io.membership.command.organization.OrganizationFixture.LINK;
import static io.membership.command.organization.OrganizationFixture.MANAGED_WS;
import static io.membership.command.organization.OrganizationFixture.MANAGER;
import static io.membership.command.organization.OrganizationFixture.NOW;
import static io.membership.command.organization.OrganizationFixture.ORG;
import static io.membership.command.organization.OrganizationFixture.OWNER;
import static io.membership.command.organization.OrganizationFixture.PENDING;
import static io.membership.command.organization.OrganizationFixture.REVIEWER;
import static io.membership.command.organization.OrganizationFixture.STRANGER;
import static io.membership.command.organization.OrganizationFixture.cast;
import static io.membership.command.organization.OrganizationFixture.email;
import static io.membership.command.organization.OrganizationFixture.joined;
import static io.membership.command.organization.RefusalMatcher.refusedWith;

import java.time.Duration;
import java.util.Set;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.TestExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.membership.events.MemberActivated;
import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemoved;
import io.membership.events.ProjectRegistered;
import io.membership.events.UserInvited;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;

/**
 * Removing a member (API.md, "Removing a member"): who may, who never is, and what the
 * member leaves behind: every workspace and project membership, and their place in the
 * organization until a new invitation brings them back.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OrganizationRemovalTest {

	private static final UserId SECOND_ADMIN = UserId.of(8);

	private static final ProjectId PROJECT = new ProjectId("17");

	private static final InvitationId NEW_INVITATION = new InvitationId("inv_again");

	private AggregateTestFixture<Organization> fixture;

	@BeforeEach
	void createFixture() {
		this.fixture = new AggregateTestFixture<>(Organization.class);
	}

	private TestExecutor<Organization> givenCast(Object... more) {
		return this.fixture.givenCurrentTime(NOW).andGiven(cast()).andGiven(more);
	}

	private static RemoveMemberCommand remove(UserId member, UserId actor) {
		return new RemoveMemberCommand(ORG, member, actor, CORRELATION, null);
	}

	private static MemberRemoved removed(UserId member, Role fromRole, UserId actor) {
		return new MemberRemoved(ORG, member, fromRole, actor, NOW, CORRELATION);
	}

	private static UserInvited invitedAgain(UserId user, Role role) {
		return new UserInvited(ORG, NEW_INVITATION, email(user), role, Set.of(), NOW.plus(Duration.ofDays(7)), ADMIN,
				NOW, CORRELATION);
	}

	private static MemberJoined rejoined(UserId user, Role role) {
		return new MemberJoined(ORG, user, email(user), role, NEW_INVITATION, Set.of(), user, NOW, CORRELATION);
	}

	@Nested
	class Who_may_remove {

		@Test
		void an_administrator_removes_a_member() {
			givenCast().when(remove(ANNOTATOR, ADMIN))
				.expectEvents(removed(ANNOTATOR, Role.ANNOTATOR, ADMIN))
				.expectResultMessagePayload(CAST_VERSION + 1);
		}

		@Test
		void the_owner_removes_an_administrator() {
			givenCast().when(remove(ADMIN, OWNER)).expectEvents(removed(ADMIN, Role.ADMINISTRATOR, OWNER));
		}

		/**
		 * As for every other change of a membership: an Administrator may change another
		 * Administrator's role, and so remove them; only the Owner is protected.
		 */
		@Test
		void an_administrator_removes_another_administrator() {
			givenCast(joined(SECOND_ADMIN, Role.ADMINISTRATOR)).when(remove(SECOND_ADMIN, ADMIN))
				.expectEvents(removed(SECOND_ADMIN, Role.ADMINISTRATOR, ADMIN));
		}

		@Test
		void a_deactivated_member_is_removed_too() {
			givenCast().when(remove(DEACTIVATED, ADMIN)).expectEvents(removed(DEACTIVATED, Role.DEACTIVATED, ADMIN));
		}

		@Test
		void a_not_activated_member_is_removed_too() {
			givenCast().when(remove(PENDING, ADMIN)).expectEvents(removed(PENDING, Role.NOT_ACTIVATED, ADMIN));
		}

		@ParameterizedTest
		@ValueSource(longs = { 3, 4, 5 })
		void a_manager_reviewer_or_annotator_may_not_remove(long actor) {
			givenCast().when(remove(PENDING, UserId.of(actor)))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_deactivated_administrator_may_not_remove() {
			givenCast(joined(SECOND_ADMIN, Role.ADMINISTRATOR),
					new MemberDeactivated(ORG, SECOND_ADMIN, Role.ADMINISTRATOR, null, OWNER, BEFORE, "c"))
				.when(remove(ANNOTATOR, SECOND_ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTOR_NOT_ACTIVE));
		}

		@Test
		void a_stale_if_match_is_refused() {
			givenCast().when(new RemoveMemberCommand(ORG, ANNOTATOR, ADMIN, CORRELATION, CAST_VERSION - 1))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.VERSION_MISMATCH));
		}

	}

	@Nested
	class The_owner {

		@Test
		void cannot_be_removed_by_an_administrator() {
			givenCast().when(remove(OWNER, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.OWNER_PROTECTED));
		}

		@Test
		void cannot_remove_themself() {
			givenCast().when(remove(OWNER, OWNER))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.OWNER_ROLE_IMMUTABLE));
		}

	}

	@Nested
	class A_user_who_is_no_member {

		@Test
		void is_not_found() {
			givenCast().when(remove(STRANGER, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_NOT_FOUND));
		}

		@Test
		void is_not_found_the_second_time_either() {
			givenCast(removed(ANNOTATOR, Role.ANNOTATOR, ADMIN)).when(remove(ANNOTATOR, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_NOT_FOUND));
		}

	}

	@Nested
	class A_removed_member {

		@Test
		void may_no_longer_act_and_is_told_the_organization_does_not_exist() {
			givenCast(removed(ADMIN, Role.ADMINISTRATOR, OWNER)).when(remove(ANNOTATOR, ADMIN))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ORGANIZATION_NOT_FOUND));
		}

		@Test
		void is_no_longer_given_a_role() {
			givenCast(removed(REVIEWER, Role.REVIEWER, ADMIN))
				.when(new ChangeRoleCommand(ORG, REVIEWER, Role.ANNOTATOR, null, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_NOT_FOUND));
		}

		@Test
		void can_be_invited_again_with_the_same_address() {
			givenCast(removed(ANNOTATOR, Role.ANNOTATOR, ADMIN))
				.when(new InviteUserCommand(ORG, NEW_INVITATION, email(ANNOTATOR), null, Set.of(),
						NOW.plus(Duration.ofDays(7)), ADMIN, CORRELATION, null))
				.expectEvents(invitedAgain(ANNOTATOR, null));
		}

		@Test
		void rejoins_under_the_same_user_id_as_a_new_member() {
			givenCast(removed(ANNOTATOR, Role.ANNOTATOR, ADMIN), invitedAgain(ANNOTATOR, null))
				.when(new AcceptInvitationCommand(ORG, NEW_INVITATION, null, ANNOTATOR, email(ANNOTATOR), ANNOTATOR,
						null, false, CORRELATION, null))
				.expectEvents(rejoined(ANNOTATOR, Role.NOT_ACTIVATED));
		}

		/**
		 * The organization-wide link admits anyone as Not Activated, a removed member
		 * too: they are granted nothing until activated.
		 */
		@Test
		void may_join_again_by_the_invite_link_as_not_activated() {
			givenCast(removed(ANNOTATOR, Role.ANNOTATOR, ADMIN))
				.when(new AcceptInvitationCommand(ORG, null, LINK, ANNOTATOR, email(ANNOTATOR), ANNOTATOR,
						email(ANNOTATOR), false, CORRELATION, null))
				.expectEvents(new MemberJoined(ORG, ANNOTATOR, email(ANNOTATOR), Role.NOT_ACTIVATED, null, Set.of(),
						ANNOTATOR, NOW, CORRELATION));
		}

		@Test
		void who_rejoined_is_activated_as_any_new_member() {
			givenCast(removed(ANNOTATOR, Role.ANNOTATOR, ADMIN), invitedAgain(ANNOTATOR, null),
					rejoined(ANNOTATOR, Role.NOT_ACTIVATED))
				.when(new ActivateMemberCommand(ORG, ANNOTATOR, Role.REVIEWER, null, ADMIN, CORRELATION, null))
				.expectEvents(new MemberActivated(ORG, ANNOTATOR, Role.NOT_ACTIVATED, Role.REVIEWER, null, ADMIN, NOW,
						CORRELATION));
		}

		/**
		 * The Manager was assigned to the managed workspace; back as a Manager, they are
		 * assigned nowhere, so they manage nothing there.
		 */
		@Test
		void leaves_their_workspace_assignments_behind() {
			givenCast(removed(MANAGER, Role.MANAGER, ADMIN), invitedAgain(MANAGER, Role.MANAGER),
					rejoined(MANAGER, Role.MANAGER))
				.when(new AssignToWorkspaceCommand(ORG, MANAGED_WS, REVIEWER, MANAGER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		/**
		 * They were a Reviewer in the project; back, they are in no project, so being
		 * removed from it changes nothing and adding them is a new membership.
		 */
		@Test
		void leaves_their_project_memberships_behind() {
			givenCast(new ProjectRegistered(ORG, PROJECT, MANAGED_WS, "Cats", false, ADMIN, BEFORE, "c"),
					new MemberAddedToProject(ORG, PROJECT, ANNOTATOR, Role.REVIEWER, null, ADMIN, BEFORE, "c"),
					removed(ANNOTATOR, Role.ANNOTATOR, ADMIN), invitedAgain(ANNOTATOR, Role.ANNOTATOR),
					rejoined(ANNOTATOR, Role.ANNOTATOR))
				.when(new AddProjectMemberCommand(ORG, PROJECT, ANNOTATOR, null, null, ADMIN, CORRELATION, null))
				.expectEvents(new MemberAddedToProject(ORG, PROJECT, ANNOTATOR, null, null, ADMIN, NOW, CORRELATION));
		}

	}

}
