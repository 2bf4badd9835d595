package io.membership.infra.errors;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.events.ids.OrganizationId;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;
import tools.jackson.databind.JsonNode;

/**
 * Every error status API.md names, over HTTP, each with its problem {@code code}; and
 * after each refusal, proof that nothing was stored: the next accepted command answers
 * exactly one version above the last one before the refusal.
 */
@PostgresServiceTest
class ErrorStatusesTest {

	@LocalServerPort
	int port;

	private TestOrganization org;

	@BeforeEach
	void createOrganization() {
		this.org = TestOrganization.create(this.port);
	}

	// 400: the request cannot even be tried.

	@Test
	void an_unknown_role_code_is_a_bad_request() {
		Member member = this.org.join("AN");

		Answer answer = this.org.owner()
			.patch(this.org.path() + "/memberships", "{\"user_id\":" + member.userId() + ",\"role\":\"XX\"}");

		JsonNode problem = assertProblem(answer, 400, "malformed_body");
		assertThat(problem.path("detail").asString()).contains("XX");
		this.org.assertNothingStored();
	}

	@Test
	void an_invalid_email_is_a_bad_request() {
		Answer answer = this.org.owner()
			.post(this.org.path() + "/invitations", "{\"email\":\"not-an-email\",\"role\":\"AN\"}");

		JsonNode problem = assertProblem(answer, 400, "invalid_request");
		assertThat(problem.path("errors").findValuesAsString("field")).containsExactly("email");
		this.org.assertNothingStored();
	}

	@Test
	void a_missing_field_is_a_bad_request() {
		Answer answer = this.org.owner().patch(this.org.path() + "/memberships", "{\"role\":\"AN\"}");

		JsonNode problem = assertProblem(answer, 400, "invalid_request");
		assertThat(problem.path("errors").findValuesAsString("field")).containsExactly("user_id");
		this.org.assertNothingStored();
	}

	@Test
	void a_field_of_the_wrong_json_type_is_a_bad_request() {
		Answer answer = this.org.owner()
			.patch(this.org.path() + "/memberships", "{\"user_id\":\"abc\",\"role\":\"AN\"}");

		JsonNode problem = assertProblem(answer, 400, "malformed_body");
		assertThat(problem.path("detail").asString()).contains("user_id");
		this.org.assertNothingStored();
	}

	@Test
	void an_unknown_field_is_a_bad_request() {
		Member member = this.org.join("AN");

		Answer answer = this.org.owner()
			.patch(this.org.path() + "/memberships",
					"{\"user_id\":" + member.userId() + ",\"role\":\"RE\",\"is_superuser\":true}");

		JsonNode problem = assertProblem(answer, 400, "malformed_body");
		assertThat(problem.path("detail").asString()).contains("is_superuser");
		this.org.assertNothingStored();
	}

	@Test
	void malformed_json_is_a_bad_request() {
		Member member = this.org.join("AN");

		Answer answer = this.org.owner()
			.patch(this.org.path() + "/memberships", "{\"user_id\":" + member.userId() + ",\"role\":");

		assertProblem(answer, 400, "malformed_body");
		this.org.assertNothingStored();
	}

	@ParameterizedTest(name = "user id {0}")
	@ValueSource(strings = { "0", "-3" })
	void a_user_id_in_the_path_that_is_not_positive_is_a_bad_request(String userId) {
		Answer answer = this.org.owner()
			.post(this.org.path() + "/memberships/" + userId + "/role", "{\"role\":\"AN\"}");

		assertProblem(answer, 400, "invalid_user_id");
		this.org.assertNothingStored();
	}

	@ParameterizedTest(name = "user id {0}")
	@ValueSource(strings = { "abc", "1.5", "+7", "007", "%D9%A1", "99999999999999999999" })
	void a_user_id_in_the_path_that_is_not_a_number_is_a_bad_request(String userId) {
		Answer answer = this.org.owner()
			.post(this.org.path() + "/memberships/" + userId + "/role", "{\"role\":\"AN\"}");

		assertProblem(answer, 400, "invalid_user_id");
		this.org.assertNothingStored();
	}

