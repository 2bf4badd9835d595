package io.membership.query.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.membership.events.Limits;
import io.membership.events.MemberJoined;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.UserId;
import io.membership.query.read.MemberReads.MemberRecord;
import io.membership.query.support.OrganizationHistory;
import io.membership.testkit.AcceptedText;

/**
 * The members as the member list and the member query show them: who they are, their
 * role, who invited them and when, when they joined, were last activated and last changed
 * role.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MembersWriterTest {

	@RegisterExtension
	final ProjectedTables tables = new ProjectedTables();

	private MemberRecord member(OrganizationHistory history, long user) {
		return this.tables.members().current(history.id(), UserId.of(user)).orElseThrow();
	}

	@Test
	void the_owner_is_an_active_member_from_the_organizations_first_event() {
		OrganizationHistory acme = OrganizationHistory.created("Acme");
		this.tables.given(acme);

		MemberRecord owner = member(acme, 1);
		assertThat(owner.email()).isEqualTo("owner@acme.test");
		assertThat(owner.role()).isEqualTo(Role.OWNER);
		assertThat(owner.joinedAt()).isEqualTo(acme.occurredAt(1));
		assertThat(owner.activatedAt()).isEqualTo(acme.occurredAt(1));
		assertThat(owner.invitedAt()).isNull();
		assertThat(owner.invitedBy()).isNull();
		assertThat(owner.roleChangedAt()).isNull();
	}

	@Test
	void a_member_who_joins_by_invitation_shows_who_invited_them_and_when() {
		InvitationId invitation = InvitationId.generate();
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.invited(invitation, "ann@acme.test", Role.ANNOTATOR)
			.joinedByInvitation(2, invitation, "ann@acme.test", Role.ANNOTATOR);
		this.tables.given(acme);

		MemberRecord ann = member(acme, 2);
		assertThat(ann.email()).isEqualTo("ann@acme.test");
		assertThat(ann.role()).isEqualTo(Role.ANNOTATOR);
		assertThat(ann.invitedAt()).isEqualTo(acme.occurredAt(2));
		assertThat(ann.invitedBy()).isEqualTo(OrganizationHistory.OWNER.value());
		assertThat(ann.joinedAt()).isEqualTo(acme.occurredAt(3));
		assertThat(ann.activatedAt()).isEqualTo(acme.occurredAt(3));
	}

	@Test
	void a_member_is_activated_once_given_a_role_and_each_later_change_moves_only_role_changed_at() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.joined(2, Role.NOT_ACTIVATED)
			.activated(2, Role.ANNOTATOR)
			.roleChanged(2, Role.ANNOTATOR, Role.REVIEWER)
			.deactivated(2, Role.REVIEWER);
		this.tables.given(acme);

		MemberRecord member = member(acme, 2);
		assertThat(member.role()).isEqualTo(Role.DEACTIVATED);
		assertThat(member.joinedAt()).isEqualTo(acme.occurredAt(2));
		assertThat(member.activatedAt()).isEqualTo(acme.occurredAt(3));
		assertThat(member.roleChangedAt()).isEqualTo(acme.occurredAt(5));
	}

	@Test
	void a_member_who_joins_without_a_role_has_not_been_activated() {
		OrganizationHistory acme = OrganizationHistory.created("Acme").joined(2, Role.NOT_ACTIVATED);
		this.tables.given(acme);

		assertThat(member(acme, 2).role()).isEqualTo(Role.NOT_ACTIVATED);
		assertThat(member(acme, 2).activatedAt()).isNull();
	}

	@Test
	void a_transfer_of_ownership_makes_the_new_owner_owner_and_the_previous_one_an_administrator() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.joined(2, Role.ADMINISTRATOR)
			.ownershipTransferred(2, Role.ADMINISTRATOR);
		this.tables.given(acme);

		assertThat(member(acme, 1).role()).isEqualTo(Role.ADMINISTRATOR);
		assertThat(member(acme, 2).role()).isEqualTo(Role.OWNER);
		assertThat(member(acme, 2).roleChangedAt()).isEqualTo(acme.occurredAt(3));
		assertThat(this.tables.rows("SELECT owner_user_id FROM qs_organizations WHERE organization_id = ?",
				acme.id().value()))
			.singleElement()
			.satisfies((organization) -> assertThat(organization.get("owner_user_id")).isEqualTo(2L));
	}

	@Test
	void a_project_role_leaves_the_members_organization_role_as_it_was() {
		OrganizationHistory acme = OrganizationHistory.annotatorInAProject("Acme");
		this.tables.given(acme);

		assertThat(member(acme, 2).role()).isEqualTo(Role.ANNOTATOR);
		assertThat(member(acme, 2).roleChangedAt()).isNull();
	}

	@Test
	void the_longest_e_mail_addresses_come_back_unchanged() {
		String ownerEmail = AcceptedText.longestEmail('o', Limits.EMAIL);
		String memberEmail = AcceptedText.longestEmail('m', Limits.EMAIL);
		OrganizationHistory acme = OrganizationHistory.created("Acme", ownerEmail)
			.address("user:2", memberEmail)
			.then((organization, occurredAt, correlationId) -> new MemberJoined(organization, UserId.of(2), memberEmail,
					Role.ANNOTATOR, null, Set.of(), UserId.of(2), occurredAt, correlationId));
		this.tables.given(acme);

		assertThat(member(acme, 1).email()).isEqualTo(ownerEmail);
		assertThat(member(acme, 2).email()).isEqualTo(memberEmail);
	}

}
