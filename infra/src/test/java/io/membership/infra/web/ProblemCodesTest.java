package io.membership.infra.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.events.ids.OrganizationId;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;

/**
 * Problems that Spring MVC makes itself, and the 400s thrown before a command is sent,
 * have a {@code code} and the {@code type} it implies like every other problem.
 */
@PostgresServiceTest
class ProblemCodesTest {

	@LocalServerPort
	int port;

	@Test
	void a_body_that_is_not_json_answers_415_with_a_code_and_its_type() {
		Answer answer = ApiClient.as(this.port, 1)
			.withHeader("Content-Type", "text/plain")
			.send("POST", "/api/organizations", null);

		assertProblem(answer, 415, "unsupported_media_type");
	}

	@Test
	void a_method_the_path_does_not_take_answers_405_with_a_code_and_its_type() {
		Answer answer = ApiClient.as(this.port, 1).send("PUT", "/api/organizations", null);

		assertProblem(answer, 405, "method_not_allowed");
	}

	@Test
	void an_answer_the_caller_does_not_accept_is_406_with_a_code_and_its_type() {
		Answer answer = ApiClient.as(this.port, 1)
			.withHeader("Accept", "text/html")
			.get("/api/organizations/org_unknown/invite-link");

		assertProblem(answer, 406, "not_acceptable");
	}

	@Test
	void a_user_id_that_is_not_positive_answers_400_with_its_own_code_and_its_type() {
		Answer answer = ApiClient.as(this.port, 1)
			.post("/api/organizations/" + OrganizationId.generate() + "/memberships/0/deactivate", null);

		assertProblem(answer, 400, "invalid_user_id");
	}

	@Test
	void a_malformed_if_match_answers_400_with_its_own_code_and_its_type() {
		Answer answer = ApiClient.as(this.port, 1)
			.withHeader("If-Match", "yesterday")
			.post("/api/organizations/" + OrganizationId.generate() + "/invite-link/reset", null);

		assertProblem(answer, 400, "invalid_if_match");
	}

	@Test
	void a_url_with_an_empty_path_segment_answers_400_with_a_code_and_its_type() {
		Answer answer = ApiClient.as(this.port, 1).get("/api/organizations//memberships");

		assertProblem(answer, 400, "request_rejected");
	}

	private static void assertProblem(Answer answer, int status, String code) {
		assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
		assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
		assertThat(answer.code()).as(answer.toString()).isEqualTo(code);
		assertThat(answer.json().path("type").asString()).isEqualTo("urn:membership:problem:" + code);
		assertThat(answer.json().path("status").asInt()).isEqualTo(status);
		assertThat(answer.json().path("title").asString()).isNotBlank();
	}

}