	@Test
	void an_if_match_that_is_not_a_version_is_a_bad_request() {
		Answer answer = this.org.owner()
			.withHeader("If-Match", "\"yesterday\"")
			.post(this.org.path() + "/workspaces", "{\"title\":\"Images\"}");

		assertProblem(answer, 400, "invalid_if_match");
		this.org.assertNothingStored();
	}

	@Test
	void a_body_that_is_not_json_is_an_unsupported_media_type() {
		Answer answer = this.org.owner()
			.withHeader("Content-Type", "text/plain")
			.post(this.org.path() + "/workspaces", "{\"title\":\"Images\"}");

		assertProblem(answer, 415, "unsupported_media_type");
		this.org.assertNothingStored();
	}

	@Test
	void a_method_an_endpoint_does_not_have_is_not_allowed() {
		Answer answer = this.org.owner().delete(this.org.path() + "/invite-link");

		assertProblem(answer, 405, "method_not_allowed");
		this.org.assertNothingStored();
	}

	// 401: no valid token (TokensTest checks each kind of bad token).

	@Test
	void a_command_without_a_token_is_unauthorized() {
		Answer answer = ApiClient.anonymous(this.port).post(this.org.path() + "/workspaces", "{\"title\":\"Images\"}");

		assertProblem(answer, 401, "unauthorized");
		this.org.assertNothingStored();
	}

	// 403: authenticated, but not allowed.

	@Test
	void a_member_whose_role_lacks_the_action_is_forbidden() {
		Member annotator = this.org.join("AN");

		Answer answer = annotator.client()
			.post(this.org.path() + "/invitations", "{\"email\":\"friend@members.test\",\"role\":\"AN\"}");

		assertProblem(answer, 403, "action_not_permitted");
		this.org.assertNothingStored();
	}

	@Test
	void a_deactivated_member_is_forbidden_to_act() {
		Member admin = this.org.join("AD");
		Member annotator = this.org.join("AN");
		this.org
			.recorded(this.org.owner().post(this.org.path() + "/memberships/" + admin.userId() + "/deactivate", "{}"));

		Answer answer = admin.client()
			.post(this.org.path() + "/memberships/" + annotator.userId() + "/role", "{\"role\":\"RE\"}");

		assertProblem(answer, 403, "actor_not_active");
		this.org.assertNothingStored();
	}

	@Test
	void an_administrator_may_not_change_the_owner() {
		Member admin = this.org.join("AD");

		Answer answer = admin.client()
			.post(this.org.path() + "/memberships/" + this.org.ownerId() + "/deactivate", "{}");

		assertProblem(answer, 403, "owner_protected");
		this.org.assertNothingStored();
	}

	@Test
	void the_audit_scope_is_read_only_and_may_not_take_checkpoints() {
		ApiClient auditor = ApiClient.anonymous(this.port)
			.withToken(ApiClient.token(Long.toString(TestOrganization.newUserId()), "membership:audit",
					Instant.now().plusSeconds(600), ApiClient.TEST_SECRET));

		Answer answer = auditor.post(this.org.path() + "/audit/checkpoints", null);

		JsonNode problem = assertProblem(answer, 403, "audit_scope_read_only");
		assertThat(problem.path("detail").asString()).contains("membership:audit", "read-only");
		assertThat(auditor.get(this.org.path() + "/audit/checkpoints").json().path("checkpoints")).isEmpty();
		Answer byOwner = this.org.owner().post(this.org.path() + "/audit/checkpoints", null);
		for (int attempt = 0; byOwner.status() == 404 && attempt < 100; attempt++) {
			// The Owner's right is read from the query side's view, which follows within
			// moments.
			sleep(100);
			byOwner = this.org.owner().post(this.org.path() + "/audit/checkpoints", null);
		}
		assertThat(byOwner.status()).as(byOwner.toString()).isEqualTo(200);
	}

