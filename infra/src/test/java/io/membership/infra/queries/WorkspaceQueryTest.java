package io.membership.infra.queries;

import static io.membership.infra.queries.Reads.field;
import static io.membership.infra.queries.Reads.longs;
import static io.membership.infra.queries.Reads.ok;
import static io.membership.infra.queries.Reads.read;
import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.membership.events.ids.WorkspaceId;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * {@code GET /api/organizations/{org}/workspaces} and
 * {@code .../workspaces/{ws}/memberships}: every member may read them, Annotators and
 * Reviewers only for the workspaces they are assigned to.
 */
@PostgresServiceTest
class WorkspaceQueryTest {

	@LocalServerPort
	int port;

	private TestOrganization organization;

	private Member manager;

	private Member anna;

	private Member rita;

	private String images;

	private String audio;

	private String text;

	/**
	 * Anna (AN) is assigned to images, Rita (RE) to images and audio; text has nobody.
	 */
	@BeforeEach
	void threeWorkspaces() {
		this.organization = TestOrganization.create(this.port);
		this.manager = this.organization.join("MA");
		this.anna = this.organization.join("AN");
		this.rita = this.organization.join("RE");
		this.images = this.organization.createWorkspace("Images");
		this.audio = this.organization.createWorkspace("Audio");
		this.text = this.organization.createWorkspace("Text");
		assign(this.anna, this.images);
		assign(this.rita, this.images);
		assign(this.rita, this.audio);
	}

	private void assign(Member member, String workspace) {
		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/workspaces/" + workspace + "/memberships",
					"{\"user_id\":" + member.userId() + "}"));
	}

	@Test
	void the_owner_sees_every_workspace_oldest_first_with_its_member_count() {
		JsonNode workspaces = ok(this.organization, this.organization.owner(), "/workspaces").path("workspaces");

		assertThat(field(workspaces, "workspace_id")).containsExactly(this.images, this.audio, this.text);
		assertThat(field(workspaces, "title")).containsExactly("Images", "Audio", "Text");
		assertThat(longs(workspaces, "member_count")).containsExactly(2L, 1L, 0L);
		assertThat(longs(workspaces, "created_by")).containsOnly(this.organization.ownerId());
		assertThat(Instant.parse(workspaces.get(0).path("created_at").asString())).isBefore(Instant.now());
	}

	@Test
	void a_manager_sees_every_workspace() {
		JsonNode workspaces = ok(this.organization, this.manager.client(), "/workspaces").path("workspaces");

		assertThat(field(workspaces, "workspace_id")).containsExactly(this.images, this.audio, this.text);
	}

	@Test
	void an_annotator_sees_only_the_workspaces_they_are_assigned_to() {
		JsonNode workspaces = ok(this.organization, this.anna.client(), "/workspaces").path("workspaces");

		assertThat(field(workspaces, "workspace_id")).containsExactly(this.images);
	}

	@Test
	void a_reviewer_sees_only_the_workspaces_they_are_assigned_to() {
		JsonNode workspaces = ok(this.organization, this.rita.client(), "/workspaces").path("workspaces");

		assertThat(field(workspaces, "workspace_id")).containsExactly(this.images, this.audio);
	}

	@Test
	void a_workspace_lists_its_members_by_user_id_with_their_role_and_when_they_were_assigned() {
		JsonNode answer = ok(this.organization, this.manager.client(), "/workspaces/" + this.images + "/memberships");

		assertThat(answer.path("workspace_id").asString()).isEqualTo(this.images);
		JsonNode members = answer.path("members");
		assertThat(longs(members, "user_id")).containsExactly(this.anna.userId(), this.rita.userId());
		assertThat(field(members, "role")).containsExactly("AN", "RE");
		assertThat(Instant.parse(members.get(0).path("assigned_at").asString()))
			.isBefore(Instant.parse(members.get(1).path("assigned_at").asString()));
	}

	@Test
	void an_annotator_reads_the_members_of_a_workspace_they_are_assigned_to() {
		JsonNode answer = ok(this.organization, this.anna.client(), "/workspaces/" + this.images + "/memberships");

		assertThat(longs(answer.path("members"), "user_id")).containsExactly(this.anna.userId(), this.rita.userId());
	}

	@Test
	void an_annotator_asking_for_the_members_of_another_workspace_gets_not_found() {
		assertProblem(read(this.organization, this.anna.client(), "/workspaces/" + this.audio + "/memberships"), 404,
				"workspace_not_found");
	}

	@Test
	void a_reviewer_asking_for_the_members_of_another_workspace_gets_not_found() {
		assertProblem(read(this.organization, this.rita.client(), "/workspaces/" + this.text + "/memberships"), 404,
				"workspace_not_found");
	}

	@Test
	void an_unknown_workspace_is_not_found() {
		assertProblem(read(this.organization, this.manager.client(),
				"/workspaces/" + WorkspaceId.generate() + "/memberships"), 404, "workspace_not_found");
	}

	@Test
	void a_member_removed_from_a_workspace_no_longer_sees_it() {
		this.organization.recorded(this.organization.owner()
			.delete(this.organization.path() + "/workspaces/" + this.audio + "/memberships/" + this.rita.userId()));

		JsonNode workspaces = ok(this.organization, this.rita.client(), "/workspaces").path("workspaces");

		assertThat(field(workspaces, "workspace_id")).containsExactly(this.images);
	}

	@Test
	void a_deactivated_member_sees_no_workspace_and_is_listed_as_deactivated_in_theirs() {
		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/memberships/" + this.anna.userId() + "/deactivate", "{}"));

		assertThat(ok(this.organization, this.anna.client(), "/workspaces").path("workspaces").isEmpty()).isTrue();
		JsonNode members = ok(this.organization, this.manager.client(), "/workspaces/" + this.images + "/memberships")
			.path("members");
		assertThat(field(members, "role")).containsExactly("DI", "RE");
	}

	@Test
	void a_member_who_is_not_activated_sees_no_workspace() {
		Member newcomer = this.organization.join(null);

		assertThat(ok(this.organization, newcomer.client(), "/workspaces").path("workspaces").isEmpty()).isTrue();
	}

}
