package io.membership.query.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.membership.events.Limits;
import io.membership.events.ProjectRegistered;
import io.membership.events.access.ProjectAccess;
import io.membership.events.access.Role;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.WorkspaceId;
import io.membership.query.support.OrganizationHistory;
import io.membership.testkit.AcceptedText;

/**
 * The upstream app's projects as the checks and the project queries find them: each
 * project now, every state it was in (for checks as of an instant), and who is in it with
 * which project role. No read answers from the project tables yet, so their rows are read
 * as they are.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ProjectsWriterTest {

	private static final ProjectId CATS = new ProjectId("17");

	@RegisterExtension
	final ProjectedTables tables = new ProjectedTables();

	private Map<String, Object> project(OrganizationHistory history, ProjectId project) {
		List<Map<String, Object>> rows = this.tables.rows("SELECT workspace_id, title, annotators_view_own_data, "
				+ "registered_at, registered_by, removed_at FROM qs_projects WHERE organization_id = ? AND project_id = ?",
				history.id().value(), project.value());
		assertThat(rows).hasSize(1);
		return rows.get(0);
	}

	private ProjectAccess.Project projectAt(OrganizationHistory history, long version) {
		return this.tables.timelines().projectAt(history.id(), CATS, history.occurredAt(version)).orElse(null);
	}

	private static OffsetDateTime stored(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	@Test
	void a_registered_project_is_held_with_its_workspace_title_setting_and_who_registered_it() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.workspaceCreated("ws_images")
			.projectRegistered(CATS.value(), "ws_images", "Cats", true);
		this.tables.given(acme);

		Map<String, Object> cats = project(acme, CATS);
		assertThat(cats.get("workspace_id")).isEqualTo("ws_images");
		assertThat(cats.get("title")).isEqualTo("Cats");
		assertThat(cats.get("annotators_view_own_data")).isEqualTo(true);
		assertThat(cats.get("registered_at")).isEqualTo(stored(acme.occurredAt(3)));
		assertThat(cats.get("registered_by")).isEqualTo(OrganizationHistory.OWNER.value());
		assertThat(cats.get("removed_at")).isNull();
	}

	@Test
	void an_updated_project_is_found_as_it_stood_at_each_instant() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.workspaceCreated("ws_images")
			.workspaceCreated("ws_audio")
			.projectRegistered(CATS.value(), "ws_images", "Cats", true)
			.projectUpdated(CATS.value(), "ws_images", "ws_audio", "Purrs", false);
		this.tables.given(acme);

		assertThat(project(acme, CATS)).containsEntry("workspace_id", "ws_audio")
			.containsEntry("title", "Purrs")
			.containsEntry("annotators_view_own_data", false);
		assertThat(projectAt(acme, 3)).isNull();
		assertThat(projectAt(acme, 4)).isEqualTo(new ProjectAccess.Project(CATS, new WorkspaceId("ws_images"), true));
		assertThat(projectAt(acme, 5)).isEqualTo(new ProjectAccess.Project(CATS, new WorkspaceId("ws_audio"), false));
	}

	@Test
	void a_removed_project_keeps_its_row_says_when_it_was_removed_and_has_no_members_left() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.workspaceCreated("ws_images")
			.joined(2, Role.ANNOTATOR)
			.projectRegistered(CATS.value(), "ws_images", "Cats", true)
			.addedToProject(CATS.value(), 2, Role.ANNOTATOR)
			.projectRemoved(CATS.value(), "ws_images");
		this.tables.given(acme);

		assertThat(project(acme, CATS)).containsEntry("title", "Cats")
			.containsEntry("removed_at", stored(acme.occurredAt(6)));
		assertThat(
				this.tables.rows("SELECT user_id FROM qs_project_members WHERE organization_id = ?", acme.id().value()))
			.isEmpty();
		assertThat(projectAt(acme, 5)).isNotNull();
		assertThat(projectAt(acme, 6)).isNull();
	}

	@Test
	void a_project_member_is_held_with_their_project_role_none_standing_for_inherit() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.workspaceCreated("ws_images")
			.joined(2, Role.ANNOTATOR)
			.joined(3, Role.ANNOTATOR)
			.joined(4, Role.REVIEWER)
			.projectRegistered(CATS.value(), "ws_images", "Cats", true)
			.addedToProject(CATS.value(), 2, null)
			.addedToProject(CATS.value(), 3, null)
			.addedToProject(CATS.value(), 4, Role.REVIEWER)
			.projectRoleChanged(CATS.value(), 3, null, Role.REVIEWER)
			.removedFromProject(CATS.value(), 4, Role.REVIEWER);
		this.tables.given(acme);

		assertThat(this.tables.rows(
				"SELECT user_id, project_role, added_at FROM qs_project_members "
						+ "WHERE organization_id = ? AND project_id = ? ORDER BY user_id",
				acme.id().value(), CATS.value()))
			.extracting("user_id", "project_role", "added_at")
			.containsExactly(tuple(2L, null, stored(acme.occurredAt(7))), tuple(3L, "RE", stored(acme.occurredAt(8))));
	}

	@Test
	void the_longest_title_in_every_script_and_the_longest_project_id_come_back_unchanged() {
		String title = AcceptedText.filled(AcceptedText.ALPHABET, Limits.TITLE);
		ProjectId longest = new ProjectId("Az09._-".repeat(10).substring(0, Limits.ID));
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.workspaceCreated("ws_images")
			.then((organization, occurredAt, correlationId) -> new ProjectRegistered(organization, longest,
					new WorkspaceId("ws_images"), title, false, OrganizationHistory.OWNER, occurredAt, correlationId));
		this.tables.given(acme);

		assertThat(project(acme, longest).get("title")).isEqualTo(title);
		assertThat(this.tables.rows("SELECT project_id, title FROM qs_project_timeline WHERE organization_id = ?",
				acme.id().value()))
			.containsExactly(Map.of("project_id", longest.value(), "title", title));
	}

}
