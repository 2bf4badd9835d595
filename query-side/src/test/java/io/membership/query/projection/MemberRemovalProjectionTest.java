package io.membership.query.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.state.MemberState;
import io.membership.query.read.MemberReads.MemberFilter;
import io.membership.query.read.MemberReads.MemberRecord;
import io.membership.query.read.MemberReads.RoleChange;
import io.membership.query.support.OrganizationHistory;

/**
 * A member's removal in every view: no member now, in no workspace or project; the role
 * history says the membership ended; answers as of an instant before it still show the
 * member as they were; and a member invited again is a new member whose history goes on.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MemberRemovalProjectionTest {

	private static final UserId ANN = UserId.of(2);

	private static final WorkspaceId IMAGES = new WorkspaceId("ws_images");

	private static final ProjectId CATS = new ProjectId("17");

	private static final InvitationId FIRST = new InvitationId("inv_first");

	private static final InvitationId AGAIN = new InvitationId("inv_again");

	@RegisterExtension
	final ProjectedTables tables = new ProjectedTables();

	/**
	 * Ann joins by invitation as an Annotator (v3), is assigned to a workspace (v5) and a
	 * project as a Reviewer (v7), and is removed (v8).
	 */
	private static OrganizationHistory annRemoved() {
		return OrganizationHistory.created("Acme")
			.invited(FIRST, "ann@acme.test", Role.ANNOTATOR)
			.joinedByInvitation(ANN.value(), FIRST, "ann@acme.test", Role.ANNOTATOR)
			.workspaceCreated(IMAGES.value())
			.assigned(IMAGES.value(), ANN.value())
			.projectRegistered(CATS.value(), IMAGES.value(), "Cats", true)
			.addedToProject(CATS.value(), ANN.value(), Role.REVIEWER)
			.removed(ANN.value(), Role.ANNOTATOR);
	}

	/**
	 * Then invited again with another spelling of the address, joins (v10), activated
	 * (v11).
	 */
	private static OrganizationHistory annBack() {
		return annRemoved().invited(AGAIN, "Ann@acme.test", null)
			.joinedByInvitation(ANN.value(), AGAIN, "Ann@acme.test", Role.NOT_ACTIVATED)
			.activated(ANN.value(), Role.REVIEWER);
	}

	private long count(String table, OrganizationHistory history) {
		return (Long) this.tables
			.rows("SELECT COUNT(*) AS n FROM " + table + " WHERE organization_id = ? AND user_id = ?",
					history.id().value(), ANN.value())
			.get(0)
			.get("n");
	}

	@Test
	void a_removed_member_is_no_member_in_no_workspace_and_in_no_project() {
		OrganizationHistory acme = annRemoved();
		this.tables.given(acme);

		assertThat(this.tables.members().current(acme.id(), ANN)).isEmpty();
		assertThat(this.tables.members().page(acme.id(), new MemberFilter(Set.of(), null, null), 0, 10))
			.extracting(MemberRecord::userId)
			.containsExactly(OrganizationHistory.OWNER.value());
		assertThat(this.tables.workspaces().members(acme.id(), IMAGES)).isEmpty();
		assertThat(count("qs_member_workspaces", acme)).isZero();
		assertThat(count("qs_project_members", acme)).isZero();
		assertThat(this.tables.timelines().latestState(acme.id(), ANN)).isEmpty();
		assertThat(this.tables.timelines().statesAt(acme.id(), null)).containsOnlyKeys(OrganizationHistory.OWNER);
	}

	@Test
	void the_same_holds_when_each_event_is_a_poll_of_its_own() {
		OrganizationHistory acme = annRemoved();
		this.tables.givenOneByOne(acme);

		assertThat(this.tables.members().current(acme.id(), ANN)).isEmpty();
		assertThat(count("qs_member_workspaces", acme)).isZero();
		assertThat(count("qs_project_members", acme)).isZero();
		assertThat(this.tables.timelines().latestState(acme.id(), ANN)).isEmpty();
	}

	@Test
	void as_of_an_instant_before_the_removal_the_member_is_as_they_were_and_after_it_none() {
		OrganizationHistory acme = annRemoved();
		this.tables.given(acme);

		assertThat(this.tables.timelines().stateAt(acme.id(), ANN, acme.occurredAt(7)))
			.contains(new MemberState(ANN, Role.ANNOTATOR, Set.of(IMAGES), Map.of(CATS, Role.REVIEWER)));
		assertThat(this.tables.members().asOf(acme.id(), ANN, acme.occurredAt(7))).hasValueSatisfying((ann) -> {
			assertThat(ann.email()).isEqualTo("ann@acme.test");
			assertThat(ann.erased()).isFalse();
			assertThat(ann.role()).isEqualTo(Role.ANNOTATOR);
			assertThat(ann.workspaces()).containsExactly(IMAGES);
			assertThat(ann.invitedAt()).isEqualTo(acme.occurredAt(2));
			assertThat(ann.invitedBy()).isEqualTo(OrganizationHistory.OWNER.value());
			assertThat(ann.joinedAt()).isEqualTo(acme.occurredAt(3));
			assertThat(ann.activatedAt()).isEqualTo(acme.occurredAt(3));
		});
		assertThat(this.tables.timelines().stateAt(acme.id(), ANN, acme.occurredAt(8))).isEmpty();
		assertThat(this.tables.members().asOf(acme.id(), ANN, acme.occurredAt(8))).isEmpty();
	}

	@Test
	void the_role_history_says_the_membership_ended() {
		OrganizationHistory acme = annRemoved();
		this.tables.given(acme);

		assertThat(this.tables.members().roleHistory(acme.id(), ANN)).last()
			.isEqualTo(new RoleChange(8, acme.projected(8).eventId(), acme.occurredAt(8),
					OrganizationHistory.OWNER.value(), "MemberRemoved", null, Role.ANNOTATOR, null, null,
					acme.event(8).correlationId()));
	}

	@Test
	void the_activity_log_lists_the_removal_about_the_member() {
		OrganizationHistory acme = annRemoved();
		this.tables.given(acme);

		assertThat(this.tables.rows("SELECT type, subject_user_id, summary FROM qs_activity_log "
				+ "WHERE organization_id = ? AND version = 8", acme.id().value()))
			.containsExactly(Map.of("type", "MemberRemoved", "subject_user_id", ANN.value(), "summary",
					"User 1 removed user 2 (AN) from the organization, with their workspaces and projects"));
	}

	@Test
	void a_member_invited_again_is_a_new_member_whose_history_goes_on() {
		OrganizationHistory acme = annBack();
		this.tables.given(acme);

		assertThat(this.tables.members().current(acme.id(), ANN)).hasValueSatisfying((ann) -> {
			assertThat(ann.email()).isEqualTo("Ann@acme.test");
			assertThat(ann.role()).isEqualTo(Role.REVIEWER);
			assertThat(ann.workspaces()).isEmpty();
			assertThat(ann.invitedAt()).isEqualTo(acme.occurredAt(9));
			assertThat(ann.joinedAt()).isEqualTo(acme.occurredAt(10));
			assertThat(ann.activatedAt()).isEqualTo(acme.occurredAt(11));
		});
		assertThat(this.tables.timelines().latestState(acme.id(), ANN))
			.contains(new MemberState(ANN, Role.REVIEWER, Set.of()));
		assertThat(this.tables.members().roleHistory(acme.id(), ANN))
			.extracting(RoleChange::version, RoleChange::type, RoleChange::projectId, RoleChange::fromRole,
					RoleChange::toRole)
			.containsExactly(tuple(3L, "MemberJoined", null, null, Role.ANNOTATOR),
					tuple(7L, "MemberAddedToProject", "17", null, Role.REVIEWER),
					tuple(8L, "MemberRemoved", null, Role.ANNOTATOR, null),
					tuple(10L, "MemberJoined", null, null, Role.NOT_ACTIVATED),
					tuple(11L, "MemberActivated", null, Role.NOT_ACTIVATED, Role.REVIEWER));
	}

	/**
	 * The organization's first Owner hands ownership on (v3) and is removed as an
	 * Administrator (v4): as of before, they are who the organization's creation says.
	 */
	@Test
	void a_first_owner_removed_after_handing_on_ownership_is_as_of_before_who_created_the_organization() {
		UserId owner = OrganizationHistory.OWNER;
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.joined(ANN.value(), Role.ADMINISTRATOR)
			.ownershipTransferred(ANN.value(), Role.ADMINISTRATOR)
			.removed(owner.value(), Role.ADMINISTRATOR);
		this.tables.given(acme);

		assertThat(this.tables.members().current(acme.id(), owner)).isEmpty();
		assertThat(this.tables.members().asOf(acme.id(), owner, acme.occurredAt(3))).hasValueSatisfying((then) -> {
			assertThat(then.email()).isEqualTo("owner@acme.test");
			assertThat(then.role()).isEqualTo(Role.ADMINISTRATOR);
			assertThat(then.joinedAt()).isEqualTo(acme.occurredAt(1));
			assertThat(then.invitedAt()).isNull();
			assertThat(then.roleChangedAt()).isEqualTo(acme.occurredAt(3));
		});
		assertThat(this.tables.members().asOf(acme.id(), owner, acme.occurredAt(4))).isEmpty();
	}

	@Test
	void as_of_the_earlier_membership_the_member_is_who_they_were_then() {
		OrganizationHistory acme = annBack();
		this.tables.given(acme);

		assertThat(this.tables.members().asOf(acme.id(), ANN, acme.occurredAt(7))).hasValueSatisfying((ann) -> {
			// One address per person: the latest their identity provider vouched for.
			assertThat(ann.email()).isEqualTo("Ann@acme.test");
			assertThat(ann.erased()).isFalse();
			assertThat(ann.role()).isEqualTo(Role.ANNOTATOR);
			assertThat(ann.invitedAt()).isEqualTo(acme.occurredAt(2));
			assertThat(ann.joinedAt()).isEqualTo(acme.occurredAt(3));
			assertThat(ann.activatedAt()).isEqualTo(acme.occurredAt(3));
			assertThat(ann.roleChangedAt()).isNull();
		});
		assertThat(this.tables.members().asOf(acme.id(), ANN, acme.occurredAt(9))).isEmpty();
		assertThat(this.tables.members().asOf(acme.id(), ANN, acme.occurredAt(10))).hasValueSatisfying((ann) -> {
			assertThat(ann.role()).isEqualTo(Role.NOT_ACTIVATED);
			assertThat(ann.joinedAt()).isEqualTo(acme.occurredAt(10));
			assertThat(ann.activatedAt()).isNull();
			assertThat(ann.roleChangedAt()).isNull();
		});
	}

}
