package io.membership.command.organization;

import static io.membership.command.organization.OrganizationFixture.ADMIN;
import static io.membership.command.organization.OrganizationFixture.ANNOTATOR;
import static io.membership.command.organization.OrganizationFixture.CAST_VERSION;
import static io.membership.command.organization.OrganizationFixture.CORRELATION;
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
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.TestExecutor;
import org.hamcrest.FeatureMatcher;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.membership.command.organization.ChangeMembershipsInBulkCommand.Change;
import io.membership.command.organization.ChangeMembershipsInBulkCommand.ProjectMembership;
import io.membership.events.MemberActivated;
import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.MemberRoleChanged;
import io.membership.events.ProjectRegistered;
import io.membership.events.UserInvited;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * API.md's "Bulk changes": items decided in order by the Organization, each against the
 * state the items before it left and each refused exactly as its single command would be;
 * an item of several parts stored whole or not at all; {@code atomic} storing nothing on
 * one refusal. Outcomes are read as {@code "accepted@version"} or the refusal's code.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OrganizationBulkTest {

	private static final Instant EXPIRES = NOW.plus(Duration.ofDays(7));

	private static final WorkspaceId UNKNOWN_WS = new WorkspaceId("ws_unknown");

	private static final ProjectId PROJECT = new ProjectId("101");

	private AggregateTestFixture<Organization> fixture;

	@BeforeEach
	void createFixture() {
		this.fixture = new AggregateTestFixture<>(Organization.class);
	}

	private TestExecutor<Organization> givenCast() {
		return this.fixture.givenCurrentTime(NOW).andGiven(cast());
	}

	private static InvitationId invitationId(int n) {
		return new InvitationId("inv_bulk" + n);
	}

	private static BulkItem<InviteUserCommand> invite(int n, String email, Role role, WorkspaceId... workspaces) {
		return BulkItem.of(new InviteUserCommand(ORG, invitationId(n), email, role, Set.of(workspaces), EXPIRES, ADMIN,
				CORRELATION, null));
	}

	private static UserInvited invited(int n, String email, Role role, WorkspaceId... workspaces) {
		return new UserInvited(ORG, invitationId(n), email, role, Set.of(workspaces), EXPIRES, ADMIN, NOW, CORRELATION);
	}

	@SafeVarargs
	private static InviteInBulkCommand invitations(boolean atomic, Long expectedVersion,
			BulkItem<InviteUserCommand>... items) {
		return new InviteInBulkCommand(ORG, List.of(items), atomic, ADMIN, CORRELATION, expectedVersion);
	}

	private static BulkItem<Change> change(UserId user, Role role, List<WorkspaceId> add, List<WorkspaceId> remove) {
		return BulkItem.of(new Change(user, role, add, remove, null, null));
	}

	@SafeVarargs
	private static ChangeMembershipsInBulkCommand changes(UserId actor, boolean atomic, BulkItem<Change>... items) {
		return new ChangeMembershipsInBulkCommand(ORG, List.of(items), atomic, actor, CORRELATION, null);
	}

	/**
	 * The result's outcomes in order, each as "accepted@version" or the refusal's code.
	 */
	private static Matcher<BulkResult> outcomes(String... expected) {
		return new FeatureMatcher<>(equalTo(Arrays.asList(expected)), "outcomes", "outcomes") {
			@Override
			protected List<String> featureValueOf(BulkResult result) {
				return result.outcomes().stream().map(OrganizationBulkTest::summary).toList();
			}
		};
	}

	private static Matcher<BulkRefusedException> refusedOutcomes(String... expected) {
		return new FeatureMatcher<>(equalTo(Arrays.asList(expected)), "outcomes", "outcomes") {
			@Override
			protected List<String> featureValueOf(BulkRefusedException refused) {
				return refused.outcomes().stream().map(OrganizationBulkTest::summary).toList();
			}
		};
	}

	private static String summary(BulkOutcome outcome) {
		return outcome.accepted() ? "accepted@" + outcome.version() : outcome.refusal().code();
	}

	@Nested
	class Invitations {

		@Test
		void each_item_is_decided_as_the_single_invitation_and_only_the_accepted_ones_are_recorded() {
			givenCast()
				.when(invitations(false, null, invite(1, "one@acme.test", Role.ANNOTATOR, MANAGED_WS),
						invite(2, email(REVIEWER), null), invite(3, "three@acme.test", null, UNKNOWN_WS),
						invite(4, "four@acme.test", Role.OWNER), invite(5, "five@acme.test", null)))
				.expectEvents(invited(1, "one@acme.test", Role.ANNOTATOR, MANAGED_WS),
						invited(5, "five@acme.test", null))
				.expectResultMessagePayloadMatching(outcomes("accepted@" + (CAST_VERSION + 1), "already_member",
						"workspaces_require_role", "ownership_transfer_required", "accepted@" + (CAST_VERSION + 2)));
		}

		@Test
		void a_repeated_address_is_refused_at_its_second_occurrence_also_as_a_look_alike() {
			givenCast()
				.when(invitations(false, null, invite(1, "twin@acme.test", null), invite(2, "other@acme.test", null),
						invite(3, "TWIN@acme.test", Role.REVIEWER), invite(4, "tw\u0131n@acme.test", null)))
				.expectEvents(invited(1, "twin@acme.test", null), invited(2, "other@acme.test", null))
				.expectResultMessagePayloadMatching(outcomes("accepted@" + (CAST_VERSION + 1),
						"accepted@" + (CAST_VERSION + 2), "duplicate_email", "duplicate_email"));
		}

		@Test
		void a_refused_first_occurrence_does_not_take_the_address() {
			givenCast()
				.when(invitations(false, null, invite(1, "twin@acme.test", null, UNKNOWN_WS),
						invite(2, "twin@acme.test", null)))
				.expectEvents(invited(2, "twin@acme.test", null))
				.expectResultMessagePayloadMatching(
						outcomes("workspaces_require_role", "accepted@" + (CAST_VERSION + 1)));
		}

		@Test
		void an_item_refused_at_the_door_keeps_its_place() {
			givenCast()
				.when(invitations(false, null,
						BulkItem.refused(new CommandRefusedException(Refusal.WORKSPACE_NOT_FOUND)),
						invite(2, "two@acme.test", null)))
				.expectEvents(invited(2, "two@acme.test", null))
				.expectResultMessagePayloadMatching(outcomes("workspace_not_found", "accepted@" + (CAST_VERSION + 1)));
		}

		@Test
		void with_atomic_one_refused_item_records_none_and_reports_every_item() {
			givenCast()
				.when(invitations(true, null, invite(1, "one@acme.test", null), invite(2, email(REVIEWER), null),
						invite(3, "three@acme.test", null)))
				.expectNoEvents()
				.expectException(BulkRefusedException.class)
				.expectException(refusedOutcomes("accepted@" + (CAST_VERSION + 1), "already_member",
						"accepted@" + (CAST_VERSION + 2)));
		}

		@Test
		void with_atomic_and_every_item_accepted_all_are_recorded() {
			givenCast()
				.when(invitations(true, null, invite(1, "one@acme.test", null), invite(2, "two@acme.test", null)))
				.expectEvents(invited(1, "one@acme.test", null), invited(2, "two@acme.test", null))
				.expectResultMessagePayload(new BulkResult(List.of(BulkOutcome.accepted(CAST_VERSION + 1, null),
						BulkOutcome.accepted(CAST_VERSION + 2, null)), CAST_VERSION + 2));
		}

		@Test
		void an_outdated_if_match_refuses_the_whole_request_before_the_first_item() {
			givenCast().when(invitations(false, CAST_VERSION - 1, invite(1, "one@acme.test", null)))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.VERSION_MISMATCH));
		}

		@Test
		void a_caller_who_may_not_invite_is_refused_for_the_whole_request() {
			givenCast()
				.when(new InviteInBulkCommand(ORG, List.of(invite(1, "one@acme.test", null)), false, MANAGER,
						CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ACTION_NOT_PERMITTED));
		}

		@Test
		void a_stranger_learns_nothing_about_the_organization() {
			givenCast()
				.when(new InviteInBulkCommand(ORG, List.of(invite(1, "one@acme.test", null)), false, STRANGER,
						CORRELATION, null))
				.expectNoEvents()
				.expectException(refusedWith(Refusal.ORGANIZATION_NOT_FOUND));
		}

	}

	@Nested
	class Membership_changes {

		@Test
		void a_later_item_is_decided_against_the_state_an_earlier_item_left() {
			// The pending member is not active, so only the first item makes the second
			// one acceptable.
			givenCast()
				.when(changes(ADMIN, false, change(PENDING, Role.ANNOTATOR, null, null),
						change(PENDING, null, List.of(MANAGED_WS), null)))
				.expectEvents(
						new MemberActivated(ORG, PENDING, Role.NOT_ACTIVATED, Role.ANNOTATOR, null, ADMIN, NOW,
								CORRELATION),
						new MemberAssignedToWorkspace(ORG, MANAGED_WS, PENDING, ADMIN, NOW, CORRELATION))
				.expectResultMessagePayloadMatching(
						outcomes("accepted@" + (CAST_VERSION + 1), "accepted@" + (CAST_VERSION + 2)));
		}

		@Test
		void the_same_items_in_the_other_order_refuse_the_workspace_as_the_single_command_would() {
			givenCast()
				.when(changes(ADMIN, false, change(PENDING, null, List.of(MANAGED_WS), null),
						change(PENDING, Role.ANNOTATOR, null, null)))
				.expectEvents(new MemberActivated(ORG, PENDING, Role.NOT_ACTIVATED, Role.ANNOTATOR, null, ADMIN, NOW,
						CORRELATION))
				.expectResultMessagePayloadMatching(outcomes("member_not_active", "accepted@" + (CAST_VERSION + 1)));
		}

		@Test
		void an_item_whose_part_is_refused_records_none_of_its_parts_and_the_next_item_still_counts() {
			givenCast()
				.when(changes(ADMIN, false, change(ANNOTATOR, Role.REVIEWER, List.of(MANAGED_WS, UNKNOWN_WS), null),
						change(ANNOTATOR, null, List.of(OTHER_WS), null)))
				.expectEvents(new MemberAssignedToWorkspace(ORG, OTHER_WS, ANNOTATOR, ADMIN, NOW, CORRELATION))
				.expectResultMessagePayloadMatching(outcomes("workspace_not_found", "accepted@" + (CAST_VERSION + 1)))
				.expectResultMessagePayloadMatching(
						new FeatureMatcher<BulkResult, Role>(equalTo(Role.ANNOTATOR), "role after the item", "role") {
							@Override
							protected Role featureValueOf(BulkResult result) {
								return result.outcomes().get(1).role();
							}
						});
		}

		@Test
		void one_item_records_one_event_per_actual_change_in_the_order_of_its_parts() {
			givenCast()
				.when(changes(ADMIN, false,
						change(MANAGER, Role.REVIEWER, List.of(OTHER_WS, MANAGED_WS), List.of(MANAGED_WS))))
				.expectEvents(
						new MemberRoleChanged(ORG, MANAGER, Role.MANAGER, Role.REVIEWER, null, ADMIN, NOW, CORRELATION),
						new MemberRemovedFromWorkspace(ORG, MANAGED_WS, MANAGER, ADMIN, NOW, CORRELATION),
						new MemberAssignedToWorkspace(ORG, OTHER_WS, MANAGER, ADMIN, NOW, CORRELATION),
						new MemberAssignedToWorkspace(ORG, MANAGED_WS, MANAGER, ADMIN, NOW, CORRELATION))
				.expectResultMessagePayloadMatching(outcomes("accepted@" + (CAST_VERSION + 4)));
		}

		@Test
		void a_manager_changes_workspaces_within_their_access_and_nothing_else() {
			givenCast()
				.when(changes(MANAGER, false, change(ANNOTATOR, null, List.of(MANAGED_WS), null),
						change(REVIEWER, null, List.of(OTHER_WS), null), change(REVIEWER, Role.ANNOTATOR, null, null)))
				.expectEvents(new MemberAssignedToWorkspace(ORG, MANAGED_WS, ANNOTATOR, MANAGER, NOW, CORRELATION))
				.expectResultMessagePayloadMatching(
						outcomes("accepted@" + (CAST_VERSION + 1), "action_not_permitted", "action_not_permitted"));
		}

		@Test
		void projects_are_added_as_the_single_project_command_decides() {
			givenCast().andGiven(new ProjectRegistered(ORG, PROJECT, MANAGED_WS, "Cats", false, ADMIN, NOW, "corr-0"))
				.when(changes(ADMIN, false,
						BulkItem.of(new Change(REVIEWER, null, null, null,
								List.of(new ProjectMembership(PROJECT, Role.ANNOTATOR)), null)),
						BulkItem.of(new Change(MANAGER, null, null, null,
								List.of(new ProjectMembership(PROJECT, Role.ANNOTATOR)), null))))
				.expectEvents(
						new MemberAddedToProject(ORG, PROJECT, REVIEWER, Role.ANNOTATOR, null, ADMIN, NOW, CORRELATION))
				.expectResultMessagePayloadMatching(
						outcomes("accepted@" + (CAST_VERSION + 2), "project_role_not_applicable"));
		}

		@Test
		void an_item_without_changes_answers_for_a_member_and_refuses_a_stranger() {
			givenCast()
				.when(changes(ADMIN, false, change(REVIEWER, null, null, null), change(STRANGER, null, null, null)))
				.expectNoEvents()
				.expectResultMessagePayloadMatching(outcomes("accepted@" + CAST_VERSION, "member_not_found"));
		}

		@Test
		void the_owner_is_refused_for_the_owner_as_the_single_command_would() {
			givenCast().when(changes(ADMIN, false, change(OWNER, Role.ANNOTATOR, null, null)))
				.expectNoEvents()
				.expectResultMessagePayloadMatching(outcomes("owner_protected"));
		}

		@Test
		void with_atomic_one_refused_item_records_none() {
			givenCast()
				.when(changes(ADMIN, true, change(ANNOTATOR, Role.REVIEWER, null, null),
						change(OWNER, Role.ANNOTATOR, null, null)))
				.expectNoEvents()
				.expectException(refusedOutcomes("accepted@" + (CAST_VERSION + 1), "owner_protected"));
		}

	}

}
