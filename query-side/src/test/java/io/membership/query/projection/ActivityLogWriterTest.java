package io.membership.query.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.membership.events.Limits;
import io.membership.events.MemberRoleChanged;
import io.membership.events.access.Role;
import io.membership.events.ids.UserId;
import io.membership.query.read.ActivityLogReads.ActivityEntry;
import io.membership.query.read.ActivityLogReads.ActivityFilter;
import io.membership.query.support.OrganizationHistory;
import io.membership.testkit.AcceptedText;

/**
 * The activity log as its query shows it: one entry for every event, newest first, saying
 * who did what to whom, where, in a sentence and as the event was published.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ActivityLogWriterTest {

	@RegisterExtension
	final ProjectedTables tables = new ProjectedTables();

	private List<ActivityEntry> log(OrganizationHistory history) {
		return this.tables.activityLog()
			.entries(history.id(), new ActivityFilter(null, null, null, Set.of(), null, null), 100);
	}

	@Test
	void every_event_is_an_entry_newest_first_with_its_type_who_did_it_and_to_whom() {
		OrganizationHistory acme = OrganizationHistory.busy("Acme");
		this.tables.given(acme);

		assertThat(log(acme))
			.extracting(ActivityEntry::version, ActivityEntry::type, ActivityEntry::actorUserId,
					ActivityEntry::subjectUserId)
			.containsExactly(tuple(7L, "UserInvited", 1L, null), tuple(6L, "MemberAssignedToWorkspace", 1L, 3L),
					tuple(5L, "WorkspaceCreated", 1L, null), tuple(4L, "MemberRoleChanged", 1L, 3L),
					tuple(3L, "MemberJoined", 3L, 3L), tuple(2L, "MemberJoined", 2L, 2L),
					tuple(1L, "OrganizationCreated", 1L, 1L));
		assertThat(log(acme)).allSatisfy((entry) -> {
			assertThat(entry.eventId()).isEqualTo(acme.projected(entry.version()).eventId());
			assertThat(entry.occurredAt()).isEqualTo(acme.occurredAt(entry.version()));
		});
	}

	@Test
	void an_entry_names_the_workspace_or_the_project_its_event_is_about() {
		OrganizationHistory acme = OrganizationHistory.annotatorInAProject("Acme");
		this.tables.given(acme);

		assertThat(log(acme)).extracting(ActivityEntry::type, ActivityEntry::workspaceId, ActivityEntry::projectId)
			.containsExactly(tuple("MemberAddedToProject", null, "17"), tuple("ProjectRegistered", "ws_images", "17"),
					tuple("MemberJoined", null, null), tuple("WorkspaceCreated", "ws_images", null),
					tuple("OrganizationCreated", null, null));
	}

	@Test
	void an_entry_says_what_happened_in_a_sentence_and_holds_the_event_as_published() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.joined(2, Role.ANNOTATOR)
			.roleChanged(2, Role.ANNOTATOR, Role.REVIEWER);
		this.tables.given(acme);

		ActivityEntry change = log(acme).get(0);
		assertThat(change.summary()).isEqualTo("User 1 changed the role of user 2 from AN to RE");
		assertThat(change.details().get("user_id").asLong()).isEqualTo(2);
		assertThat(change.details().get("from_role").asString()).isEqualTo("AN");
		assertThat(change.details().get("to_role").asString()).isEqualTo("RE");
		assertThat(change.details().get("reason").asString()).isEqualTo("trained");
		assertThat(change.details().get("correlation_id").asString()).isEqualTo("correlation-3");
	}

	@Test
	void the_longest_name_e_mail_reason_and_correlation_id_in_every_script_come_back_unchanged() {
		String name = AcceptedText.filled(AcceptedText.ALPHABET, Limits.NAME);
		String ownerEmail = AcceptedText.longestEmail('o', Limits.EMAIL);
		String reason = AcceptedText.filled(AcceptedText.ALPHABET + "\t\n\r", Limits.REASON);
		String correlationId = AcceptedText.correlationId(Limits.CORRELATION_ID);
		OrganizationHistory acme = OrganizationHistory.created(name, ownerEmail)
			.joined(2, Role.ANNOTATOR)
			.then((organization, occurredAt, ignored) -> new MemberRoleChanged(organization, UserId.of(2),
					Role.ANNOTATOR, Role.REVIEWER, reason, OrganizationHistory.OWNER, occurredAt, correlationId));
		this.tables.given(acme);

		List<ActivityEntry> log = log(acme);
		ActivityEntry creation = log.get(log.size() - 1);
		assertThat(creation.summary()).isEqualTo("User 1 created the organization \"" + name + "\" and is its Owner");
		assertThat(creation.details().get("name").asString()).isEqualTo(name);
		assertThat(creation.details().has("owner_email")).as("the log keeps no copy of an address").isFalse();
		assertThat(creation.personalData().email()).as("shown from the personal data").isEqualTo(ownerEmail);
		assertThat(log.get(0).details().get("reason").asString()).isEqualTo(reason);
		assertThat(log.get(0).details().get("correlation_id").asString()).isEqualTo(correlationId);
	}

}
