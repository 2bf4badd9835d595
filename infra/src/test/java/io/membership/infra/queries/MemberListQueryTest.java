package io.membership.infra.queries;

import static io.membership.infra.queries.Reads.encoded;
import static io.membership.infra.queries.Reads.longs;
import static io.membership.infra.queries.Reads.ok;
import static io.membership.infra.queries.Reads.read;
import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.membership.events.ids.WorkspaceId;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * {@code GET /api/organizations/{org}/memberships}: Label Studio's paged list of members,
 * with its role, search and workspace filters.
 */
@PostgresServiceTest
class MemberListQueryTest {

	@LocalServerPort
	int port;

	private TestOrganization organization;

	private Member admin;

	private Member manager;

	private Member anna;

	private Member alex;

	private Member rita;

	@BeforeEach
	void anOrganizationOfSix() {
		this.organization = TestOrganization.create(this.port);
		this.admin = join("Ada.Admin@Example.test", "AD");
		this.manager = join("max.manager@example.test", "MA");
		this.anna = join("anna_annotates@example.test", "AN");
		this.alex = join("alex.annotates@example.test", "AN");
		this.rita = join("rita.reviews@example.test", "RE");
	}

	/** A new user with this email, invited by the Owner with the role, who has joined. */
	private Member join(String email, String role) {
		long userId = TestOrganization.newUserId();
		String token = this.organization.invite(email, role).json().get("token").asString();
		ApiClient client = ApiClient.as(this.port, userId);
		this.organization.recorded(client.post("/api/invitations/" + token + "/accept",
				"{\"user_id\":" + userId + ",\"email\":\"" + email + "\"}"));
		this.organization.awaitMember(client);
		return new Member(userId, email, client);
	}

	private JsonNode list(String query) {
		return ok(this.organization, this.manager.client(), "/memberships" + query);
	}

	private List<Long> everyone() {
		return List.of(this.organization.ownerId(), this.admin.userId(), this.manager.userId(), this.anna.userId(),
				this.alex.userId(), this.rita.userId());
	}

	@Test
	void the_list_counts_every_member_and_shows_them_by_user_id() {
		JsonNode page = list("");

		assertThat(page.path("count").asLong()).isEqualTo(6);
		assertThat(longs(page.path("results"), "user_id")).containsExactlyElementsOf(everyone());
		assertThat(page.path("next").isNull()).as(page.toString()).isTrue();
		assertThat(page.path("previous").isNull()).as(page.toString()).isTrue();
	}

