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

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * The project queries over HTTP (API.md, "Projects and project roles"): the projects a
 * member may read, one project, everyone with access to a project with the path that
 * gives it, and the projects where a member may do an action; now and {@code as_of}.
 *
 * <p>
 * One organization for the class: Manager Mia assigned to {@code ws}; project {@code p1}
 * in {@code ws}, whose members are Annotator Anna with a Reviewer project role and
 * Reviewer Rita (Inherit); project {@code p2} in {@code other}, whose members are
 * Annotator Ben (Inherit) and Manager Max, who is not assigned to {@code other} (an
 * invited project); project {@code gone} in {@code ws}, removed; Dora, an Annotator in
 * {@code p1} who was then deactivated.
 */
@PostgresServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectQueriesTest {

	@LocalServerPort
	int port;

	private TestOrganization organization;

	private Member mia;

	private Member max;

	private Member anna;

	private Member ben;

	private Member rita;

	private Member dora;

	private String ws;

	private String other;

	/** After p1 was registered and before anyone joined it or p2 was registered. */
	private Instant onlyP1;

	@BeforeAll
	void an_organization_with_projects() throws InterruptedException {
		this.organization = TestOrganization.create(this.port);
		this.mia = this.organization.join("MA");
		this.max = this.organization.join("MA");
		this.anna = this.organization.join("AN");
		this.ben = this.organization.join("AN");
		this.rita = this.organization.join("RE");
		this.dora = this.organization.join("AN");
		this.ws = this.organization.createWorkspace("Assigned");
		this.other = this.organization.createWorkspace("Other");
		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/workspaces/" + this.ws + "/memberships",
					"{\"user_id\":" + this.mia.userId() + "}"));
		register("p1", this.ws, "Labeling cats", false);
		Thread.sleep(20);
		this.onlyP1 = Instant.now();
		Thread.sleep(20);
		register("p2", this.other, "Reviewing dogs", true);
		register("gone", this.ws, "Removed", false);
		addMember("p1", this.anna, "\"RE\"");
		addMember("p1", this.rita, "null");
		addMember("p1", this.dora, "null");
		addMember("p2", this.ben, "null");
		addMember("p2", this.max, "null");
		addMember("gone", this.ben, "null");
		this.organization
			.recorded(this.organization.owner().send("DELETE", this.organization.path() + "/projects/gone", null));
		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/memberships/" + this.dora.userId() + "/deactivate", "{}"));
	}

	private void register(String project, String workspace, String title, boolean annotatorsViewOwnData) {
		this.organization.recorded(this.organization.owner()
			.send("PUT", this.organization.path() + "/projects/" + project, "{\"workspace_id\":\"" + workspace
					+ "\",\"title\":\"" + title + "\",\"annotators_view_own_data\":" + annotatorsViewOwnData + "}"));
	}

	private void addMember(String project, Member member, String role) {
		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/projects/" + project + "/members",
					"{\"user_id\":" + member.userId() + ",\"role\":" + role + "}"));
	}

	private Answer get(ApiClient client, String query) {
		String separator = query.contains("?") ? "&" : "?";
		return client.get(this.organization.path() + query + separator + "min_version=" + this.organization.version());
	}

	private static List<String> projectIds(JsonNode projects) {
		List<String> ids = new ArrayList<>();
		projects.forEach((project) -> ids.add(project.path("project_id").asString()));
		return ids;
	}

	private static JsonNode entryFor(JsonNode members, long userId) {
		for (JsonNode member : members) {
			if (member.path("user_id").asLong() == userId) {
				return member;
			}
		}
		return null;
	}

	@Test
	void the_owner_lists_every_project_not_removed_with_its_settings_and_member_count() {
		Answer answer = get(this.organization.owner(), "/projects");
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		JsonNode body = answer.json();
		assertThat(projectIds(body.path("results"))).containsExactly("p1", "p2");
		assertThat(body.path("count").asLong()).isEqualTo(2);
		assertThat(body.path("version").asLong()).isEqualTo(this.organization.version());
		assertThat(answer.header("ETag")).isEqualTo("\"" + this.organization.version() + "\"");
		JsonNode p2 = body.path("results").get(1);
		assertThat(p2.path("workspace_id").asString()).isEqualTo(this.other);
		assertThat(p2.path("title").asString()).isEqualTo("Reviewing dogs");
		assertThat(p2.path("annotators_view_own_data").asBoolean()).isTrue();
		assertThat(p2.path("member_count").asLong()).isEqualTo(2);
		assertThat(Instant.parse(p2.path("registered_at").asString())).isAfter(this.onlyP1);
		assertThat(body.path("results").get(0).path("member_count").asLong())
			.as("Dora, deactivated, is still a member of p1")
			.isEqualTo(3);
	}

	@Test
	void an_annotator_lists_only_the_projects_they_are_a_member_of() {
		assertThat(projectIds(get(this.anna.client(), "/projects").json().path("results"))).containsExactly("p1");
		assertThat(projectIds(get(this.ben.client(), "/projects").json().path("results"))).containsExactly("p2");
	}

	@Test
	void a_manager_lists_the_projects_of_their_workspaces_and_their_invited_projects() {
		assertThat(projectIds(get(this.mia.client(), "/projects").json().path("results"))).containsExactly("p1");
		assertThat(projectIds(get(this.max.client(), "/projects").json().path("results"))).containsExactly("p2");
	}

	@Test
	void a_deactivated_member_may_not_read_projects() {
		assertProblem(get(this.dora.client(), "/projects"), 403, "action_not_permitted");
		assertProblem(get(this.dora.client(), "/projects/p1"), 403, "action_not_permitted");
	}

	@Test
	void the_list_filters_by_workspace_and_pages_like_label_studio() {
		JsonNode filtered = get(this.organization.owner(), "/projects?workspace_id=" + this.ws).json();
		assertThat(projectIds(filtered.path("results"))).containsExactly("p1");
		JsonNode first = get(this.organization.owner(), "/projects?page_size=1").json();
		assertThat(projectIds(first.path("results"))).containsExactly("p1");
		assertThat(first.path("count").asLong()).isEqualTo(2);
		assertThat(first.path("next").asString()).contains("page=2").contains("page_size=1");
		assertThat(first.path("previous").isNull()).isTrue();
		JsonNode second = get(this.organization.owner(), "/projects?page_size=1&page=2").json();
		assertThat(projectIds(second.path("results"))).containsExactly("p2");
		assertThat(second.path("next").isNull()).isTrue();
		assertProblem(get(this.organization.owner(), "/projects?workspace_id=ws_00000000000000000000000000000000"), 404,
				"workspace_not_found");
		assertProblem(get(this.organization.owner(), "/projects?page_size=0"), 400, "invalid_page_size");
	}

	@Test
	void one_project_reads_as_the_list_shows_it_and_an_unreadable_one_as_unknown() {
		Answer p1 = get(this.anna.client(), "/projects/p1");
		assertThat(p1.status()).as(p1.toString()).isEqualTo(200);
		assertThat(p1.json().path("project_id").asString()).isEqualTo("p1");
		assertThat(p1.json().path("title").asString()).isEqualTo("Labeling cats");
		assertThat(p1.json().path("workspace_id").asString()).isEqualTo(this.ws);
		assertThat(p1.json().path("member_count").asLong()).isEqualTo(3);
		assertThat(p1.json().path("version").asLong()).isEqualTo(this.organization.version());
		assertProblem(get(this.anna.client(), "/projects/p2"), 404, "project_not_found");
		assertProblem(get(this.organization.owner(), "/projects/gone"), 404, "project_not_found");
		assertProblem(get(this.organization.owner(), "/projects/never"), 404, "project_not_found");
		assertProblem(get(this.organization.owner(), "/projects/bad%20id"), 400, "invalid_project_id");
	}

	@Test
	void a_projects_members_are_everyone_with_access_and_the_path_that_gives_it() {
		Answer answer = get(this.organization.owner(), "/projects/p1/members");
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		JsonNode members = answer.json().path("members");
		assertThat(answer.json().path("project_id").asString()).isEqualTo("p1");
		assertEntry(members, this.organization.ownerId(), "OW", null, "OW", "organization");
		assertEntry(members, this.mia.userId(), "MA", null, "MA", "workspace");
		assertEntry(members, this.anna.userId(), "AN", "RE", "RE", "membership");
		assertEntry(members, this.rita.userId(), "RE", null, "RE", "membership");
		assertThat(entryFor(members, this.dora.userId())).as("deactivated: a membership that confers nothing").isNull();
		assertThat(entryFor(members, this.max.userId())).as("a Manager of another workspace").isNull();
		assertThat(entryFor(members, this.ben.userId())).as("a member of another project").isNull();
		assertThat(members).hasSize(4);
		JsonNode p2 = get(this.organization.owner(), "/projects/p2/members").json().path("members");
		assertEntry(p2, this.max.userId(), "MA", null, "MA", "membership");
	}

	private static void assertEntry(JsonNode members, long userId, String role, String projectRole,
			String effectiveRole, String via) {
		JsonNode entry = entryFor(members, userId);
		assertThat(entry).as("user " + userId + " in " + members).isNotNull();
		assertThat(entry.path("role").asString()).isEqualTo(role);
		assertThat(entry.path("project_role").isNull() ? null : entry.path("project_role").asString())
			.isEqualTo(projectRole);
		assertThat(entry.path("effective_role").asString()).isEqualTo(effectiveRole);
		assertThat(entry.path("via").asString()).isEqualTo(via);
	}

	@Test
	void a_projects_members_are_read_by_those_who_may_manage_it() {
		assertThat(get(this.mia.client(), "/projects/p1/members").status()).isEqualTo(200);
		assertThat(get(this.max.client(), "/projects/p2/members").status()).isEqualTo(200);
		assertProblem(get(this.mia.client(), "/projects/p2/members"), 404, "project_not_found");
		assertProblem(get(this.anna.client(), "/projects/p1/members"), 403, "action_not_permitted");
		assertProblem(get(this.rita.client(), "/projects/p1/members"), 403, "action_not_permitted");
	}

	@Test
	void a_members_projects_are_those_where_they_may_do_the_action_with_the_role_they_act_as() {
		Answer review = get(this.organization.owner(),
				"/memberships/" + this.anna.userId() + "/projects?action=access_review_workflow");
		assertThat(review.status()).as(review.toString()).isEqualTo(200);
		JsonNode projects = review.json().path("projects");
		assertThat(projectIds(projects)).containsExactly("p1");
		assertThat(projects.get(0).path("effective_role").asString()).isEqualTo("RE");
		assertThat(projects.get(0).path("scope").asString()).isEqualTo("project");
		assertThat(review.json().path("action").asString()).isEqualTo("access_review_workflow");
		JsonNode ben = get(this.ben.client(), "/memberships/" + this.ben.userId() + "/projects").json();
		assertThat(ben.path("action").asString()).as("the default action").isEqualTo("project_read");
		assertThat(projectIds(ben.path("projects"))).containsExactly("p2");
		JsonNode own = get(this.ben.client(),
				"/memberships/" + this.ben.userId() + "/projects?action=view_project_data")
			.json()
			.path("projects");
		assertThat(projectIds(own)).containsExactly("p2");
		assertThat(own.get(0).path("scope").asString()).isEqualTo("own");
		JsonNode owner = get(this.organization.owner(),
				"/memberships/" + this.organization.ownerId() + "/projects?action=export_data")
			.json()
			.path("projects");
		assertThat(projectIds(owner)).containsExactly("p1", "p2");
		assertThat(owner.get(0).path("scope").asString()).isEqualTo("organization");
		assertThat(projectIds(get(this.organization.owner(), "/memberships/" + this.dora.userId() + "/projects").json()
			.path("projects"))).isEmpty();
	}

	@Test
	void a_members_projects_are_read_by_the_member_and_those_who_assign_roles() {
		assertProblem(get(this.ben.client(), "/memberships/" + this.anna.userId() + "/projects"), 403,
				"action_not_permitted");
		assertProblem(get(this.mia.client(), "/memberships/" + this.anna.userId() + "/projects"), 403,
				"action_not_permitted");
		assertProblem(get(this.organization.owner(), "/memberships/" + TestOrganization.newUserId() + "/projects"), 404,
				"member_not_found");
		assertProblem(
				get(this.organization.owner(), "/memberships/" + this.anna.userId() + "/projects?action=invite_users"),
				400, "action_not_about_projects");
		assertProblem(get(this.organization.owner(), "/memberships/" + this.anna.userId() + "/projects?action=fly"),
				400, "unknown_action");
	}

	@Test
	void asked_as_of_an_instant_every_project_query_answers_as_things_stood_then() {
		JsonNode list = get(this.organization.owner(), "/projects?as_of=" + this.onlyP1).json();
		assertThat(projectIds(list.path("results"))).containsExactly("p1");
		assertThat(list.path("results").get(0).path("member_count").asLong()).isZero();
		assertThat(list.path("version").asLong()).isLessThan(this.organization.version());
		JsonNode members = get(this.organization.owner(), "/projects/p1/members?as_of=" + this.onlyP1).json()
			.path("members");
		assertThat(entryFor(members, this.anna.userId())).as("Anna joined p1 later").isNull();
		assertThat(entryFor(members, this.mia.userId())).isNotNull();
		assertProblem(get(this.organization.owner(), "/projects/p2?as_of=" + this.onlyP1), 404, "project_not_found");
		assertThat(projectIds(
				get(this.organization.owner(), "/memberships/" + this.anna.userId() + "/projects?as_of=" + this.onlyP1)
					.json()
					.path("projects")))
			.isEmpty();
		Answer gone = get(this.organization.owner(), "/projects/gone?as_of=" + this.onlyP1);
		assertProblem(gone, 404, "project_not_found");
	}

	@Test
	void a_caller_who_is_not_a_member_learns_nothing() {
		ApiClient stranger = ApiClient.as(this.port, TestOrganization.newUserId());
		assertProblem(get(stranger, "/projects"), 404, "organization_not_found");
		assertProblem(get(stranger, "/projects/p1/members"), 404, "organization_not_found");
	}

}