	@Test
	void the_audit_scope_does_not_lend_an_owner_the_right_to_take_checkpoints_either() {
		ApiClient ownerAsAuditor = ApiClient.anonymous(this.port)
			.withToken(ApiClient.token(Long.toString(this.org.ownerId()), "membership:audit",
					Instant.now().plusSeconds(600), ApiClient.TEST_SECRET));

		assertProblem(ownerAsAuditor.post(this.org.path() + "/audit/checkpoints", null), 403, "audit_scope_read_only");
	}

	@Test
	void asking_for_the_error_page_without_a_token_is_not_found() {
		Answer answer = ApiClient.anonymous(this.port).get("/error");

		assertProblem(answer, 404, "not_found");
	}

	// 404: unknown organization, member, workspace or invitation.

	@Test
	void an_unknown_organization_is_not_found() {
		String unknown = "/api/organizations/" + OrganizationId.generate();

		Answer answer = this.org.owner().post(unknown + "/workspaces", "{\"title\":\"Images\"}");

		assertProblem(answer, 404, "organization_not_found");
		this.org.assertNothingStored();
	}

	@Test
	void an_unknown_member_is_not_found() {
		long stranger = TestOrganization.newUserId();

		Answer answer = this.org.owner()
			.post(this.org.path() + "/memberships/" + stranger + "/role", "{\"role\":\"AN\"}");

		assertProblem(answer, 404, "member_not_found");
		this.org.assertNothingStored();
	}

	@Test
	void an_unknown_workspace_is_not_found() {
		Member member = this.org.join("AN");

		Answer answer = this.org.owner()
			.post(this.org.path() + "/workspaces/ws_00000000000000000000000000000000/memberships",
					"{\"user_id\":" + member.userId() + "}");

		assertProblem(answer, 404, "workspace_not_found");
		this.org.assertNothingStored();
	}

	@Test
	void an_unknown_invitation_is_not_found() {
		Answer answer = this.org.owner().delete(this.org.path() + "/invitations/inv_00000000000000000000000000000000");

		assertProblem(answer, 404, "invitation_not_found");
		this.org.assertNothingStored();
	}

	@Test
	void a_forged_invitation_token_is_not_found() {
		String token = this.org.invite("invitee@members.test", "AD").json().get("token").asString();
		// Keep the signature, but make the payload name another invitation of the same
		// organization: the signature no longer matches.
		String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
				StandardCharsets.UTF_8);
		String otherInvitation = payload.substring(0, payload.lastIndexOf(':') + 1) + "inv_forged";
		String forged = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(otherInvitation.getBytes(StandardCharsets.UTF_8)) + token.substring(token.indexOf('.'));
		long userId = TestOrganization.newUserId();

		Answer answer = ApiClient.as(this.port, userId)
			.post("/api/invitations/" + forged + "/accept",
					"{\"user_id\":" + userId + ",\"email\":\"invitee@members.test\"}");

