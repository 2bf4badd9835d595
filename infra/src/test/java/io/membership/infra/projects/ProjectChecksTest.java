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

	private Answer batch(Member caller, String checks) {
		return caller.client()
			.post(this.organization.path() + "/permissions/check-batch?min_version=" + this.organization.version(),
					"{\"checks\":[" + checks + "]}");
	}

	private Answer batch(String checks) {
		return this.organization.owner()
			.post(this.organization.path() + "/permissions/check-batch?min_version=" + this.organization.version(),
					"{\"checks\":[" + checks + "]}");
	}

	private static String item(String correlationId, long userId, String action, String workspace, String project) {
		return "{\"correlation_id\":\"" + correlationId + "\",\"user_id\":" + userId + ",\"action\":\"" + action + "\""
				+ ((workspace != null) ? ",\"workspace_id\":\"" + workspace + "\"" : "")
				+ ((project != null) ? ",\"project_id\":\"" + project + "\"" : "") + "}";
	}

	@Test
	void a_batch_answers_in_request_order_exactly_what_each_single_check_answers() {
		List<Long> users = List.of(this.organization.ownerId(), this.manager.userId(), this.anna.userId(),
				this.ben.userId(), this.rita.userId());
		List<String> actions = List.of("project_read", "project_manage", "view_project_data", "access_review_workflow",
				"view_annotator_dashboard", "api_access", "invite_users", "workspace_manage");
		List<String> projects = new ArrayList<>(List.of("p1", "p2", "gone", "nope"));
		projects.add(null);
		List<String> items = new ArrayList<>();
		List<Answer> singles = new ArrayList<>();
		int number = 0;
		for (long user : users) {
			for (String action : actions) {
				String project = projects.get(number % projects.size());
				items.add(item("c" + number, user, action, null, project));
				singles.add(check(user, action, project, null));
				number++;
			}
		}

		Answer answer = batch(String.join(",", items));

		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		JsonNode results = answer.json().path("results");
		assertThat(results.size()).isEqualTo(items.size());
		long version = answer.json().path("version").asLong();
		assertThat(answer.header("ETag")).isEqualTo("\"" + version + "\"");
		for (int index = 0; index < items.size(); index++) {
			JsonNode result = results.get(index);
			JsonNode single = singles.get(index).json();
			assertThat(result.path("correlation_id").asString()).isEqualTo("c" + index);
			for (String field : List.of("allowed", "role", "scope", "reason")) {
				assertThat(result.path(field)).as(items.get(index) + ": " + field).isEqualTo(single.path(field));
			}
			assertThat(single.path("version").asLong()).isEqualTo(version);
		}
	}

	@Test
	void a_member_batches_checks_about_themself_and_no_one_else() {
		Answer own = batch(this.anna, item("a", this.anna.userId(), "access_review_workflow", null, "p1"));
		assertThat(own.status()).as(own.toString()).isEqualTo(200);
		assertThat(own.json().path("results").get(0).path("allowed").asBoolean()).isTrue();

		assertProblem(
				batch(this.anna,
						item("a", this.anna.userId(), "project_read", null, "p1") + ","
								+ item("b", this.rita.userId(), "project_read", null, "p1")),
				403, "action_not_permitted");
	}

	@Test
	void a_user_who_is_not_a_member_is_not_allowed_in_a_batch() {
		Answer answer = batch(item("x", 987_654_321L, "project_read", null, "p1"));

		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		assertThat(answer.json().path("results").get(0).path("reason").asString()).isEqualTo("not_a_member");
		assertThat(answer.json().path("results").get(0).path("allowed").asBoolean()).isFalse();
	}

	@Test
	void a_batch_holds_1_to_100_checks() {
		assertProblem(batch(""), 400, "invalid_checks");
		String one = item("c", this.anna.userId(), "project_read", null, "p1");
		assertProblem(batch(String.join(",", java.util.Collections.nCopies(101, one))), 400, "invalid_checks");
		assertThat(batch(String.join(",", java.util.Collections.nCopies(100, one))).status()).isEqualTo(200);
	}

	@Test
	void every_item_of_a_batch_is_held_to_the_single_check_s_input_rules() {
		assertProblem(batch(item("c", this.anna.userId(), "fly", null, null)), 400, "unknown_action");
		assertProblem(batch(item("c", this.anna.userId(), "project_read", null, "a b")), 400, "invalid_project_id");
		assertProblem(batch(item("c", this.anna.userId(), "project_read", "not-ours", null)), 400,
				"invalid_workspace_id");
		assertProblem(batch(item("c", this.anna.userId(), "project_read", "ws_0123456789abcdef0123456789abcdef", null)),
				404, "workspace_not_found");
		assertProblem(batch(item("", this.anna.userId(), "project_read", null, null)), 400, "invalid_correlation_id");
		assertProblem(batch("{\"user_id\":" + this.anna.userId() + ",\"action\":\"project_read\"}"), 400,
				"invalid_correlation_id");
		assertProblem(batch("{\"correlation_id\":\"c\",\"user_id\":0,\"action\":\"project_read\"}"), 400,
				"invalid_user_id");
		assertThat(batch("{\"correlation_id\":\"c\",\"user_id\":1,\"action\":\"project_read\",\"extra\":1}").status())
			.isEqualTo(400);
	}

}
