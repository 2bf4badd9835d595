package io.membership.infra.queries;

import static io.membership.infra.queries.Reads.ok;
import static io.membership.infra.queries.Reads.read;
import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.WorkspaceId;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * Who may read what, as API.md says: the member list for MA, AD, OW; one member for them
 * and the member; a role history for AD, OW and the member; the activity log for AD and
 * OW; workspaces for every member. A non-member learns nothing, not even that the
 * organization exists; a member whose role does not allow the query gets 403.
 */
@PostgresServiceTest
class QueryAccessTest {

	@LocalServerPort
	int port;

	private TestOrganization organization;

	private Member admin;

	private Member manager;

	private Member rita;

	private Member anna;

	private String workspace;

	@BeforeEach
	void oneMemberOfEachRole() {
		this.organization = TestOrganization.create(this.port);
		this.admin = this.organization.join("AD");
		this.manager = this.organization.join("MA");
		this.rita = this.organization.join("RE");
		this.anna = this.organization.join("AN");
		this.workspace = this.organization.createWorkspace("Images");
	}

	private List<String> everyQuery() {
		return List.of("/memberships", "/memberships/" + this.anna.userId(),
				"/memberships/" + this.anna.userId() + "/role-history", "/activity-log", "/workspaces",
				"/workspaces/" + this.workspace + "/memberships");
	}

	private void assertForbidden(Member member, String query) {
		assertProblem(read(this.organization, member.client(), query), 403, "action_not_permitted");
	}

	@Test
	void a_check_in_a_workspace_the_organization_does_not_have_is_not_found() {
		assertProblem(read(this.organization, this.admin.client(), "/permissions/check?user_id=" + this.anna.userId()
				+ "&action=workspace_read&workspace_id=" + WorkspaceId.generate()), 404, "workspace_not_found");
		assertProblem(
				read(this.organization, this.admin.client(),
						"/permissions/subjects?action=workspace_read&workspace_id=" + WorkspaceId.generate()),
				404, "workspace_not_found");
	}

