package io.membership.infra.projects;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * Checks that name a project over HTTP: the single check and a member's permissions with
 * {@code project_id}, now and {@code as_of}, decided by API.md's effective access.
 *
 * <p>
 * One organization for the class: a Manager assigned to {@code ws}; project {@code p1} in
 * {@code ws} (Annotators may not view their own data), whose members are Anna (Annotator
 * with a Reviewer project role) and Reviewer Rita (Inherit); project {@code p2} in
 * {@code other} (Annotators may view their own data), whose member is Annotator Ben
 * (Inherit); project {@code gone}, removed.
 */
@PostgresServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectChecksTest {

	@LocalServerPort
	int port;

	private TestOrganization organization;

	private Member manager;

	private Member anna;

	private Member ben;

	private Member rita;

	/** Before Anna joined p1, and before p2 was registered. */
	private Instant beforeProjects;

	@BeforeAll
	void an_organization_with_projects() throws InterruptedException {
		this.organization = TestOrganization.create(this.port);
		this.manager = this.organization.join("MA");
		this.anna = this.organization.join("AN");
		this.ben = this.organization.join("AN");
		this.rita = this.organization.join("RE");
		String ws = this.organization.createWorkspace("Assigned");
		String other = this.organization.createWorkspace("Other");
		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/workspaces/" + ws + "/memberships",
					"{\"user_id\":" + this.manager.userId() + "}"));
		register("p1", ws, false);
		Thread.sleep(20);
		this.beforeProjects = Instant.now();
		Thread.sleep(20);
		register("p2", other, true);
		register("gone", ws, true);
		addMember("p1", this.anna, "\"RE\"");
		addMember("p1", this.rita, "null");
		addMember("p2", this.ben, "null");
		addMember("gone", this.ben, "null");
		this.organization
			.recorded(this.organization.owner().send("DELETE", this.organization.path() + "/projects/gone", null));
	}

	private void register(String project, String workspace, boolean annotatorsViewOwnData) {
		this.organization.recorded(this.organization.owner()
			.send("PUT", this.organization.path() + "/projects/" + project,
					"{\"workspace_id\":\"" + workspace + "\",\"title\":\"Project " + project
							+ "\",\"annotators_view_own_data\":" + annotatorsViewOwnData + "}"));
	}

	private void addMember(String project, Member member, String role) {
		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/projects/" + project + "/members",
					"{\"user_id\":" + member.userId() + ",\"role\":" + role + "}"));
	}

	private Answer check(Member member, String action, String project) {
		return check(member.userId(), action, project, null);
	}

	private Answer check(long userId, String action, String project, Instant asOf) {
		return this.organization.owner()
			.get(this.organization.path() + "/permissions/check?user_id=" + userId + "&action=" + action
					+ ((project != null) ? "&project_id=" + project : "") + ((asOf != null) ? "&as_of=" + asOf : "")
					+ "&min_version=" + this.organization.version());
	}

	private static void assertDecision(Answer answer, boolean allowed, String role, String scope, String reason) {
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		JsonNode body = answer.json();
		assertThat(body.path("allowed").asBoolean()).as(answer.toString()).isEqualTo(allowed);
		assertThat(body.path("role").asString()).as(answer.toString()).isEqualTo(role);
		assertThat(body.path("scope").isNull() ? null : body.path("scope").asString()).as(answer.toString())
			.isEqualTo(scope);
		assertThat(body.path("reason").asString()).as(answer.toString()).isEqualTo(reason);
	}

	@Test
	void an_annotator_with_a_reviewer_project_role_reviews_in_that_project_as_a_reviewer() {
		assertDecision(check(this.anna, "access_review_workflow", "p1"), true, "RE", "project", "granted_by_role");
		assertDecision(check(this.anna, "access_review_workflow", null), false, "AN", null, "not_granted_to_role");
	}

	@Test
	void an_annotator_reaches_no_project_they_are_not_a_member_of() {
		assertDecision(check(this.anna, "project_read", "p2"), false, "AN", null, "no_project_access");
	}

	@Test
	void a_manager_reaches_the_projects_of_their_workspaces_only() {
		assertDecision(check(this.manager, "project_manage", "p1"), true, "MA", "workspace", "granted_by_role");
		assertDecision(check(this.manager, "export_data", "p2"), false, "MA", null, "no_project_access");
	}

	@Test
	void an_annotator_views_own_data_only_where_the_project_permits_it() {
		assertDecision(check(this.ben, "view_project_data", "p2"), true, "AN", "own", "granted_by_role");
		addMember("p1", this.ben, "null");
		assertDecision(check(this.ben, "view_project_data", "p1"), false, "AN", null, "not_permitted_by_project");
		assertDecision(check(this.ben, "view_project_data", null), true, "AN", "conditional", "granted_by_role");
	}

	@Test
	void an_unknown_or_removed_project_is_unknown_project() {
		assertDecision(check(this.organization.ownerId(), "project_read", "nope", null), false, "OW", null,
				"unknown_project");
		assertDecision(check(this.ben, "project_read", "gone"), false, "AN", null, "unknown_project");
	}

	@Test
	void actions_not_about_a_project_ignore_it() {
		assertDecision(check(this.anna, "api_access", "nope"), true, "AN", "organization", "granted_by_role");
	}

	@Test
	void a_project_id_outside_the_allowed_characters_is_400() {
		assertProblem(check(this.anna, "project_read", "a%20b"), 400, "invalid_project_id");
	}

	@Test
	void as_of_a_moment_before_the_project_existed_it_was_unknown() {
		assertDecision(check(this.ben.userId(), "project_read", "p2", this.beforeProjects), false, "AN", null,
				"unknown_project");
		assertDecision(check(this.anna.userId(), "access_review_workflow", "p1", this.beforeProjects), false, "AN",
				null, "no_project_access");
		assertDecision(check(this.anna.userId(), "access_review_workflow", "p1", Instant.now()), true, "RE", "project",
				"granted_by_role");
	}

	private List<String> permissions(Member member, String project, Instant asOf) {
		Answer answer = this.organization.owner()
			.get(this.organization.path() + "/memberships/" + member.userId() + "/permissions?min_version="
					+ this.organization.version() + ((project != null) ? "&project_id=" + project : "")
					+ ((asOf != null) ? "&as_of=" + asOf : ""));
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		List<String> grants = new ArrayList<>();
		answer.json()
			.path("permissions")
			.forEach((grant) -> grants.add(grant.path("action").asString() + ":" + grant.path("scope").asString()));
		return grants;
	}

	@Test
	void a_member_s_permissions_in_a_project_are_those_of_the_role_they_act_as_there() {
		assertThat(permissions(this.anna, "p1", null))
			.contains("access_review_workflow:project", "view_project_data:project", "project_read:project",
					"api_access:organization")
			.doesNotContain("view_annotator_dashboard:project");
		assertThat(permissions(this.anna, null, null)).contains("view_project_data:conditional")
			.doesNotContain("access_review_workflow:organization");
		assertThat(permissions(this.anna, "p2", null)).contains("api_access:organization")
			.noneMatch((grant) -> grant.startsWith("project_read"));
		assertThat(permissions(this.anna, "p1", this.beforeProjects))
			.noneMatch((grant) -> grant.startsWith("project_read"));
	}

}
