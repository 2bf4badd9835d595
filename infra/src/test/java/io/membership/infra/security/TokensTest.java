package io.membership.infra.security;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;

/**
 * The embedded default's bearer tokens: only an HS256 token signed with the configured
 * secret, carrying an expiry in the future and a positive integer {@code sub}, gets past
 * the door; every other request to the API is a 401 problem with a Bearer challenge.
 * Health is open, on the management port.
 */
@PostgresServiceTest
class TokensTest {

	private static final String CREATE = "/api/organizations";

	private static final String BODY = "{\"name\":\"Token probe\"}";

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	private Answer createOrganizationWith(String token) {
		return ApiClient.anonymous(this.port).withToken(token).post(CREATE, BODY);
	}

	private static String validToken(String subject) {
		return ApiClient.token(subject, null, Instant.now().plusSeconds(600), ApiClient.TEST_SECRET);
	}

	/** 401, a problem body, and an RFC 6750 challenge naming what was wrong. */
	private static void assertUnauthorized(Answer answer) {
		assertProblem(answer, 401, "unauthorized");
		assertThat(answer.header("WWW-Authenticate")).as(answer.toString()).startsWith("Bearer");
	}

	private static void assertInvalidToken(Answer answer) {
		assertUnauthorized(answer);
		assertThat(answer.header("WWW-Authenticate")).as(answer.toString()).contains("error=\"invalid_token\"");
	}

	@Test
	void a_valid_token_is_accepted() {
		Answer answer = createOrganizationWith(validToken(Long.toString(TestOrganization.newUserId())));

		assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
	}

	@Test
	void a_request_without_a_token_is_unauthorized_with_a_bearer_challenge() {
		Answer answer = ApiClient.anonymous(this.port).post(CREATE, BODY);

		assertUnauthorized(answer);
		assertThat(answer.header("WWW-Authenticate")).as("no error attribute without a token (RFC 6750, 3.1)")
			.doesNotContain("error=");
	}

	@Test
	void a_token_signed_with_another_secret_is_unauthorized() {
		String forged = ApiClient.token(Long.toString(TestOrganization.newUserId()), null,
				Instant.now().plusSeconds(600), "an-attackers-secret-that-is-long-enough-0123");

		assertInvalidToken(createOrganizationWith(forged));
	}

	@Test
	void an_expired_token_is_unauthorized() {
		// Beyond the validator's minute of clock skew.
		String expired = ApiClient.token(Long.toString(TestOrganization.newUserId()), null,
				Instant.now().minusSeconds(300), ApiClient.TEST_SECRET);

		assertInvalidToken(createOrganizationWith(expired));
	}

	@Test
	void a_token_without_an_expiry_is_unauthorized() {
		String unlimited = ApiClient.token(Long.toString(TestOrganization.newUserId()), null, null,
				ApiClient.TEST_SECRET);

		assertInvalidToken(createOrganizationWith(unlimited));
	}

	@ParameterizedTest(name = "sub {0}")
	@ValueSource(strings = { "abc", "0", "-7", "12.5", "alice@example.com", "1234567890123456789012" })
	void a_token_whose_subject_is_not_a_positive_integer_is_unauthorized(String subject) {
		assertInvalidToken(createOrganizationWith(validToken(subject)));
	}

	@Test
	void an_unsigned_token_with_algorithm_none_is_unauthorized() {
		Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
		String header = base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
		String claims = base64.encodeToString(("{\"sub\":\"" + TestOrganization.newUserId() + "\",\"exp\":"
				+ Instant.now().plusSeconds(600).getEpochSecond() + "}")
			.getBytes(StandardCharsets.UTF_8));

		assertInvalidToken(createOrganizationWith(header + "." + claims + "."));
	}

	@Test
	void a_valid_token_with_its_signature_stripped_is_unauthorized() {
		String token = validToken(Long.toString(TestOrganization.newUserId()));

		assertInvalidToken(createOrganizationWith(token.substring(0, token.lastIndexOf('.') + 1)));
	}

	@Test
	void a_token_accepted_before_does_not_carry_a_forged_signature_through() {
		String token = validToken(Long.toString(TestOrganization.newUserId()));
		Answer accepted = createOrganizationWith(token);
		assertThat(accepted.status()).as(accepted.toString()).isEqualTo(201);
		String claims = token.substring(0, token.lastIndexOf('.') + 1);
		String forged = claims + Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString("not the signature of these claims".getBytes(StandardCharsets.UTF_8));

		assertInvalidToken(createOrganizationWith(forged));
		Answer again = createOrganizationWith(token);
		assertThat(again.status()).as(again.toString()).isEqualTo(201);
	}

	@Test
	void health_answers_without_a_token_on_the_management_port() {
		Answer answer = ApiClient.anonymous(this.managementPort).get("/actuator/health");

		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		assertThat(answer.json().path("status").asString()).isEqualTo("UP");
	}

	@Test
	void health_is_not_served_on_the_api_port() {
		assertProblem(ApiClient.anonymous(this.port).get("/actuator/health"), 404, "not_found");
	}

}
