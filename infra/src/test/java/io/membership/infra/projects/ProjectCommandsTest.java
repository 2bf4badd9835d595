package io.membership.infra.projects;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * API.md's project commands over HTTP: {@code PUT} and {@code DELETE} of a project, and
 * {@code POST}, {@code PATCH}, {@code DELETE} of its members; who may send each and what
 * each answers.
 */
@PostgresServiceTest
class ProjectCommandsTest {

	@LocalServerPort
	int port;

	private TestOrganization organization;

	private Member manager;

	private Member anna;

	private Member rita;

	private String managed;

	private String other;

	/**
	 * A Manager assigned to the workspace {@code managed}, an Annotator and a Reviewer;
	 * {@code other} is nobody's.
	 */
	@BeforeEach
	void organizationWithTwoWorkspaces() {
		this.organization = TestOrganization.create(this.port);
		this.manager = this.organization.join("MA");
		this.anna = this.organization.join("AN");
		this.rita = this.organization.join("RE");
		this.managed = this.organization.createWorkspace("Managed");
		this.other = this.organization.createWorkspace("Other");
		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/workspaces/" + this.managed + "/memberships",
					"{\"user_id\":" + this.manager.userId() + "}"));
	}

	private String project(String id) {
		return this.organization.path() + "/projects/" + id;
	}

	private static String projectBody(String workspace, String title, Boolean annotatorsViewOwnData) {
		return "{\"workspace_id\":\"" + workspace + "\",\"title\":\"" + title + "\""
				+ ((annotatorsViewOwnData != null) ? ",\"annotators_view_own_data\":" + annotatorsViewOwnData : "")
				+ "}";
	}

	private Answer put(ApiClient client, String id, String body) {
		return client.send("PUT", project(id), body);
	}

	private void register(String id, String workspace) {
		this.organization.recorded(put(this.organization.owner(), id, projectBody(workspace, "Project " + id, null)));
	}

	@Test
	void the_first_put_registers_the_project_and_answers_201_with_it() {
		Answer answer = this.organization
			.recorded(put(this.organization.owner(), "17", projectBody(this.other, "Cats", true)));

		assertThat(answer.status()).isEqualTo(201);
		assertThat(answer.header("Location")).isEqualTo(project("17"));
		assertThat(answer.json().path("project_id").asString()).isEqualTo("17");
		assertThat(answer.json().path("workspace_id").asString()).isEqualTo(this.other);
		assertThat(answer.json().path("title").asString()).isEqualTo("Cats");
		assertThat(answer.json().path("annotators_view_own_data").asBoolean()).isTrue();
	}

	@Test
	void a_put_with_new_values_updates_the_project_and_answers_200() {
		register("17", this.managed);

		Answer answer = this.organization
			.recorded(put(this.manager.client(), "17", projectBody(this.managed, "Renamed", true)));

		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.json().path("title").asString()).isEqualTo("Renamed");
	}

	@Test
	void the_same_values_again_answer_200_with_the_same_version() {
		register("17", this.managed);

		Answer answer = put(this.organization.owner(), "17", projectBody(this.managed, "Project 17", false));

		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.json().path("version").asLong()).isEqualTo(this.organization.version());
		this.organization.assertNothingStored();
	}

	@Test
	void a_manager_may_not_register_a_project_in_a_workspace_not_assigned_to_them() {
		assertProblem(put(this.manager.client(), "17", projectBody(this.other, "Cats", null)), 403,
				"action_not_permitted");
		this.organization.assertNothingStored();
	}

	@Test
	void a_manager_may_not_move_a_project_out_of_their_workspaces() {
		register("17", this.managed);

		assertProblem(put(this.manager.client(), "17", projectBody(this.other, "Project 17", null)), 403,
				"action_not_permitted");
	}

	@Test
	void an_annotator_may_not_register_projects() {
		assertProblem(put(this.anna.client(), "17", projectBody(this.managed, "Cats", null)), 403,
				"action_not_permitted");
	}

	@Test
	void a_project_in_an_unknown_workspace_is_404() {
		assertProblem(
				put(this.organization.owner(), "17", projectBody("ws_0123456789abcdef0123456789abcdef", "Cats", null)),
				404, "workspace_not_found");
	}

	@Test
	void a_project_id_outside_the_allowed_characters_is_400() {
		assertProblem(put(this.organization.owner(), "a%20b", projectBody(this.managed, "Cats", null)), 400,
				"invalid_project_id");
		assertProblem(put(this.organization.owner(), "x".repeat(65), projectBody(this.managed, "Cats", null)), 400,
				"invalid_project_id");
	}

	@Test
	void a_project_without_a_title_is_400() {
		assertThat(put(this.organization.owner(), "17", "{\"workspace_id\":\"" + this.managed + "\"}").status())
			.isEqualTo(400);
		assertThat(put(this.organization.owner(), "17", projectBody(this.managed, " ", null)).status()).isEqualTo(400);
	}

	@Test
	void a_stranger_is_told_the_organization_does_not_exist() {
		assertProblem(put(ApiClient.as(this.port, TestOrganization.newUserId()), "17",
				projectBody(this.managed, "Cats", null)), 404, "organization_not_found");
	}

	@Test
	void delete_removes_the_project_and_its_member_commands_are_then_404() {
		register("17", this.managed);

		this.organization.recorded(this.manager.client().delete(project("17")));

		assertProblem(
				this.organization.owner().post(project("17") + "/members", "{\"user_id\":" + this.anna.userId() + "}"),
				404, "project_not_found");
		assertProblem(put(this.organization.owner(), "17", projectBody(this.managed, "Again", null)), 409,
				"project_removed");
	}

	@Test
	void deleting_an_unknown_project_is_404() {
		assertProblem(this.organization.owner().delete(project("404")), 404, "project_not_found");
	}

	@Test
	void a_manager_may_not_delete_a_project_outside_their_workspaces() {
		register("17", this.other);

		assertProblem(this.manager.client().delete(project("17")), 403, "action_not_permitted");
	}

	@Test
	void an_annotator_is_added_with_a_reviewer_project_role() {
		register("17", this.other);

		Answer answer = this.organization.recorded(this.organization.owner()
			.post(project("17") + "/members", "{\"user_id\":" + this.anna.userId() + ",\"role\":\"RE\"}"));

		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.json().path("project_id").asString()).isEqualTo("17");
		assertThat(answer.json().path("user_id").asLong()).isEqualTo(this.anna.userId());
		assertThat(answer.json().path("role").asString()).isEqualTo("RE");
	}

	@Test
	void a_member_added_without_a_role_inherits() {
		register("17", this.other);

		Answer answer = this.organization.recorded(this.organization.owner()
			.post(project("17") + "/members", "{\"user_id\":" + this.rita.userId() + ",\"role\":null}"));

		assertThat(answer.json().path("role").isNull()).as(answer.toString()).isTrue();
	}

	@Test
	void adding_a_member_again_answers_200_with_the_same_version() {
		register("17", this.managed);
		this.organization.recorded(
				this.manager.client().post(project("17") + "/members", "{\"user_id\":" + this.anna.userId() + "}"));

		Answer again = this.manager.client()
			.post(project("17") + "/members", "{\"user_id\":" + this.anna.userId() + "}");

		assertThat(again.status()).as(again.toString()).isEqualTo(200);
		assertThat(again.json().path("version").asLong()).isEqualTo(this.organization.version());
	}

	@Test
	void a_project_role_for_a_manager_is_409() {
		register("17", this.other);

		assertProblem(
				this.organization.owner()
					.post(project("17") + "/members", "{\"user_id\":" + this.manager.userId() + ",\"role\":\"AN\"}"),
				409, "project_role_not_applicable");
	}

	@Test
	void a_project_role_other_than_annotator_or_reviewer_is_400() {
		register("17", this.other);

		assertProblem(
				this.organization.owner()
					.post(project("17") + "/members", "{\"user_id\":" + this.anna.userId() + ",\"role\":\"MA\"}"),
				400, "invalid_project_role");
	}

	@Test
	void a_deactivated_member_is_not_added_409() {
		register("17", this.other);
		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/memberships/" + this.anna.userId() + "/deactivate", null));

		assertProblem(
				this.organization.owner().post(project("17") + "/members", "{\"user_id\":" + this.anna.userId() + "}"),
				409, "member_not_active");
	}

	@Test
	void a_manager_adds_members_only_to_projects_they_have_access_to() {
		register("17", this.other);

		assertProblem(
				this.manager.client().post(project("17") + "/members", "{\"user_id\":" + this.anna.userId() + "}"), 403,
				"action_not_permitted");
	}

	@Test
	void an_unknown_project_is_404_to_member_commands() {
		assertProblem(
				this.organization.owner()
					.post(project("missing") + "/members", "{\"user_id\":" + this.anna.userId() + "}"),
				404, "project_not_found");
	}

	@Test
	void patch_changes_the_project_role_and_back_to_inherit() {
		register("17", this.managed);
		this.organization.recorded(
				this.manager.client().post(project("17") + "/members", "{\"user_id\":" + this.anna.userId() + "}"));

		Answer reviewer = this.organization.recorded(this.manager.client()
			.patch(project("17") + "/members/" + this.anna.userId(), "{\"role\":\"RE\",\"reason\":\"trained\"}"));
		Answer inherit = this.organization
			.recorded(this.manager.client().patch(project("17") + "/members/" + this.anna.userId(), "{\"role\":null}"));

		assertThat(reviewer.json().path("role").asString()).isEqualTo("RE");
		assertThat(inherit.json().path("role").isNull()).as(inherit.toString()).isTrue();
	}

	@Test
	void patch_without_a_role_is_400() {
		register("17", this.managed);
		this.organization.recorded(
				this.organization.owner().post(project("17") + "/members", "{\"user_id\":" + this.anna.userId() + "}"));

		assertThat(this.organization.owner().patch(project("17") + "/members/" + this.anna.userId(), "{}").status())
			.isEqualTo(400);
	}

	@Test
	void patch_of_someone_not_in_the_project_is_404() {
		register("17", this.managed);

		assertProblem(
				this.organization.owner().patch(project("17") + "/members/" + this.anna.userId(), "{\"role\":\"RE\"}"),
				404, "project_member_not_found");
	}

	@Test
	void delete_removes_a_member_from_the_project() {
		register("17", this.managed);
		this.organization.recorded(
				this.organization.owner().post(project("17") + "/members", "{\"user_id\":" + this.anna.userId() + "}"));

		Answer removed = this.organization
			.recorded(this.manager.client().delete(project("17") + "/members/" + this.anna.userId()));

		assertThat(removed.status()).isEqualTo(200);
		assertThat(removed.json().path("member").asBoolean(true)).isFalse();
	}

	@Test
	void a_reviewer_may_not_remove_members_even_from_their_own_project() {
		register("17", this.managed);
		this.organization.recorded(
				this.organization.owner().post(project("17") + "/members", "{\"user_id\":" + this.rita.userId() + "}"));
		this.organization.recorded(
				this.organization.owner().post(project("17") + "/members", "{\"user_id\":" + this.anna.userId() + "}"));

		assertProblem(this.rita.client().delete(project("17") + "/members/" + this.anna.userId()), 403,
				"action_not_permitted");
	}

	@Test
	void if_match_applies_to_project_commands() {
		assertProblem(this.organization.owner()
			.withHeader("If-Match", "\"" + (this.organization.version() - 1) + "\"")
			.send("PUT", project("17"), projectBody(this.managed, "Cats", null)), 412, "version_mismatch");
	}

}
