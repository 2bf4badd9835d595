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
import static io.membership.command.organization.OrganizationFixture.OTHER_WS;
import static io.membership.command.organization.OrganizationFixture.OWNER;
import static io.membership.command.organization.OrganizationFixture.PENDING;
import static io.membership.command.organization.OrganizationFixture.REVIEWER;
import static io.membership.command.organization.OrganizationFixture.STRANGER;
import static io.membership.command.organization.OrganizationFixture.cast;
import static io.membership.command.organization.OrganizationFixture.email;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.membership.events.InvitationRevoked;
import io.membership.events.InviteLinkReset;
import io.membership.events.MemberActivated;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.MemberRoleChanged;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.UserInvited;
import io.membership.events.WorkspaceCreated;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * Every command of API.md's table and every rule the Organization keeps, one behaviour a
 * test. The cast ({@link OrganizationFixture}) has one member of each role and state.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OrganizationTest {

	private static final InvitationId INVITATION = new InvitationId("inv_1");

	private static final String INVITEE = "new@acme.test";

	/** A service principal with the scope membership:invitations. */
	private static final UserId SERVICE = UserId.of(900);

	private static final Instant EXPIRES = NOW.plus(Duration.ofDays(7));

	private AggregateTestFixture<Organization> fixture;

	@BeforeEach
	void createFixture() {
		this.fixture = new AggregateTestFixture<>(Organization.class);
	}

	private TestExecutor<Organization> givenCast(Object... more) {
		return this.fixture.givenCurrentTime(NOW).andGiven(cast()).andGiven(more);
	}

	private static UserInvited invited(Role role, Set<WorkspaceId> workspaces) {
		return new UserInvited(ORG, INVITATION, INVITEE, role, workspaces, EXPIRES, ADMIN, NOW, CORRELATION);
	}

	private static MemberJoined joinedByInvitation(UserId user, Role role, Set<WorkspaceId> workspaces) {
		return new MemberJoined(ORG, user, INVITEE, role, INVITATION, workspaces, user, NOW, CORRELATION);
	}

	@Nested
	class Creating_an_organization {

		@Test
		void makes_the_caller_its_owner() {
			OrganizationTest.this.fixture.givenNoPriorActivity()
				.andGivenCurrentTime(NOW)
				.when(new CreateOrganizationCommand(ORG, "Acme", "owner@acme.test", LINK, OWNER, CORRELATION, null))
				.expectEvents(
						new OrganizationCreated(ORG, "Acme", OWNER, "owner@acme.test", LINK, OWNER, NOW, CORRELATION));
		}

		@Test
		void then_the_owner_is_an_active_member_who_may_invite() {
			OrganizationTest.this.fixture.givenCurrentTime(NOW)
				.andGivenCommands(
						new CreateOrganizationCommand(ORG, "Acme", "owner@acme.test", LINK, OWNER, CORRELATION, null))
				.when(new InviteUserCommand(ORG, INVITATION, INVITEE, null, Set.of(), EXPIRES, OWNER, CORRELATION,
						null))
				.expectEvents(
						new UserInvited(ORG, INVITATION, INVITEE, null, Set.of(), EXPIRES, OWNER, NOW, CORRELATION));
		}

	}

	@Nested
	class Inviting {

		@Test
		void an_administrator_invites_with_a_role_and_workspaces() {
			givenCast()
				.when(new InviteUserCommand(ORG, INVITATION, INVITEE, Role.REVIEWER, Set.of(MANAGED_WS), EXPIRES, ADMIN,
						CORRELATION, null))
				.expectEvents(invited(Role.REVIEWER, Set.of(MANAGED_WS)))
				.expectResultMessagePayload(CAST_VERSION + 1);
		}

		@Test
		void an_invitation_without_a_role_admits_the_invitee_as_not_activated() {
			givenCast()
				.when(new InviteUserCommand(ORG, INVITATION, INVITEE, null, Set.of(), EXPIRES, ADMIN, CORRELATION,
						null))
				.expectEvents(invited(null, Set.of()));
		}

		@Test
		void a_manager_may_not_invite() {
			givenCast()
				.when(new InviteUserCommand(ORG, INVITATION, INVITEE, null, Set.of(), EXPIRES, MANAGER, CORRELATION,
						null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_deactivated_member_may_not_act_at_all() {
			givenCast()
				.when(new InviteUserCommand(ORG, INVITATION, INVITEE, null, Set.of(), EXPIRES, DEACTIVATED, CORRELATION,
						null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTOR_NOT_ACTIVE));
		}

		@Test
		void a_non_member_is_told_the_organization_does_not_exist() {
			givenCast()
				.when(new InviteUserCommand(ORG, INVITATION, INVITEE, null, Set.of(), EXPIRES, STRANGER, CORRELATION,
						null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ORGANIZATION_NOT_FOUND));
		}

		@Test
		void a_non_member_with_a_stale_version_is_told_the_organization_does_not_exist() {
			givenCast()
				.when(new InviteUserCommand(ORG, INVITATION, INVITEE, null, Set.of(), EXPIRES, STRANGER, CORRELATION,
						CAST_VERSION - 1))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ORGANIZATION_NOT_FOUND));
		}

		@Test
		void nobody_is_invited_as_owner() {
			givenCast()
				.when(new InviteUserCommand(ORG, INVITATION, INVITEE, Role.OWNER, Set.of(), EXPIRES, OWNER, CORRELATION,
						null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.OWNERSHIP_TRANSFER_REQUIRED));
		}

		@Test
		void nobody_is_invited_as_deactivated() {
			givenCast()
				.when(new InviteUserCommand(ORG, INVITATION, INVITEE, Role.DEACTIVATED, Set.of(), EXPIRES, OWNER,
						CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ROLE_NOT_ASSIGNABLE));
		}

		@Test
		void an_invitation_to_an_unknown_workspace_is_refused() {
			givenCast()
				.when(new InviteUserCommand(ORG, INVITATION, INVITEE, Role.ANNOTATOR,
						Set.of(new WorkspaceId("ws_missing")), EXPIRES, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.WORKSPACE_NOT_FOUND));
		}

		@Test
		void workspaces_need_a_role_because_only_active_members_are_assigned() {
			givenCast()
				.when(new InviteUserCommand(ORG, INVITATION, INVITEE, null, Set.of(MANAGED_WS), EXPIRES, ADMIN,
						CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.WORKSPACES_REQUIRE_ROLE));
		}

		@Test
		void a_member_is_not_invited_again() {
			givenCast()
				.when(new InviteUserCommand(ORG, INVITATION, email(REVIEWER).toUpperCase(), null, Set.of(), EXPIRES,
						ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ALREADY_MEMBER));
		}

		@Test
		void the_owners_email_is_not_invited_in_any_case() {
			givenCast()
				.when(new InviteUserCommand(ORG, INVITATION, "OWNER@Acme.Test", null, Set.of(), EXPIRES, ADMIN,
						CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ALREADY_MEMBER));
		}

		@ParameterizedTest
		@ValueSource(strings = { "INFO@A.TEST", "\u0131nfo@a.test", "\u0130nfo@a.test", "\uFF49nfo@a.test",
				"\u0456nfo@a.test", "info@\u0430.test" })
		void a_look_alike_of_a_members_email_is_not_invited(String lookAlike) {
			givenCast(new MemberJoined(ORG, UserId.of(60), "info@a.test", Role.ANNOTATOR, null, Set.of(), UserId.of(60),
					BEFORE, "c"))
				.when(new InviteUserCommand(ORG, INVITATION, lookAlike, null, Set.of(), EXPIRES, ADMIN, CORRELATION,
						null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ALREADY_MEMBER));
		}

		@Test
		void a_members_domain_in_punycode_is_the_same_address() {
			givenCast(new MemberJoined(ORG, UserId.of(60), "info@b\u00FCcher.test", Role.ANNOTATOR, null, Set.of(),
					UserId.of(60), BEFORE, "c"))
				.when(new InviteUserCommand(ORG, INVITATION, "info@xn--bcher-kva.test", null, Set.of(), EXPIRES, ADMIN,
						CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ALREADY_MEMBER));
		}

		@Test
		void the_owners_email_is_not_invited_as_a_look_alike() {
			givenCast()
				.when(new InviteUserCommand(ORG, INVITATION, "\u043Ewner@acme.test", null, Set.of(), EXPIRES, ADMIN,
						CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ALREADY_MEMBER));
		}

		/**
		 * Events keep addresses as the client gave them; the comparison is computed when
		 * the organization is rebuilt, so history recorded before the hardening is
		 * covered.
		 */
		@Test
		void addresses_recorded_as_written_long_ago_are_compared_in_their_normalized_form() {
			OrganizationTest.this.fixture.givenCurrentTime(NOW)
				.andGiven(new OrganizationCreated(ORG, "Acme", OWNER, "Owner@ACME.Test", LINK, OWNER, BEFORE, "c"),
						new MemberJoined(ORG, UserId.of(60), "\uFF29nfo@B\u00DCCHER.test", Role.ADMINISTRATOR, null,
								Set.of(), UserId.of(60), BEFORE, "c"))
				.when(new InviteUserCommand(ORG, INVITATION, "\u0131nfo@xn--bcher-kva.test", null, Set.of(), EXPIRES,
						OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ALREADY_MEMBER));
		}

		@Test
		void the_owners_email_is_not_invited_right_after_the_organization_is_created() {
			OrganizationTest.this.fixture.givenCurrentTime(NOW)
				.andGivenCommands(
						new CreateOrganizationCommand(ORG, "Acme", "owner@acme.test", LINK, OWNER, CORRELATION, null))
				.when(new InviteUserCommand(ORG, INVITATION, "owner@acme.test", null, Set.of(), EXPIRES, OWNER,
						CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ALREADY_MEMBER));
		}

	}

	@Nested
	class Revoking_an_invitation {

		@Test
		void withdraws_a_pending_invitation() {
			givenCast(invited(null, Set.of()))
				.when(new RevokeInvitationCommand(ORG, INVITATION, OWNER, CORRELATION, null))
				.expectEvents(new InvitationRevoked(ORG, INVITATION, INVITEE, OWNER, NOW, CORRELATION));
		}

		@Test
		void an_unknown_invitation_is_not_found() {
			givenCast().when(new RevokeInvitationCommand(ORG, INVITATION, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.INVITATION_NOT_FOUND));
		}

		@Test
		void revoking_twice_changes_nothing() {
			givenCast(invited(null, Set.of()), new InvitationRevoked(ORG, INVITATION, INVITEE, OWNER, NOW, "c"))
				.when(new RevokeInvitationCommand(ORG, INVITATION, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectResultMessagePayload(CAST_VERSION + 2);
		}

		@Test
		void an_accepted_invitation_cannot_be_revoked() {
			UserId invitee = UserId.of(50);
			givenCast(invited(null, Set.of()), joinedByInvitation(invitee, Role.NOT_ACTIVATED, Set.of()))
				.when(new RevokeInvitationCommand(ORG, INVITATION, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.INVITATION_ALREADY_ACCEPTED));
		}

		@Test
		void a_reviewer_may_not_revoke() {
			givenCast(invited(null, Set.of()))
				.when(new RevokeInvitationCommand(ORG, INVITATION, REVIEWER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

	}

	@Nested
	class Resetting_the_invite_link {

		private final InviteLinkId newLink = new InviteLinkId("lnk_new");

		@Test
		void replaces_the_link() {
			givenCast().when(new ResetInviteLinkCommand(ORG, this.newLink, ADMIN, CORRELATION, null))
				.expectEvents(new InviteLinkReset(ORG, this.newLink, ADMIN, NOW, CORRELATION));
		}

		@Test
		void an_annotator_may_not_reset_it() {
			givenCast().when(new ResetInviteLinkCommand(ORG, this.newLink, ANNOTATOR, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

	}

	@Nested
	class Accepting_an_invitation {

		private final UserId invitee = UserId.of(50);

		/** By the invitee themself, with a token that has no email claim. */
		private AcceptInvitationCommand accept(String email) {
			return new AcceptInvitationCommand(ORG, INVITATION, null, this.invitee, email, this.invitee, null, false,
					CORRELATION, null);
		}

		/**
		 * Through the link, by the joining user themself, whose token holds
		 * {@code tokenEmail}.
		 */
		private static AcceptInvitationCommand byLink(UserId user, String email, String tokenEmail) {
			return new AcceptInvitationCommand(ORG, null, LINK, user, email, user, tokenEmail, false, CORRELATION,
					null);
		}

		/**
		 * Through the link, by a service trusted with the scope membership:invitations.
		 */
		private static AcceptInvitationCommand byLinkFromService(UserId user, String email) {
			return new AcceptInvitationCommand(ORG, null, LINK, user, email, SERVICE, null, true, CORRELATION, null);
		}

		@Test
		void with_a_role_joins_active_and_assigned_to_its_workspaces() {
			givenCast(invited(Role.REVIEWER, Set.of(MANAGED_WS))).when(accept(INVITEE))
				.expectEvents(joinedByInvitation(this.invitee, Role.REVIEWER, Set.of(MANAGED_WS)));
		}

		@Test
		void without_a_role_joins_not_activated() {
			givenCast(invited(null, Set.of())).when(accept(INVITEE))
				.expectEvents(joinedByInvitation(this.invitee, Role.NOT_ACTIVATED, Set.of()));
		}

		@Test
		void matches_the_email_regardless_of_case() {
			givenCast(invited(null, Set.of())).when(accept("NEW@acme.test"))
				.expectEvents(new MemberJoined(ORG, this.invitee, "NEW@acme.test", Role.NOT_ACTIVATED, INVITATION,
						Set.of(), this.invitee, NOW, CORRELATION));
		}

		@Test
		void by_a_trusted_service_records_the_service_as_actor() {
			givenCast(invited(null, Set.of()))
				.when(new AcceptInvitationCommand(ORG, INVITATION, null, this.invitee, INVITEE, SERVICE, null, true,
						CORRELATION, null))
				.expectEvents(new MemberJoined(ORG, this.invitee, INVITEE, Role.NOT_ACTIVATED, INVITATION, Set.of(),
						SERVICE, NOW, CORRELATION));
		}

		@Test
		void through_the_organization_link_joins_not_activated() {
			givenCast().when(byLink(this.invitee, INVITEE, INVITEE))
				.expectEvents(new MemberJoined(ORG, this.invitee, INVITEE, Role.NOT_ACTIVATED, null, Set.of(),
						this.invitee, NOW, CORRELATION));
		}

		@Test
		void a_link_that_was_reset_admits_nobody() {
			givenCast(new InviteLinkReset(ORG, new InviteLinkId("lnk_new"), OWNER, NOW, "c"))
				.when(byLink(this.invitee, INVITEE, INVITEE))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.INVITE_LINK_OUTDATED));
		}

		@Test
		void a_revoked_invitation_admits_nobody() {
			givenCast(invited(null, Set.of()), new InvitationRevoked(ORG, INVITATION, INVITEE, OWNER, NOW, "c"))
				.when(accept(INVITEE))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.INVITATION_REVOKED));
		}

		@Test
		void an_expired_invitation_admits_nobody() {
			OrganizationTest.this.fixture.givenCurrentTime(NOW)
				.andGiven(cast())
				.andGiven(invited(null, Set.of()))
				.andGivenCurrentTime(EXPIRES)
				.when(accept(INVITEE))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.INVITATION_EXPIRED));
		}

		@Test
		void an_invitation_is_accepted_only_once() {
			givenCast(invited(null, Set.of()), joinedByInvitation(this.invitee, Role.NOT_ACTIVATED, Set.of()))
				.when(new AcceptInvitationCommand(ORG, INVITATION, null, UserId.of(51), "other@acme.test",
						UserId.of(51), null, false, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.INVITATION_ALREADY_ACCEPTED));
		}

		@Test
		void someone_else_cannot_use_an_invitation_sent_to_another_email() {
			givenCast(invited(null, Set.of())).when(accept("intruder@acme.test"))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.INVITATION_EMAIL_MISMATCH));
		}

		@Test
		void an_unknown_invitation_is_not_found() {
			givenCast().when(accept(INVITEE))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.INVITATION_NOT_FOUND));
		}

		@Test
		void nobody_else_joins_with_the_owners_email_in_any_case() {
			givenCast().when(byLink(this.invitee, "Owner@ACME.test", "Owner@ACME.test"))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ALREADY_MEMBER));
		}

		@Test
		void nobody_else_joins_with_a_look_alike_of_the_owners_email() {
			givenCast().when(byLinkFromService(this.invitee, "\uFF4Fwner@acme.test"))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ALREADY_MEMBER));
		}

		@ParameterizedTest
		@ValueSource(
				strings = { "USER4@ACME.TEST", "\uFF55ser4@acme.test", "u\u0455er4@acme.test", "user4@\u0430cme.test" })
		void nobody_joins_with_a_look_alike_of_a_members_email(String lookAlike) {
			givenCast().when(byLink(this.invitee, lookAlike, lookAlike))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ALREADY_MEMBER));
		}

		@Test
		void matches_the_email_in_its_normalized_form_and_records_it_as_given() {
			givenCast(invited(null, Set.of())).when(accept("\uFF4E\uFF45\uFF57@ACME.test"))
				.expectEvents(new MemberJoined(ORG, this.invitee, "\uFF4E\uFF45\uFF57@ACME.test", Role.NOT_ACTIVATED,
						INVITATION, Set.of(), this.invitee, NOW, CORRELATION));
		}

		/**
		 * The token proves the one address it was sent to; a look-alike is another
		 * mailbox, whoever holds it.
		 */
		@Test
		void an_invitation_is_not_accepted_with_a_look_alike_of_its_address() {
			givenCast(invited(null, Set.of())).when(accept("n\u0435w@acme.test"))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.INVITATION_EMAIL_MISMATCH));
		}

		@Test
		void nobody_accepts_an_invitation_sent_to_the_owners_email() {
			givenCast(new UserInvited(ORG, INVITATION, "OWNER@acme.test", null, Set.of(), EXPIRES, OWNER, BEFORE,
					CORRELATION))
				.when(accept("owner@acme.test"))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ALREADY_MEMBER));
		}

		/**
		 * API.md, "Hardening": the link proves no address. Issue 18: anyone with the link
		 * joined as {@code ceo@a.test} under their own token, and the real person's
		 * invitation then failed.
		 */
		@Test
		void through_the_link_a_user_may_not_assert_an_address_their_token_does_not_hold() {
			givenCast().when(byLink(UserId.of(70), "ceo@acme.test", "mallory@elsewhere.test"))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.EMAIL_NOT_VERIFIED));
		}

		@Test
		void through_the_link_a_user_whose_token_has_no_email_may_assert_none() {
			givenCast().when(byLink(UserId.of(70), "ceo@acme.test", null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.EMAIL_NOT_VERIFIED));
		}

		@Test
		void through_the_link_the_tokens_address_is_compared_in_its_normalized_form() {
			givenCast().when(byLink(this.invitee, "new@xn--bcher-kva.test", "NEW@B\u00DCCHER.test"))
				.expectEvents(new MemberJoined(ORG, this.invitee, "new@xn--bcher-kva.test", Role.NOT_ACTIVATED, null,
						Set.of(), this.invitee, NOW, CORRELATION));
		}

		@Test
		void through_the_link_a_look_alike_of_the_tokens_address_is_not_that_address() {
			givenCast().when(byLink(this.invitee, "n\u0435w@acme.test", INVITEE))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.EMAIL_NOT_VERIFIED));
		}

		/** Answering already_member here would tell a link holder who is a member. */
		@Test
		void through_the_link_an_unproven_address_is_refused_before_anyone_learns_whether_it_is_taken() {
			givenCast().when(byLink(this.invitee, "owner@acme.test", null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.EMAIL_NOT_VERIFIED));
		}

		@Test
		void through_the_link_a_service_trusted_with_invitations_may_assert_any_address() {
			givenCast().when(byLinkFromService(this.invitee, INVITEE))
				.expectEvents(new MemberJoined(ORG, this.invitee, INVITEE, Role.NOT_ACTIVATED, null, Set.of(), SERVICE,
						NOW, CORRELATION));
		}

		@Test
		void a_personal_invitation_proves_its_address_whatever_the_token_holds() {
			givenCast(invited(null, Set.of()))
				.when(new AcceptInvitationCommand(ORG, INVITATION, null, this.invitee, INVITEE, this.invitee,
						"someone.else@elsewhere.test", false, CORRELATION, null))
				.expectEvents(joinedByInvitation(this.invitee, Role.NOT_ACTIVATED, Set.of()));
		}

		@Test
		void a_member_cannot_join_again() {
			givenCast().when(byLink(DEACTIVATED, email(DEACTIVATED), email(DEACTIVATED)))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ALREADY_MEMBER));
		}

	}

	@Nested
	class Activating {

		@Test
		void an_administrator_activates_a_not_activated_member() {
			givenCast()
				.when(new ActivateMemberCommand(ORG, PENDING, Role.ANNOTATOR, "trained", ADMIN, CORRELATION, null))
				.expectEvents(new MemberActivated(ORG, PENDING, Role.NOT_ACTIVATED, Role.ANNOTATOR, "trained", ADMIN,
						NOW, CORRELATION));
		}

		@Test
		void the_owner_reactivates_a_deactivated_member() {
			givenCast().when(new ActivateMemberCommand(ORG, DEACTIVATED, Role.REVIEWER, null, OWNER, CORRELATION, null))
				.expectEvents(new MemberActivated(ORG, DEACTIVATED, Role.DEACTIVATED, Role.REVIEWER, null, OWNER, NOW,
						CORRELATION));
		}

		@Test
		void an_active_member_with_the_same_role_changes_nothing() {
			givenCast().when(new ActivateMemberCommand(ORG, REVIEWER, Role.REVIEWER, null, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectResultMessagePayload(CAST_VERSION);
		}

		@Test
		void an_active_member_with_another_role_is_refused() {
			givenCast().when(new ActivateMemberCommand(ORG, REVIEWER, Role.MANAGER, null, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_ALREADY_ACTIVE));
		}

		@Test
		void nobody_is_activated_as_owner() {
			givenCast().when(new ActivateMemberCommand(ORG, PENDING, Role.OWNER, null, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.OWNERSHIP_TRANSFER_REQUIRED));
		}

		@Test
		void nobody_is_activated_as_not_activated() {
			givenCast()
				.when(new ActivateMemberCommand(ORG, DEACTIVATED, Role.NOT_ACTIVATED, null, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ROLE_NOT_ASSIGNABLE));
		}

		@Test
		void a_manager_may_not_activate() {
			givenCast().when(new ActivateMemberCommand(ORG, PENDING, Role.ANNOTATOR, null, MANAGER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void an_unknown_member_is_not_found() {
			givenCast().when(new ActivateMemberCommand(ORG, STRANGER, Role.ANNOTATOR, null, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_NOT_FOUND));
		}

		@Test
		void a_reactivated_member_has_their_old_workspace_assignments_again() {
			givenCast(new MemberAssignedToWorkspace(ORG, MANAGED_WS, ANNOTATOR, ADMIN, NOW, "c"),
					new MemberDeactivated(ORG, ANNOTATOR, Role.ANNOTATOR, null, ADMIN, NOW, "c"),
					new MemberActivated(ORG, ANNOTATOR, Role.DEACTIVATED, Role.ANNOTATOR, null, ADMIN, NOW, "c"))
				.when(new AssignToWorkspaceCommand(ORG, MANAGED_WS, ANNOTATOR, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectResultMessagePayload(CAST_VERSION + 3);
		}

	}

	@Nested
	class Changing_a_role {

		@Test
		void an_administrator_changes_an_active_members_role() {
			givenCast().when(new ChangeRoleCommand(ORG, ANNOTATOR, Role.REVIEWER, "promoted", ADMIN, CORRELATION, null))
				.expectEvents(new MemberRoleChanged(ORG, ANNOTATOR, Role.ANNOTATOR, Role.REVIEWER, "promoted", ADMIN,
						NOW, CORRELATION))
				.expectResultMessagePayload(CAST_VERSION + 1);
		}

		@Test
		void the_same_role_again_changes_nothing() {
			givenCast().when(new ChangeRoleCommand(ORG, ANNOTATOR, Role.ANNOTATOR, null, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectResultMessagePayload(CAST_VERSION);
		}

		@Test
		void an_administrator_cannot_demote_the_owner() {
			givenCast().when(new ChangeRoleCommand(ORG, OWNER, Role.ANNOTATOR, null, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.OWNER_PROTECTED));
		}

		@Test
		void the_owner_cannot_demote_themself() {
			givenCast().when(new ChangeRoleCommand(ORG, OWNER, Role.ADMINISTRATOR, null, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.OWNER_ROLE_IMMUTABLE));
		}

		@Test
		void nobody_is_made_owner_by_a_role_change() {
			givenCast().when(new ChangeRoleCommand(ORG, ADMIN, Role.OWNER, null, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.OWNERSHIP_TRANSFER_REQUIRED));
		}

		@Test
		void a_not_activated_member_is_activated_rather_than_changed() {
			givenCast().when(new ChangeRoleCommand(ORG, PENDING, Role.ANNOTATOR, null, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_NOT_ACTIVE));
		}

		@Test
		void a_reviewer_may_not_change_roles() {
			givenCast().when(new ChangeRoleCommand(ORG, ANNOTATOR, Role.MANAGER, null, REVIEWER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void an_administrator_demoted_a_moment_ago_may_no_longer_change_roles() {
			givenCast(new MemberRoleChanged(ORG, ADMIN, Role.ADMINISTRATOR, Role.ANNOTATOR, null, OWNER, NOW, "c"))
				.when(new ChangeRoleCommand(ORG, REVIEWER, Role.MANAGER, null, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

	}

	@Nested
	class Deactivating {

		@Test
		void an_administrator_deactivates_a_member() {
			givenCast().when(new DeactivateMemberCommand(ORG, MANAGER, "left", ADMIN, CORRELATION, null))
				.expectEvents(new MemberDeactivated(ORG, MANAGER, Role.MANAGER, "left", ADMIN, NOW, CORRELATION));
		}

		@Test
		void a_deactivated_member_again_changes_nothing() {
			givenCast().when(new DeactivateMemberCommand(ORG, DEACTIVATED, null, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectResultMessagePayload(CAST_VERSION);
		}

		@Test
		void an_administrator_cannot_deactivate_the_owner() {
			givenCast().when(new DeactivateMemberCommand(ORG, OWNER, null, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.OWNER_PROTECTED));
		}

		@Test
		void the_owner_cannot_deactivate_themself() {
			givenCast().when(new DeactivateMemberCommand(ORG, OWNER, null, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.OWNER_ROLE_IMMUTABLE));
		}

		@Test
		void a_manager_may_not_deactivate() {
			givenCast().when(new DeactivateMemberCommand(ORG, ANNOTATOR, null, MANAGER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_deactivated_manager_keeps_assignments_that_confer_nothing() {
			givenCast(new MemberDeactivated(ORG, MANAGER, Role.MANAGER, null, ADMIN, NOW, "c"))
				.when(new AssignToWorkspaceCommand(ORG, MANAGED_WS, ANNOTATOR, MANAGER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTOR_NOT_ACTIVE));
		}

	}

	@Nested
	class Setting_a_role_the_Label_Studio_way {

		@Test
		void a_not_activated_member_is_activated() {
			givenCast().when(new SetMemberRoleCommand(ORG, PENDING, Role.REVIEWER, ADMIN, CORRELATION, null))
				.expectEvents(new MemberActivated(ORG, PENDING, Role.NOT_ACTIVATED, Role.REVIEWER, null, ADMIN, NOW,
						CORRELATION));
		}

		@Test
		void a_deactivated_member_is_activated() {
			givenCast().when(new SetMemberRoleCommand(ORG, DEACTIVATED, Role.ANNOTATOR, ADMIN, CORRELATION, null))
				.expectEvents(new MemberActivated(ORG, DEACTIVATED, Role.DEACTIVATED, Role.ANNOTATOR, null, ADMIN, NOW,
						CORRELATION));
		}

		@Test
		void an_active_member_has_their_role_changed() {
			givenCast().when(new SetMemberRoleCommand(ORG, REVIEWER, Role.MANAGER, ADMIN, CORRELATION, null))
				.expectEvents(new MemberRoleChanged(ORG, REVIEWER, Role.REVIEWER, Role.MANAGER, null, ADMIN, NOW,
						CORRELATION));
		}

		@Test
		void deactivated_as_role_deactivates() {
			givenCast().when(new SetMemberRoleCommand(ORG, REVIEWER, Role.DEACTIVATED, ADMIN, CORRELATION, null))
				.expectEvents(new MemberDeactivated(ORG, REVIEWER, Role.REVIEWER, null, ADMIN, NOW, CORRELATION));
		}

		@Test
		void the_current_role_again_changes_nothing() {
			givenCast().when(new SetMemberRoleCommand(ORG, PENDING, Role.NOT_ACTIVATED, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectResultMessagePayload(CAST_VERSION);
		}

		@Test
		void owner_as_role_is_refused() {
			givenCast().when(new SetMemberRoleCommand(ORG, ADMIN, Role.OWNER, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.OWNERSHIP_TRANSFER_REQUIRED));
		}

		@Test
		void not_activated_is_not_a_role_to_give() {
			givenCast().when(new SetMemberRoleCommand(ORG, ANNOTATOR, Role.NOT_ACTIVATED, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ROLE_NOT_ASSIGNABLE));
		}

		@Test
		void an_administrator_cannot_touch_the_owner() {
			givenCast().when(new SetMemberRoleCommand(ORG, OWNER, Role.DEACTIVATED, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.OWNER_PROTECTED));
		}

		@Test
		void the_owner_cannot_deactivate_themself_either() {
			givenCast().when(new SetMemberRoleCommand(ORG, OWNER, Role.DEACTIVATED, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.OWNER_ROLE_IMMUTABLE));
		}

	}

	@Nested
	class Transferring_ownership {

		@Test
		void the_owner_hands_over_and_becomes_administrator() {
			givenCast().when(new TransferOwnershipCommand(ORG, REVIEWER, OWNER, CORRELATION, null))
				.expectEvents(new OwnershipTransferred(ORG, OWNER, REVIEWER, Role.REVIEWER, OWNER, NOW, CORRELATION));
		}

		@Test
		void only_the_owner_may_transfer() {
			givenCast().when(new TransferOwnershipCommand(ORG, ADMIN, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void ownership_goes_only_to_an_active_member() {
			givenCast().when(new TransferOwnershipCommand(ORG, PENDING, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_NOT_ACTIVE));
		}

		@Test
		void ownership_goes_only_to_a_member() {
			givenCast().when(new TransferOwnershipCommand(ORG, STRANGER, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_NOT_FOUND));
		}

		@Test
		void to_the_owner_themself_changes_nothing() {
			givenCast().when(new TransferOwnershipCommand(ORG, OWNER, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectResultMessagePayload(CAST_VERSION);
		}

		@Test
		void afterwards_the_former_owner_is_an_administrator_who_cannot_touch_the_new_owner() {
			givenCast(new OwnershipTransferred(ORG, OWNER, ADMIN, Role.ADMINISTRATOR, OWNER, NOW, "c"))
				.when(new DeactivateMemberCommand(ORG, ADMIN, null, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.OWNER_PROTECTED));
		}

		@Test
		void afterwards_the_new_owner_may_demote_the_former_owner() {
			givenCast(new OwnershipTransferred(ORG, OWNER, ADMIN, Role.ADMINISTRATOR, OWNER, NOW, "c"))
				.when(new ChangeRoleCommand(ORG, OWNER, Role.ANNOTATOR, null, ADMIN, CORRELATION, null))
				.expectEvents(new MemberRoleChanged(ORG, OWNER, Role.ADMINISTRATOR, Role.ANNOTATOR, null, ADMIN, NOW,
						CORRELATION));
		}

		@Test
		void afterwards_the_former_owner_may_not_transfer_again() {
			givenCast(new OwnershipTransferred(ORG, OWNER, ADMIN, Role.ADMINISTRATOR, OWNER, NOW, "c"))
				.when(new TransferOwnershipCommand(ORG, OWNER, OWNER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

	}

	@Nested
	class Workspaces {

		private final WorkspaceId newWs = new WorkspaceId("ws_new");

		@Test
		void an_administrator_creates_one() {
			givenCast().when(new CreateWorkspaceCommand(ORG, this.newWs, "Audio", ADMIN, CORRELATION, null))
				.expectEvents(new WorkspaceCreated(ORG, this.newWs, "Audio", ADMIN, NOW, CORRELATION));
		}

		@Test
		void a_manager_who_creates_one_is_assigned_to_it() {
			givenCast().when(new CreateWorkspaceCommand(ORG, this.newWs, "Audio", MANAGER, CORRELATION, null))
				.expectEvents(new WorkspaceCreated(ORG, this.newWs, "Audio", MANAGER, NOW, CORRELATION),
						new MemberAssignedToWorkspace(ORG, this.newWs, MANAGER, MANAGER, NOW, CORRELATION))
				.expectResultMessagePayload(CAST_VERSION + 2);
		}

		@Test
		void a_reviewer_may_not_create_one() {
			givenCast().when(new CreateWorkspaceCommand(ORG, this.newWs, "Audio", REVIEWER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void an_administrator_assigns_an_active_member() {
			givenCast().when(new AssignToWorkspaceCommand(ORG, OTHER_WS, ANNOTATOR, ADMIN, CORRELATION, null))
				.expectEvents(new MemberAssignedToWorkspace(ORG, OTHER_WS, ANNOTATOR, ADMIN, NOW, CORRELATION));
		}

		@Test
		void a_manager_assigns_members_to_their_own_workspace() {
			givenCast().when(new AssignToWorkspaceCommand(ORG, MANAGED_WS, ANNOTATOR, MANAGER, CORRELATION, null))
				.expectEvents(new MemberAssignedToWorkspace(ORG, MANAGED_WS, ANNOTATOR, MANAGER, NOW, CORRELATION));
		}

		@Test
		void a_manager_may_not_assign_members_to_another_workspace() {
			givenCast().when(new AssignToWorkspaceCommand(ORG, OTHER_WS, ANNOTATOR, MANAGER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_manager_removed_from_their_workspace_no_longer_manages_it() {
			givenCast(new MemberRemovedFromWorkspace(ORG, MANAGED_WS, MANAGER, ADMIN, NOW, "c"))
				.when(new AssignToWorkspaceCommand(ORG, MANAGED_WS, ANNOTATOR, MANAGER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void an_annotator_may_not_assign_anyone() {
			givenCast(new MemberAssignedToWorkspace(ORG, MANAGED_WS, ANNOTATOR, ADMIN, NOW, "c"))
				.when(new AssignToWorkspaceCommand(ORG, MANAGED_WS, REVIEWER, ANNOTATOR, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_not_activated_member_is_not_assigned() {
			givenCast().when(new AssignToWorkspaceCommand(ORG, MANAGED_WS, PENDING, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_NOT_ACTIVE));
		}

		@Test
		void a_deactivated_member_is_not_assigned() {
			givenCast().when(new AssignToWorkspaceCommand(ORG, MANAGED_WS, DEACTIVATED, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_NOT_ACTIVE));
		}

		@Test
		void an_existing_assignment_again_changes_nothing() {
			givenCast().when(new AssignToWorkspaceCommand(ORG, MANAGED_WS, MANAGER, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectResultMessagePayload(CAST_VERSION);
		}

		@Test
		void an_unknown_workspace_is_not_found() {
			givenCast()
				.when(new AssignToWorkspaceCommand(ORG, new WorkspaceId("ws_missing"), ANNOTATOR, ADMIN, CORRELATION,
						null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.WORKSPACE_NOT_FOUND));
		}

		@Test
		void an_unknown_member_is_not_found() {
			givenCast().when(new AssignToWorkspaceCommand(ORG, MANAGED_WS, STRANGER, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.MEMBER_NOT_FOUND));
		}

		@Test
		void an_administrator_may_not_change_the_owners_assignments() {
			givenCast().when(new AssignToWorkspaceCommand(ORG, MANAGED_WS, OWNER, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.OWNER_PROTECTED));
		}

		@Test
		void an_administrator_removes_an_assignment() {
			givenCast().when(new RemoveFromWorkspaceCommand(ORG, MANAGED_WS, MANAGER, ADMIN, CORRELATION, null))
				.expectEvents(new MemberRemovedFromWorkspace(ORG, MANAGED_WS, MANAGER, ADMIN, NOW, CORRELATION));
		}

		@Test
		void a_deactivated_members_assignment_can_still_be_removed() {
			givenCast(new MemberDeactivated(ORG, MANAGER, Role.MANAGER, null, ADMIN, NOW, "c"))
				.when(new RemoveFromWorkspaceCommand(ORG, MANAGED_WS, MANAGER, ADMIN, CORRELATION, null))
				.expectEvents(new MemberRemovedFromWorkspace(ORG, MANAGED_WS, MANAGER, ADMIN, NOW, CORRELATION));
		}

		@Test
		void removing_an_assignment_that_does_not_exist_changes_nothing() {
			givenCast().when(new RemoveFromWorkspaceCommand(ORG, OTHER_WS, REVIEWER, ADMIN, CORRELATION, null))
				.expectNoEvents()
				.expectResultMessagePayload(CAST_VERSION);
		}

		@Test
		void a_manager_may_not_remove_members_from_another_workspace() {
			givenCast(new MemberAssignedToWorkspace(ORG, OTHER_WS, ANNOTATOR, ADMIN, NOW, "c"))
				.when(new RemoveFromWorkspaceCommand(ORG, OTHER_WS, ANNOTATOR, MANAGER, CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

	}

	@Nested
	class Versions {

		@Test
		void a_command_carrying_the_current_version_is_decided() {
			givenCast()
				.when(new ChangeRoleCommand(ORG, ANNOTATOR, Role.REVIEWER, null, ADMIN, CORRELATION, CAST_VERSION))
				.expectEvents(new MemberRoleChanged(ORG, ANNOTATOR, Role.ANNOTATOR, Role.REVIEWER, null, ADMIN, NOW,
						CORRELATION));
		}

		@Test
		void a_command_carrying_a_stale_version_is_refused() {
			givenCast()
				.when(new ChangeRoleCommand(ORG, ANNOTATOR, Role.REVIEWER, null, ADMIN, CORRELATION, CAST_VERSION - 1))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.VERSION_MISMATCH));
		}

		@Test
		void the_version_counts_every_event_including_those_of_one_command() {
			givenCast(new WorkspaceCreated(ORG, new WorkspaceId("ws_3"), "Third", MANAGER, NOW, "c"),
					new MemberAssignedToWorkspace(ORG, new WorkspaceId("ws_3"), MANAGER, MANAGER, NOW, "c"))
				.when(new DeactivateMemberCommand(ORG, ANNOTATOR, null, ADMIN, CORRELATION, CAST_VERSION + 2))
				.expectResultMessagePayload(CAST_VERSION + 3);
		}

	}

}
