package io.membership.infra.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;

@PostgresServiceTest
class IdempotencyKeyTest {

	@LocalServerPort
	int port;

	private ApiClient owner;

	private String org;

	@BeforeEach
	void createOrganization() {
		this.owner = ApiClient.as(this.port, 1);
		this.org = "/api/organizations/" + this.owner.post("/api/organizations", "{\"name\":\"Idempotent\"}")
			.json()
			.get("organization_id")
			.asString();
	}

	private long currentVersion() {
		return this.owner.post(this.org + "/invite-link/reset", null).json().get("version").asLong();
	}

	@Test
	void a_retried_invitation_answers_as_the_first_and_stores_nothing_new() {
		ApiClient retrying = this.owner.withHeader("Idempotency-Key", "invite-ann-1");
		Answer first = retrying.post(this.org + "/invitations", "{\"email\":\"ann@acme.test\",\"role\":\"AN\"}");
		long before = currentVersion();

		Answer retry = retrying.post(this.org + "/invitations", "{\"email\":\"ann@acme.test\",\"role\":\"AN\"}");

		assertThat(retry.status()).isEqualTo(first.status()).isEqualTo(201);
		assertThat(retry.text()).isEqualTo(first.text());
		assertThat(retry.header("ETag")).isEqualTo(first.header("ETag"));
		assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
		assertThat(currentVersion()).as("nothing stored by the retry").isEqualTo(before + 1);
	}

	@Test
	void a_refusal_is_answered_again_the_same_way() {
		ApiClient retrying = this.owner.withHeader("Idempotency-Key", "bad-role");
		Answer first = retrying.post(this.org + "/memberships/1/role", "{\"role\":\"AN\"}");
		Answer retry = retrying.post(this.org + "/memberships/1/role", "{\"role\":\"AN\"}");

		assertThat(first.status()).isEqualTo(409);
		assertThat(retry.status()).isEqualTo(409);
		assertThat(retry.text()).isEqualTo(first.text());
	}

	@Test
	void the_same_key_for_another_request_is_refused() {
		ApiClient retrying = this.owner.withHeader("Idempotency-Key", "reused");
		retrying.post(this.org + "/workspaces", "{\"title\":\"One\"}");
		long before = currentVersion();

		Answer other = retrying.post(this.org + "/workspaces", "{\"title\":\"Two\"}");

		assertThat(other.status()).isEqualTo(422);
		assertThat(other.code()).isEqualTo("idempotency_key_reused");
		assertThat(currentVersion()).isEqualTo(before + 1);
	}

	@Test
	void keys_belong_to_their_caller() {
		Answer mine = this.owner.withHeader("Idempotency-Key", "shared-key")
			.post("/api/organizations", "{\"name\":\"Mine\"}");
		Answer theirs = ApiClient.as(this.port, 77)
			.withHeader("Idempotency-Key", "shared-key")
			.post("/api/organizations", "{\"name\":\"Mine\"}");

		assertThat(theirs.status()).isEqualTo(201);
		assertThat(theirs.json().get("organization_id").asString())
			.isNotEqualTo(mine.json().get("organization_id").asString());
	}

	@Test
	void concurrent_retries_with_one_key_run_the_command_once() throws Exception {
		ApiClient retrying = this.owner.withHeader("Idempotency-Key", "concurrent");
		long before = currentVersion();
		ExecutorService pool = Executors.newFixedThreadPool(8);
		List<Future<Answer>> answers = new ArrayList<>();
		Callable<Answer> create = () -> retrying.post(this.org + "/workspaces", "{\"title\":\"Once\"}");
		for (int i = 0; i < 8; i++) {
			answers.add(pool.submit(create));
		}
		List<Integer> statuses = new ArrayList<>();
		for (Future<Answer> answer : answers) {
			statuses.add(answer.get().status());
		}
		pool.shutdown();

		assertThat(statuses).isSubsetOf(201, 409).contains(201);
		assertThat(currentVersion()).as("one workspace created, then the reset").isEqualTo(before + 2);
	}

	@Test
	void an_invalid_key_is_a_bad_request() {
		Answer answer = this.owner.withHeader("Idempotency-Key", "has space")
			.post(this.org + "/workspaces", "{\"title\":\"X\"}");

		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.code()).isEqualTo("invalid_idempotency_key");
	}

	@Test
	void an_oversized_body_is_refused_and_stores_nothing() {
		long before = currentVersion();
		String huge = "{\"title\":\"" + "x".repeat(100_000) + "\"}";

		Answer answer = this.owner.post(this.org + "/workspaces", huge);

		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.code()).isEqualTo("body_too_large");
		assertThat(currentVersion()).isEqualTo(before + 1);
	}

}
