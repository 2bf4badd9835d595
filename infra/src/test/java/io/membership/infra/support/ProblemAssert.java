package io.membership.infra.support;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;

import io.membership.infra.support.ApiClient.Answer;

/**
 * What a client checks on an error answer, as API.md promises it: the status, an RFC 9457
 * {@code application/problem+json} body with {@code type}, {@code title}, {@code status},
 * {@code detail}, and the machine-readable {@code code}, from which the {@code type} is
 * derived.
 */
public final class ProblemAssert {

	private ProblemAssert() {
	}

	public static JsonNode assertProblem(Answer answer, int status, String code) {
		assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
		assertThat(answer.header("Content-Type")).as(answer.toString()).startsWith("application/problem+json");
		JsonNode problem = answer.json();
		assertThat(problem.path("code").asString()).as(answer.toString()).isEqualTo(code);
		assertThat(problem.path("status").asInt()).as(answer.toString()).isEqualTo(status);
		assertThat(problem.path("type").asString()).as(answer.toString()).isEqualTo("urn:membership:problem:" + code);
		assertThat(problem.path("title").asString()).as(answer.toString()).isNotBlank();
		assertThat(problem.path("detail").asString()).as(answer.toString()).isNotBlank();
		return problem;
	}

}
