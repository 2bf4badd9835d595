package io.membership.infra.isolation;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.function.BiFunction;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.events.ids.OrganizationId;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;
import tools.jackson.databind.JsonNode;

/**
 * A member of organization A learns nothing about organization B: every probe answers
 * exactly what the same request answers for an organization that does not exist, and
 * stores nothing. Joining is the one command a non-member makes, and only for themself or
 * through a service trusted with the {@code membership:invitations} scope.
 */
@PostgresServiceTest
class OrganizationIsolationTest {

	@LocalServerPort
	int port;

	/** The prober: Owner of A, the most powerful role there, and not a member of B. */
	private TestOrganization a;

	private TestOrganization b;

	private Member bAnnotator;

	private String bWorkspace;

	@BeforeEach
	void createTwoOrganizations() {
		this.a = TestOrganization.create(this.port);
		this.b = TestOrganization.create(this.port);
		this.bAnnotator = this.b.join("AN");
		this.bWorkspace = this.b.createWorkspace("B's images");
	}

	/**
	 * Sends the same request by A's Owner to B and to an unknown organization id, and
	 * checks both answer the same 404 problem (the ids in the detail aside), and that B
	 * stored nothing.
	 */
	private void assertProbeLooksLikeAnUnknownOrganization(BiFunction<ApiClient, String, Answer> request) {
		String unknown = OrganizationId.generate().value();

		Answer probe = request.apply(this.a.owner(), this.b.id());
		Answer missing = request.apply(this.a.owner(), unknown);

		JsonNode probed = assertProblem(probe, 404, "organization_not_found");
		JsonNode absent = assertProblem(missing, 404, "organization_not_found");
		assertThat(probed.path("title").asString()).isEqualTo(absent.path("title").asString());
		assertThat(probed.path("type").asString()).isEqualTo(absent.path("type").asString());
		assertThat(probed.path("detail").asString().replace(this.b.id(), "{org}"))
			.as("the detail must not tell an existing organization from a missing one")
			.isEqualTo(absent.path("detail").asString().replace(unknown, "{org}"));
		assertThat(probe.header("ETag")).isNull();
		this.b.assertNothingStored();
	}

	@Test
	void inviting_into_another_organization_looks_like_an_unknown_organization() {
		assertProbeLooksLikeAnUnknownOrganization((client, org) -> client
			.post("/api/organizations/" + org + "/invitations", "{\"email\":\"mole@a.test\",\"role\":\"AD\"}"));
	}

	@Test
	void changing_a_role_in_another_organization_looks_like_an_unknown_organization() {
		assertProbeLooksLikeAnUnknownOrganization((client, org) -> client.post(
				"/api/organizations/" + org + "/memberships/" + this.bAnnotator.userId() + "/role",
				"{\"role\":\"AD\"}"));
	}

	@Test
	void setting_a_role_the_label_studio_way_in_another_organization_looks_like_an_unknown_organization() {
		assertProbeLooksLikeAnUnknownOrganization(
				(client, org) -> client.patch("/api/organizations/" + org + "/memberships",
						"{\"user_id\":" + this.bAnnotator.userId() + ",\"role\":\"DI\"}"));
	}

	@Test
	void reading_the_invite_link_of_another_organization_looks_like_an_unknown_organization() {
		assertProbeLooksLikeAnUnknownOrganization(
				(client, org) -> client.get("/api/organizations/" + org + "/invite-link"));
	}

	@Test
	void assigning_a_workspace_in_another_organization_looks_like_an_unknown_organization() {
		assertProbeLooksLikeAnUnknownOrganization((client, org) -> client.post(
				"/api/organizations/" + org + "/workspaces/" + this.bWorkspace + "/memberships",
				"{\"user_id\":" + this.a.ownerId() + "}"));
	}

	@Test
	void a_probe_with_if_match_looks_like_an_unknown_organization_too() {
		// A wrong version must not reveal that the organization exists, nor its version.
		assertProbeLooksLikeAnUnknownOrganization((client, org) -> client.withHeader("If-Match", "\"1\"")
			.post("/api/organizations/" + org + "/workspaces", "{\"title\":\"Mole's workspace\"}"));
	}

	// Accepting an invitation: the one command of a user who is not a member yet.

	private String invitation(String email) {
		return this.b.invite(email, "RE").json().get("token").asString();
	}

	private static String accept(long userId, String email) {
		return "{\"user_id\":" + userId + ",\"email\":\"" + email + "\"}";
	}

	private ApiClient service(String scope) {
		return ApiClient.anonymous(this.port)
			.withToken(ApiClient.token(Long.toString(TestOrganization.newUserId()), scope,
					Instant.now().plusSeconds(600), ApiClient.TEST_SECRET));
	}

	@Test
	void a_service_with_the_invitations_scope_may_accept_an_invitation_for_a_user() {
		String token = invitation("signup@b.test");
		long user = TestOrganization.newUserId();

		Answer joined = this.b.recorded(service("membership:invitations").post("/api/invitations/" + token + "/accept",
				accept(user, "signup@b.test")));

		assertThat(joined.json().get("user_id").asLong()).isEqualTo(user);
		assertThat(joined.json().get("role").asString()).isEqualTo("RE");
		assertThat(joined.json().get("organization_id").asString()).isEqualTo(this.b.id());
	}

	@Test
	void a_user_may_accept_an_invitation_for_themself() {
		String token = invitation("self@b.test");
		long user = TestOrganization.newUserId();

		Answer joined = this.b.recorded(ApiClient.as(this.port, user)
			.post("/api/invitations/" + token + "/accept", accept(user, "self@b.test")));

		assertThat(joined.json().get("user_id").asLong()).isEqualTo(user);
	}

	@Test
	void a_user_may_not_accept_an_invitation_for_someone_else() {
		String token = invitation("victim@b.test");
		long victim = TestOrganization.newUserId();

		Answer answer = this.a.owner().post("/api/invitations/" + token + "/accept", accept(victim, "victim@b.test"));

		assertProblem(answer, 403, "action_not_permitted");
		Answer byTheInvitee = this.b.recorded(ApiClient.as(this.port, victim)
			.post("/api/invitations/" + token + "/accept", accept(victim, "victim@b.test")));
		assertThat(byTheInvitee.json().get("user_id").asLong())
			.as("the refused attempt stored nothing and left the invitation pending")
			.isEqualTo(victim);
	}

	@Test
	void a_service_with_another_scope_may_not_accept_an_invitation_for_a_user() {
		String token = invitation("audited@b.test");
		long user = TestOrganization.newUserId();

		Answer answer = service("membership:audit").post("/api/invitations/" + token + "/accept",
				accept(user, "audited@b.test"));

		assertProblem(answer, 403, "action_not_permitted");
		this.b.assertNothingStored();
	}

}
