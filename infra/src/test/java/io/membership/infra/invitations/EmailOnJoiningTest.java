package io.membership.infra.invitations;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;

/**
 * API.md, "Hardening": who may assert an e-mail address on joining, and look-alike
 * addresses, over HTTP. Issue 18 joined an organization by its link as {@code ceo@a.test}
 * under the joiner's own token, after which the real person's invitation failed with 409
 * {@code already_member}.
 */
@PostgresServiceTest
class EmailOnJoiningTest {

	@LocalServerPort
	int port;

	private TestOrganization org;

	private String linkToken;

	@BeforeEach
	void createOrganization() {
		this.org = TestOrganization.create(this.port);
		Answer link = this.org.owner().get(this.org.path() + "/invite-link");
		assertThat(link.status()).as(link.toString()).isEqualTo(200);
		this.linkToken = link.json().get("token").asString();
	}

	@Test
	void squatting_an_address_through_the_link_is_403_stores_nothing_and_the_real_persons_invitation_still_works() {
		String invitation = this.org.invite("ceo@a.test", "AD").json().get("token").asString();

		Answer squatted = ApiClient.as(this.port, 70)
			.post(accept(this.linkToken), "{\"user_id\":70,\"email\":\"ceo@a.test\"}");

		assertProblem(squatted, 403, "email_not_verified");
		this.org.assertNothingStored();
		long ceo = TestOrganization.newUserId();
		Answer joined = this.org.recorded(ApiClient.as(this.port, ceo)
			.post(accept(invitation), "{\"user_id\":" + ceo + ",\"email\":\"ceo@a.test\"}"));
		assertThat(joined.json().get("role").asString()).isEqualTo("AD");
	}

	@Test
	void joining_through_the_link_with_an_address_other_than_the_tokens_email_claim_is_403() {
		Answer answer = ApiClient.as(this.port, 70, "mallory@elsewhere.test")
			.post(accept(this.linkToken), "{\"user_id\":70,\"email\":\"ceo@a.test\"}");

		assertProblem(answer, 403, "email_not_verified");
		this.org.assertNothingStored();
	}

	@Test
	void joining_through_the_link_with_the_tokens_email_claim_in_another_case_is_accepted() {
		long user = TestOrganization.newUserId();

		Answer joined = this.org.recorded(ApiClient.as(this.port, user, "Anna@Acme.TEST")
			.post(accept(this.linkToken), "{\"user_id\":" + user + ",\"email\":\"anna@acme.test\"}"));

		assertThat(joined.json().get("role").asString()).isEqualTo("NO");
	}

	@Test
	void a_service_with_the_invitations_scope_may_assert_any_address_through_the_link() {
		long user = TestOrganization.newUserId();
		ApiClient service = ApiClient.anonymous(this.port)
			.withToken(ApiClient.token("9000", "membership:invitations", Instant.now().plusSeconds(600),
					ApiClient.TEST_SECRET));

		Answer joined = this.org.recorded(service.post(accept(this.linkToken),
				"{\"user_id\":" + user + ",\"email\":\"verified.upstream@acme.test\"}"));

		assertThat(joined.json().get("user_id").asLong()).isEqualTo(user);
	}

	@Test
	void look_alikes_of_an_accepted_address_are_refused_409_and_store_nothing() {
		long info = TestOrganization.newUserId();
		String token = this.org.invite("info@a.test", "AN").json().get("token").asString();
		this.org.recorded(ApiClient.as(this.port, info)
			.post(accept(token), "{\"user_id\":" + info + ",\"email\":\"INFO@A.TEST\"}"));

		for (String lookAlike : new String[] { "info@a.test", "\u0131nfo@a.test", "\u0130nfo@a.test",
				"\uFF49nfo@a.test", "\u0456nfo@a.test" }) {
			Answer invited = this.org.owner()
				.post(this.org.path() + "/invitations", "{\"email\":\"" + lookAlike + "\",\"role\":\"AN\"}");
			assertProblem(invited, 409, "already_member");

			long other = TestOrganization.newUserId();
			Answer joined = ApiClient.as(this.port, other, lookAlike)
				.post(accept(this.linkToken), "{\"user_id\":" + other + ",\"email\":\"" + lookAlike + "\"}");
			assertProblem(joined, 409, "already_member");
		}
		this.org.assertNothingStored();
	}

	@Test
	void the_owners_email_is_refused_for_invitations_and_joins_in_any_case() {
		long ownerId = TestOrganization.newUserId();
		ApiClient owner = ApiClient.as(this.port, ownerId, "boss@owned.test");
		Answer created = owner.post("/api/organizations", "{\"name\":\"Owned\"}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String path = "/api/organizations/" + created.json().get("organization_id").asString();
		String link = owner.get(path + "/invite-link").json().get("token").asString();

		assertProblem(owner.post(path + "/invitations", "{\"email\":\"BOSS@Owned.test\"}"), 409, "already_member");
		long other = TestOrganization.newUserId();
		assertProblem(
				ApiClient.as(this.port, other, "Boss@OWNED.test")
					.post(accept(link), "{\"user_id\":" + other + ",\"email\":\"Boss@OWNED.test\"}"),
				409, "already_member");
	}

	private static String accept(String token) {
		return "/api/invitations/" + token + "/accept";
	}

}