	@Test
	void each_member_shows_their_role_their_workspaces_and_who_invited_them_and_when() {
		String workspace = this.organization.createWorkspace("Medical images");
		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/workspaces/" + workspace + "/memberships",
					"{\"user_id\":" + this.anna.userId() + "}"));
		this.organization.recorded(this.admin.client()
			.post(this.organization.path() + "/memberships/" + this.anna.userId() + "/role", "{\"role\":\"RE\"}"));

		JsonNode results = list("").path("results");
		JsonNode anna = results.get(3);
		JsonNode owner = results.get(0);

		assertThat(anna.path("user_id").asLong()).isEqualTo(this.anna.userId());
		assertThat(anna.path("email").asString()).isEqualTo("anna_annotates@example.test");
		assertThat(anna.path("role").asString()).isEqualTo("RE");
		assertThat(anna.path("workspaces").size()).isEqualTo(1);
		assertThat(anna.path("workspaces").get(0).asString()).isEqualTo(workspace);
		assertThat(anna.path("invited_by").asLong()).isEqualTo(this.organization.ownerId());
		Instant invitedAt = Instant.parse(anna.path("invited_at").asString());
		Instant joinedAt = Instant.parse(anna.path("joined_at").asString());
		assertThat(joinedAt).isAfter(invitedAt);
		assertThat(Instant.parse(anna.path("activated_at").asString())).as("invited with a role: active on joining")
			.isEqualTo(joinedAt);
		assertThat(Instant.parse(anna.path("role_changed_at").asString())).isAfter(joinedAt);
		assertThat(owner.path("role").asString()).isEqualTo("OW");
		assertThat(owner.path("invited_at").isNull()).as(owner.toString()).isTrue();
		assertThat(owner.path("invited_by").isNull()).as(owner.toString()).isTrue();
		assertThat(owner.path("role_changed_at").isNull()).as(owner.toString()).isTrue();
		assertThat(owner.path("workspaces").isArray()).isTrue();
	}

	@Test
	void pages_link_to_the_next_and_the_previous_page_with_the_same_filters() {
		JsonNode first = list("?page_size=2");

		assertThat(first.path("count").asLong()).isEqualTo(6);
		assertThat(first.path("previous").isNull()).isTrue();
		String next = first.path("next").asString();
		assertThat(next).startsWith(this.organization.path() + "/memberships?")
			.contains("page_size=2")
			.contains("page=2");

		Answer second = this.manager.client().get(next);
		assertThat(second.status()).as(second.toString()).isEqualTo(200);
		assertThat(longs(second.json().path("results"), "user_id")).containsExactly(this.manager.userId(),
				this.anna.userId());
		assertThat(second.json().path("previous").asString()).contains("page=1").contains("page_size=2");
	}

	@Test
	void following_next_walks_every_member_once_in_order() {
		List<Long> seen = new ArrayList<>();
		JsonNode page = list("?page_size=4");
		seen.addAll(longs(page.path("results"), "user_id"));
		while (!page.path("next").isNull()) {
			Answer answer = this.manager.client().get(page.path("next").asString());
			assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
			page = answer.json();
			seen.addAll(longs(page.path("results"), "user_id"));
		}

		assertThat(seen).containsExactlyElementsOf(everyone());
	}

	@Test
	void the_last_page_has_no_next() {
		JsonNode last = list("?page_size=2&page=3");

		assertThat(longs(last.path("results"), "user_id")).containsExactly(this.alex.userId(), this.rita.userId());
		assertThat(last.path("next").isNull()).isTrue();
		assertThat(last.path("previous").asString()).contains("page=2");
	}

	@Test
	void a_page_past_the_last_is_empty_and_points_back_to_the_last_page() {
		JsonNode beyond = list("?page_size=2&page=9");

		assertThat(beyond.path("count").asLong()).isEqualTo(6);
		assertThat(beyond.path("results").isEmpty()).isTrue();
		assertThat(beyond.path("next").isNull()).isTrue();
		assertThat(beyond.path("previous").asString()).contains("page=3");
	}

	@Test
	void a_page_size_above_200_is_refused() {
		assertProblem(read(this.organization, this.manager.client(), "/memberships?page_size=201"), 400,
				"invalid_page_size");
	}

	@Test
	void a_page_size_of_200_is_accepted() {
		assertThat(list("?page_size=200").path("results").size()).isEqualTo(6);
	}

	@Test
	void page_zero_is_refused() {
		assertProblem(read(this.organization, this.manager.client(), "/memberships?page=0"), 400, "invalid_page");
	}

	@Test
	void a_page_that_is_not_a_number_is_refused() {
		assertProblem(read(this.organization, this.manager.client(), "/memberships?page=two"), 400, "invalid_page");
	}

	@Test
	void the_role_filter_takes_a_comma_separated_list_of_codes() {
		JsonNode page = list("?role=AN,RE");

		assertThat(page.path("count").asLong()).isEqualTo(3);
		assertThat(longs(page.path("results"), "user_id")).containsExactly(this.anna.userId(), this.alex.userId(),
				this.rita.userId());
	}

	@Test
	void the_role_filter_finds_the_owner_by_its_code() {
		assertThat(longs(list("?role=OW").path("results"), "user_id")).containsExactly(this.organization.ownerId());
	}

	@Test
	void an_unknown_role_code_is_refused() {
		assertProblem(read(this.organization, this.manager.client(), "/memberships?role=AN,XX"), 400, "unknown_role");
	}

	@Test
	void search_matches_part_of_an_email_whatever_its_case() {
		JsonNode page = list("?search=ANNOTATES");

		assertThat(longs(page.path("results"), "user_id")).containsExactly(this.anna.userId(), this.alex.userId());
	}

	@Test
	void search_matches_an_email_stored_in_mixed_case() {
		assertThat(longs(list("?search=ada.admin").path("results"), "user_id")).containsExactly(this.admin.userId());
	}

	@Test
	void search_matches_a_user_id() {
		JsonNode page = list("?search=" + this.alex.userId());

		assertThat(longs(page.path("results"), "user_id")).containsExactly(this.alex.userId());
	}

	@Test
	void search_takes_percent_and_underscore_literally() {
		assertThat(longs(list("?search=_").path("results"), "user_id")).containsExactly(this.anna.userId());
		assertThat(list("?search=" + encoded("%")).path("count").asLong()).isZero();
	}

	@Test
	void the_workspace_filter_lists_the_members_assigned_to_it() {
		String workspace = assignAnnaAndRitaToANewWorkspace();

		JsonNode page = list("?workspace=" + workspace);

		assertThat(longs(page.path("results"), "user_id")).containsExactly(this.anna.userId(), this.rita.userId());
	}

	@Test
	void filters_combine() {
		String workspace = assignAnnaAndRitaToANewWorkspace();

		JsonNode page = list("?workspace=" + workspace + "&role=AN,MA&search=annotates");

		assertThat(page.path("count").asLong()).isEqualTo(1);
		assertThat(longs(page.path("results"), "user_id")).containsExactly(this.anna.userId());
	}

	@Test
	void an_unknown_workspace_in_the_filter_is_not_found() {
		assertProblem(
				read(this.organization, this.manager.client(), "/memberships?workspace=" + WorkspaceId.generate()), 404,
				"workspace_not_found");
	}

	private String assignAnnaAndRitaToANewWorkspace() {
		String workspace = this.organization.createWorkspace("Audio");
		for (Member member : List.of(this.anna, this.rita)) {
			this.organization.recorded(this.organization.owner()
				.post(this.organization.path() + "/workspaces/" + workspace + "/memberships",
						"{\"user_id\":" + member.userId() + "}"));
		}
		return workspace;
	}

}
