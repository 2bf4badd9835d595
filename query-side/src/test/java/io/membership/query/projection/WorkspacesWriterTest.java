package io.membership.query.projection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.membership.events.Limits;
import io.membership.events.WorkspaceCreated;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.WorkspaceId;
import io.membership.query.read.WorkspaceReads.WorkspaceMember;
import io.membership.query.read.WorkspaceReads.WorkspaceRecord;
import io.membership.query.support.OrganizationHistory;
import io.membership.testkit.AcceptedText;

/**
 * The workspaces as the workspace queries show them, and who is assigned to each.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WorkspacesWriterTest {

	private static final WorkspaceId IMAGES = new WorkspaceId("ws_images");

	@RegisterExtension
	final ProjectedTables tables = new ProjectedTables();

	@Test
	void a_new_workspace_is_listed_with_its_title_who_created_it_and_when() {
		OrganizationHistory acme = OrganizationHistory.created("Acme").workspaceCreated(IMAGES.value());
		this.tables.given(acme);

		assertThat(this.tables.workspaces().all(acme.id())).containsExactly(new WorkspaceRecord(IMAGES,
				"Images of ws_images", acme.occurredAt(2), OrganizationHistory.OWNER.value(), 0));
	}

	@Test
	void members_assigned_on_joining_or_later_are_listed_with_their_role_and_since_when() {
		InvitationId invitation = InvitationId.generate();
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.workspaceCreated(IMAGES.value())
			.invited(invitation, "ann@acme.test", Role.ANNOTATOR, IMAGES.value())
			.joinedByInvitation(2, invitation, "ann@acme.test", Role.ANNOTATOR, IMAGES.value())
			.joined(3, Role.REVIEWER)
			.assigned(IMAGES.value(), 3);
		this.tables.given(acme);

		assertThat(this.tables.workspaces().members(acme.id(), IMAGES)).containsExactly(
				new WorkspaceMember(2, Role.ANNOTATOR, acme.occurredAt(4)),
				new WorkspaceMember(3, Role.REVIEWER, acme.occurredAt(6)));
		assertThat(this.tables.workspaces().one(acme.id(), IMAGES).orElseThrow().memberCount()).isEqualTo(2);
	}

	/** An Annotator assigned to the workspace: versions 1 to 4. */
	private static OrganizationHistory annotatorAssigned() {
		return OrganizationHistory.created("Acme")
			.workspaceCreated(IMAGES.value())
			.joined(2, Role.ANNOTATOR)
			.assigned(IMAGES.value(), 2);
	}

	@Test
	void a_member_removed_from_a_workspace_is_no_longer_listed() {
		OrganizationHistory acme = annotatorAssigned().removedFromWorkspace(IMAGES.value(), 2);
		this.tables.given(acme);

		assertThat(this.tables.workspaces().members(acme.id(), IMAGES)).isEmpty();
	}

	@Test
	void a_deactivated_member_stays_assigned_and_is_listed_as_deactivated() {
		OrganizationHistory acme = annotatorAssigned().deactivated(2, Role.ANNOTATOR);
		this.tables.given(acme);

		assertThat(this.tables.workspaces().members(acme.id(), IMAGES))
			.containsExactly(new WorkspaceMember(2, Role.DEACTIVATED, acme.occurredAt(4)));
	}

	@Test
	void the_longest_title_in_every_script_comes_back_unchanged() {
		String title = AcceptedText.filled(AcceptedText.ALPHABET, Limits.TITLE);
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.then((organization, occurredAt, correlationId) -> new WorkspaceCreated(organization, IMAGES, title,
					OrganizationHistory.OWNER, occurredAt, correlationId));
		this.tables.given(acme);

		assertThat(this.tables.workspaces().one(acme.id(), IMAGES).orElseThrow().title()).isEqualTo(title);
	}

}
