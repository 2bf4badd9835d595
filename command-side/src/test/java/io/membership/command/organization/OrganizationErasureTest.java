package io.membership.command.organization;

import static io.membership.command.organization.OrganizationFixture.ADMIN;
import static io.membership.command.organization.OrganizationFixture.ANNOTATOR;
import static io.membership.command.organization.OrganizationFixture.CAST_VERSION;
import static io.membership.command.organization.OrganizationFixture.CORRELATION;
import static io.membership.command.organization.OrganizationFixture.NOW;
import static io.membership.command.organization.OrganizationFixture.ORG;
import static io.membership.command.organization.OrganizationFixture.OWNER;
import static io.membership.command.organization.OrganizationFixture.cast;
import static io.membership.command.organization.OrganizationFixture.email;
import static io.membership.command.organization.RefusalMatcher.refusedWith;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.TestExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import io.membership.events.MemberRemoved;
import io.membership.events.PersonalDataErased;
import io.membership.events.UserInvited;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.UserId;

/**
 * Erasing a person's address (API.md, "Removing a member; erasing a person's data"): each
 * organization decides which of its invitations were sent to the person, forgets the
 * address in its state, and records it once.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OrganizationErasureTest {

	private static final InvitationId INVITATION = new InvitationId("inv_annotator");

	private static final InvitationId OTHER_INVITATION = new InvitationId("inv_other");

	private AggregateTestFixture<Organization> fixture;

	@BeforeEach
	void createFixture() {
		this.fixture = new AggregateTestFixture<>(Organization.class);
	}

	private TestExecutor<Organization> givenCast(Object... more) {
		return this.fixture.givenCurrentTime(NOW).andGiven(cast()).andGiven(more);
	}

	private static ErasePersonalDataCommand erase(UserId user, String... addresses) {
		return new ErasePersonalDataCommand(ORG, user, Set.of(addresses), null, "privacy-service", CORRELATION);
	}

	private static PersonalDataErased erased(UserId user, InvitationId... invitations) {
		return new PersonalDataErased(ORG, user, List.of(invitations), null, "privacy-service", NOW, CORRELATION);
	}

	private static UserInvited invited(InvitationId invitation, String address) {
		return new UserInvited(ORG, invitation, address, Role.ANNOTATOR, Set.of(), NOW.plus(Duration.ofDays(7)), ADMIN,
				NOW.minusSeconds(60), CORRELATION);
	}

	@Test
	void a_member_s_address_and_the_invitations_sent_to_it_are_erased() {
		givenCast(invited(INVITATION, email(ANNOTATOR).toUpperCase()), invited(OTHER_INVITATION, "other@acme.test"))
			.when(erase(ANNOTATOR))
			.expectEvents(erased(ANNOTATOR, INVITATION))
			.expectResultMessagePayload(CAST_VERSION + 3);
	}

	/**
	 * The contract keeps user ids and roles, not addresses: an Owner without an address
	 * still owns the organization.
	 */
	@Test
	void the_owner_s_address_is_erased_too() {
		givenCast().when(erase(OWNER)).expectEvents(erased(OWNER));
	}

	/**
	 * The contract keeps user ids and roles, not addresses: an Owner without an address
	 * still owns the organization, and their former address is no member's any more.
	 */
	@Test
	void an_owner_without_an_address_still_owns_and_the_address_is_free() {
		givenCast(erased(OWNER)).when(new RemoveMemberCommand(ORG, ADMIN, OWNER, CORRELATION, null))
			.expectSuccessfulHandlerExecution();
		givenCast(erased(OWNER))
			.when(new InviteUserCommand(ORG, INVITATION, "owner@acme.test", Role.REVIEWER, Set.of(),
					NOW.plus(Duration.ofDays(7)), ADMIN, CORRELATION, null))
			.expectSuccessfulHandlerExecution();
	}

	/** Their events still refer to the address, so a former member's is erased too. */
	@Test
	void a_removed_member_s_address_is_erased_by_the_address_the_service_knows() {
		givenCast(invited(INVITATION, email(ANNOTATOR)),
				new MemberRemoved(ORG, ANNOTATOR, Role.ANNOTATOR, ADMIN, NOW, CORRELATION))
			.when(erase(ANNOTATOR, email(ANNOTATOR)))
			.expectEvents(erased(ANNOTATOR, INVITATION));
	}

	@Test
	void asking_again_records_nothing() {
		givenCast(erased(ANNOTATOR)).when(erase(ANNOTATOR))
			.expectNoEvents()
			.expectResultMessagePayload(CAST_VERSION + 1);
	}

	/**
	 * An invitation sent to the address after it was erased is erased by the next
	 * request.
	 */
	@Test
	void asking_again_erases_what_came_since() {
		givenCast(erased(ANNOTATOR), invited(INVITATION, email(ANNOTATOR))).when(erase(ANNOTATOR, email(ANNOTATOR)))
			.expectEvents(erased(ANNOTATOR, INVITATION));
	}

	@Test
	void the_erased_address_is_free_for_a_new_invitation() {
		givenCast(erased(ANNOTATOR))
			.when(new InviteUserCommand(ORG, INVITATION, email(ANNOTATOR), Role.REVIEWER, Set.of(),
					NOW.plus(Duration.ofDays(7)), ADMIN, CORRELATION, null))
			.expectSuccessfulHandlerExecution();
	}

	/** Nothing proves the address of an invitation whose address was erased. */
	@Test
	void an_invitation_whose_address_was_erased_admits_nobody() {
		givenCast(invited(INVITATION, "gone@acme.test"), erased(UserId.of(77), INVITATION))
			.when(new AcceptInvitationCommand(ORG, INVITATION, null, UserId.of(77), "gone@acme.test", UserId.of(77),
					null, false, CORRELATION, null))
			.expectNoEvents()
			.expectException(refusedWith(Refusal.INVITATION_EMAIL_MISMATCH));
	}

}