		assertProblem(answer, 404, "invitation_not_found");
		this.org.assertNothingStored();
	}

	// 409: a domain rule refused the command.

	@Test
	void the_owner_cannot_demote_themself() {
		Answer answer = this.org.owner()
			.post(this.org.path() + "/memberships/" + this.org.ownerId() + "/role", "{\"role\":\"AD\"}");

		assertProblem(answer, 409, "owner_role_immutable");
		this.org.assertNothingStored();
	}

	@Test
	void the_owner_cannot_deactivate_themself() {
		Answer answer = this.org.owner()
			.post(this.org.path() + "/memberships/" + this.org.ownerId() + "/deactivate", "{}");

		assertProblem(answer, 409, "owner_role_immutable");
		this.org.assertNothingStored();
	}

	@Test
	void the_owner_role_is_never_given_ownership_moves_only_by_transfer() {
		Member admin = this.org.join("AD");

		Answer answer = this.org.owner()
			.patch(this.org.path() + "/memberships", "{\"user_id\":" + admin.userId() + ",\"role\":\"OW\"}");

		assertProblem(answer, 409, "ownership_transfer_required");
		this.org.assertNothingStored();
	}

	@Test
	void a_member_who_is_not_activated_cannot_be_assigned_to_a_workspace() {
		Member notActivated = this.org.join(null);
		String workspace = this.org.createWorkspace("Images");

		Answer answer = this.org.owner()
			.post(this.org.path() + "/workspaces/" + workspace + "/memberships",
					"{\"user_id\":" + notActivated.userId() + "}");

		assertProblem(answer, 409, "member_not_active");
		this.org.assertNothingStored();
	}

	@Test
	void a_revoked_invitation_cannot_be_accepted() {
		Answer invited = this.org.invite("revoked@members.test", "AN");
		this.org.recorded(this.org.owner()
			.delete(this.org.path() + "/invitations/" + invited.json().get("invitation_id").asString()));
		long userId = TestOrganization.newUserId();

		Answer answer = ApiClient.as(this.port, userId)
			.post("/api/invitations/" + invited.json().get("token").asString() + "/accept",
					"{\"user_id\":" + userId + ",\"email\":\"revoked@members.test\"}");

		assertProblem(answer, 409, "invitation_revoked");
		this.org.assertNothingStored();
	}

	@Test
	void an_accepted_invitation_cannot_be_accepted_again() {
		Answer invited = this.org.invite("once@members.test", "AN");
		String accept = "/api/invitations/" + invited.json().get("token").asString() + "/accept";
		long first = TestOrganization.newUserId();
		this.org.recorded(ApiClient.as(this.port, first)
			.post(accept, "{\"user_id\":" + first + ",\"email\":\"once@members.test\"}"));
		long second = TestOrganization.newUserId();

		Answer answer = ApiClient.as(this.port, second)
			.post(accept, "{\"user_id\":" + second + ",\"email\":\"twice@members.test\"}");

		assertProblem(answer, 409, "invitation_already_accepted");
		this.org.assertNothingStored();
	}

	@Test
	void an_accepted_invitation_cannot_be_revoked() {
		Answer invited = this.org.invite("kept@members.test", "AN");
		long userId = TestOrganization.newUserId();
		this.org.recorded(ApiClient.as(this.port, userId)
			.post("/api/invitations/" + invited.json().get("token").asString() + "/accept",
					"{\"user_id\":" + userId + ",\"email\":\"kept@members.test\"}"));

		Answer answer = this.org.owner()
			.delete(this.org.path() + "/invitations/" + invited.json().get("invitation_id").asString());

		assertProblem(answer, 409, "invitation_already_accepted");
		this.org.assertNothingStored();
	}

	@Test
	void a_user_cannot_join_the_same_organization_twice() {
		Answer link = this.org.owner().get(this.org.path() + "/invite-link");
		assertThat(link.status()).as(link.toString()).isEqualTo(200);
		String accept = "/api/invitations/" + link.json().get("token").asString() + "/accept";
		long userId = TestOrganization.newUserId();
		ApiClient user = ApiClient.as(this.port, userId, "joiner@members.test");
		String body = "{\"user_id\":" + userId + ",\"email\":\"joiner@members.test\"}";
		this.org.recorded(user.post(accept, body));

		Answer answer = user.post(accept, body);

		assertProblem(answer, 409, "already_member");
		this.org.assertNothingStored();
	}

	// 412: If-Match names a version the organization has moved past.

	@Test
	void a_stale_if_match_is_a_failed_precondition() {
		Member member = this.org.join("AN");
		long stale = this.org.version() - 1;

		Answer answer = this.org.owner()
			.withHeader("If-Match", "\"" + stale + "\"")
			.post(this.org.path() + "/memberships/" + member.userId() + "/role", "{\"role\":\"RE\"}");

		assertProblem(answer, 412, "version_mismatch");
		this.org.assertNothingStored();
	}

	@Test
	void an_if_match_with_the_current_version_is_decided() {
		Member member = this.org.join("AN");

		Answer answer = this.org.owner()
			.withHeader("If-Match", "\"" + this.org.version() + "\"")
			.post(this.org.path() + "/memberships/" + member.userId() + "/role", "{\"role\":\"RE\"}");

		this.org.recorded(answer);
		assertThat(answer.json().get("role").asString()).isEqualTo("RE");
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
