package io.membership.query.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.membership.events.Limits;
import io.membership.events.MemberRoleChanged;
import io.membership.events.access.Role;
import io.membership.events.ids.UserId;
import io.membership.query.read.MemberReads.RoleChange;
import io.membership.query.support.OrganizationHistory;
import io.membership.testkit.AcceptedText;

/**
 * A member's role history as the role-history query shows it: every change of their
 * organization role and of their project roles, with who decided it, why, and in which
 * request.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RoleHistoryWriterTest {

	private static final long ANN = 2;

	@RegisterExtension
	final ProjectedTables tables = new ProjectedTables();

	private List<RoleChange> history(OrganizationHistory organization, long user) {
		return this.tables.members().roleHistory(organization.id(), UserId.of(user));
	}

	/** The entry an event of the history makes, as the query shows it. */
	private static RoleChange entry(OrganizationHistory history, long version, String project, Role from, Role to,
			String reason) {
		return new RoleChange(version, history.projected(version).eventId(), history.occurredAt(version),
				history.event(version).actorUserId().value(), history.event(version).typeName(), project, from, to,
				reason, history.event(version).correlationId());
	}

	@Test
	void every_change_of_a_members_role_is_listed_oldest_first_with_who_decided_it_why_and_in_which_request() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.joined(ANN, Role.NOT_ACTIVATED)
			.activated(ANN, Role.ANNOTATOR)
			.roleChanged(ANN, Role.ANNOTATOR, Role.REVIEWER)
			.deactivated(ANN, Role.REVIEWER);
		this.tables.given(acme);

		assertThat(history(acme, ANN)).containsExactly(entry(acme, 2, null, null, Role.NOT_ACTIVATED, null),
				entry(acme, 3, null, Role.NOT_ACTIVATED, Role.ANNOTATOR, "welcome"),
				entry(acme, 4, null, Role.ANNOTATOR, Role.REVIEWER, "trained"),
				entry(acme, 5, null, Role.REVIEWER, Role.DEACTIVATED, "left"));
	}

	@Test
	void a_transfer_of_ownership_is_an_entry_in_the_history_of_each_of_the_two_members() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.joined(ANN, Role.ADMINISTRATOR)
			.ownershipTransferred(ANN, Role.ADMINISTRATOR);
		this.tables.given(acme);

		assertThat(history(acme, OrganizationHistory.OWNER.value())).containsExactly(
				entry(acme, 1, null, null, Role.OWNER, null),
				entry(acme, 3, null, Role.OWNER, Role.ADMINISTRATOR, null));
		assertThat(history(acme, ANN)).last().isEqualTo(entry(acme, 3, null, Role.ADMINISTRATOR, Role.OWNER, null));
	}

	@Test
	void joining_a_project_changing_role_in_it_and_leaving_it_are_entries_that_name_the_project() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.workspaceCreated("ws_images")
			.joined(ANN, Role.ANNOTATOR)
			.projectRegistered("17", "ws_images", "Cats", true)
			.addedToProject("17", ANN, null)
			.projectRoleChanged("17", ANN, null, Role.REVIEWER)
			.removedFromProject("17", ANN, Role.REVIEWER);
		this.tables.given(acme);

		assertThat(history(acme, ANN))
			.extracting(RoleChange::type, RoleChange::projectId, RoleChange::fromRole, RoleChange::toRole)
			.containsExactly(tuple("MemberJoined", null, null, Role.ANNOTATOR),
					tuple("MemberAddedToProject", "17", null, null),
					tuple("ProjectRoleChanged", "17", null, Role.REVIEWER),
					tuple("MemberRemovedFromProject", "17", Role.REVIEWER, null));
	}

	@Test
	void an_event_that_changes_no_role_is_no_entry() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.joined(ANN, Role.ANNOTATOR)
			.workspaceCreated("ws_images")
			.assigned("ws_images", ANN)
			.removedFromWorkspace("ws_images", ANN)
			.projectRegistered("17", "ws_images", "Cats", true)
			.projectRemoved("17", "ws_images");
		this.tables.given(acme);

		assertThat(history(acme, ANN)).extracting(RoleChange::version).containsExactly(2L);
	}

	@Test
	void the_longest_reason_in_every_script_and_the_longest_correlation_id_come_back_unchanged() {
		String reason = AcceptedText.filled(AcceptedText.ALPHABET + "\t\n\r", Limits.REASON);
		String correlationId = AcceptedText.correlationId(Limits.CORRELATION_ID);
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.joined(ANN, Role.ANNOTATOR)
			.then((organization, occurredAt, ignored) -> new MemberRoleChanged(organization, UserId.of(ANN),
					Role.ANNOTATOR, Role.REVIEWER, reason, OrganizationHistory.OWNER, occurredAt, correlationId));
		this.tables.given(acme);

		assertThat(history(acme, ANN)).last().satisfies((change) -> {
			assertThat(change.reason()).isEqualTo(reason);
			assertThat(change.correlationId()).isEqualTo(correlationId);
		});
	}

}