	@Test
	void a_check_in_an_existing_workspace_the_member_is_not_in_is_answered() {
		Answer answer = read(this.organization, this.admin.client(), "/permissions/check?user_id=" + this.anna.userId()
				+ "&action=workspace_read&workspace_id=" + this.workspace);

		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.json().get("allowed").asBoolean()).isFalse();
		assertThat(answer.json().get("reason").asString()).isEqualTo("workspace_not_assigned");
	}

	@Test
	void a_reviewer_cannot_list_the_members() {
		assertForbidden(this.rita, "/memberships");
	}

	@Test
	void an_annotator_cannot_list_the_members() {
		assertForbidden(this.anna, "/memberships");
	}

	@Test
	void a_manager_an_administrator_and_the_owner_list_the_members() {
		for (ApiClient client : List.of(this.manager.client(), this.admin.client(), this.organization.owner())) {
			assertThat(ok(this.organization, client, "/memberships").path("count").asLong()).isEqualTo(5);
		}
	}

	@Test
	void a_non_member_gets_from_every_query_the_same_not_found_as_for_an_unknown_organization() {
		ApiClient outsider = TestOrganization.create(this.port).owner();
		String unknown = "/api/organizations/" + OrganizationId.generate().value();

		for (String query : everyQuery()) {
			Answer probe = outsider.get(this.organization.path() + query);
			Answer missing = outsider.get(unknown + query);
			JsonNode probed = assertProblem(probe, 404, "organization_not_found");
			JsonNode absent = assertProblem(missing, 404, "organization_not_found");
			assertThat(probed.path("detail").asString()).as(query).isEqualTo(absent.path("detail").asString());
			assertThat(probe.header("ETag")).as(query).isNull();
		}
	}

	/**
	 * Waiting for a version must not tell a non-member what an organization's version is,
	 * nor that it exists: a 503 would, where an unknown organization also times out.
	 */
	@Test
	void a_non_member_asking_for_a_version_not_reached_gets_the_same_not_found_as_for_an_unknown_organization() {
		ApiClient outsider = TestOrganization.create(this.port).owner();
		String unknown = "/api/organizations/" + OrganizationId.generate().value();
		String query = "/memberships?min_version=" + (this.organization.version() + 1000);

		CompletableFuture<Answer> probe = CompletableFuture
			.supplyAsync(() -> outsider.get(this.organization.path() + query));
		CompletableFuture<Answer> missing = CompletableFuture.supplyAsync(() -> outsider.get(unknown + query));

		JsonNode probed = assertProblem(probe.join(), 404, "organization_not_found");
		JsonNode absent = assertProblem(missing.join(), 404, "organization_not_found");
		assertThat(probed.path("detail").asString()).isEqualTo(absent.path("detail").asString());
		assertThat(probe.join().header("Retry-After")).isNull();
	}

	@Test
	void a_request_without_a_token_is_unauthorized_on_every_query() {
		ApiClient anonymous = ApiClient.anonymous(this.port);

		for (String query : everyQuery()) {
			assertProblem(anonymous.get(this.organization.path() + query), 401, "unauthorized");
		}
	}

	@Test
	void a_reviewer_cannot_read_another_member() {
		assertForbidden(this.rita, "/memberships/" + this.anna.userId());
	}

	@Test
	void an_annotator_reads_themself() {
		assertThat(
				ok(this.organization, this.anna.client(), "/memberships/" + this.anna.userId()).path("role").asString())
			.isEqualTo("AN");
	}

	@Test
	void a_manager_reads_another_member() {
		assertThat(ok(this.organization, this.manager.client(), "/memberships/" + this.anna.userId()).path("user_id")
			.asLong()).isEqualTo(this.anna.userId());
	}

	@Test
	void a_manager_cannot_read_another_members_role_history() {
		assertForbidden(this.manager, "/memberships/" + this.anna.userId() + "/role-history");
	}

	@Test
	void a_reviewer_cannot_read_another_members_role_history() {
		assertForbidden(this.rita, "/memberships/" + this.anna.userId() + "/role-history");
	}

	@Test
	void an_administrator_reads_the_owners_role_history() {
		assertThat(ok(this.organization, this.admin.client(),
				"/memberships/" + this.organization.ownerId() + "/role-history")
			.path("history")
			.size()).isEqualTo(1);
	}

	@Test
	void a_manager_cannot_read_the_activity_log() {
		assertForbidden(this.manager, "/activity-log");
	}

	@Test
	void an_annotator_cannot_read_the_activity_log() {
		assertForbidden(this.anna, "/activity-log");
	}

	@Test
	void an_administrator_and_the_owner_read_the_activity_log() {
		for (ApiClient client : List.of(this.admin.client(), this.organization.owner())) {
			assertThat(ok(this.organization, client, "/activity-log").path("entries").size())
				.isEqualTo((int) this.organization.version());
		}
	}

	@Test
	void every_member_may_list_the_workspaces() {
		for (Member member : List.of(this.admin, this.manager, this.rita, this.anna)) {
			assertThat(ok(this.organization, member.client(), "/workspaces").path("workspaces").isArray()).isTrue();
		}
	}

	@Test
	void a_query_for_a_version_the_view_does_not_reach_answers_503_with_retry_after() {
		Answer answer = this.admin.client()
			.get(this.organization.path() + "/memberships?min_version=" + (this.organization.version() + 1000));

		assertProblem(answer, 503, "version_not_reached");
		assertThat(answer.header("Retry-After")).isEqualTo("1");
	}

	@Test
	void a_min_version_that_is_not_a_number_is_refused() {
		assertProblem(this.admin.client().get(this.organization.path() + "/activity-log?min_version=latest"), 400,
				"invalid_min_version");
	}

}
