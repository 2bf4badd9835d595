package io.membership.infra.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TestOrganization;

/**
 * What the tests that race conflicting commands over HTTP share: sending a round of
 * requests at once, and reading back what the organization stored, as the audit export
 * serves it, to match each answer with.
 */
final class Races {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Races() {
	}

	/** One concurrent request: who sends what. */
	record Request(String description, ApiClient client, String method, String path, String body) {
	}

	/**
	 * What one request was and what it was answered; its correlation id is
	 * {@code race-<round>-<index>}.
	 */
	record Outcome(String description, String correlationId, int status, String code, Long version) {

		boolean accepted() {
			return this.status >= 200 && this.status < 300;
		}

	}

	/** One event of the audit export. */
	record Stored(long version, String type, JsonNode payload) {

		String correlationId() {
			return this.payload.path("correlation_id").asString();
		}

		@Override
		public String toString() {
			return "version " + this.version + " " + this.type + " " + this.payload;
		}

	}

	static Answer send(ApiClient client, String method, String path, String body, String correlationId) {
		return client.withHeader("X-Correlation-Id", correlationId).send(method, path, body);
	}

	/** Sends the requests at once, one thread each, and collects their answers. */
	static List<Outcome> race(ExecutorService pool, List<Request> requests, int round) throws Exception {
		CountDownLatch ready = new CountDownLatch(requests.size());
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Outcome>> futures = new ArrayList<>();
		for (int i = 0; i < requests.size(); i++) {
			Request request = requests.get(i);
			String correlationId = "race-" + round + "-" + i;
			futures.add(pool.submit(() -> {
				ready.countDown();
				start.await();
				Answer answer = send(request.client(), request.method(), request.path(), request.body(), correlationId);
				boolean accepted = answer.status() >= 200 && answer.status() < 300;
				return new Outcome(request.description() + " (round " + round + ")", correlationId, answer.status(),
						accepted ? null : answer.json().path("code").asString(),
						accepted ? answer.json().get("version").asLong() : null);
			}));
		}
		assertThat(ready.await(10, TimeUnit.SECONDS)).as("every sender is ready").isTrue();
		start.countDown();
		List<Outcome> outcomes = new ArrayList<>();
		for (Future<Outcome> future : futures) {
			outcomes.add(future.get(30, TimeUnit.SECONDS));
		}
		return outcomes;
	}

	/** The organization's events as the audit export serves them, gapless from 1. */
	static List<Stored> auditExport(TestOrganization org) {
		Answer export = org.owner().get(org.path() + "/audit/events");
		assertThat(export.status()).as(export.toString()).isEqualTo(200);
		List<Stored> history = new ArrayList<>();
		for (String line : export.text().split("\n")) {
			if (!line.isBlank()) {
				JsonNode envelope = JSON.readTree(line);
				history.add(new Stored(envelope.path("version").asLong(), envelope.path("type").asString(),
						envelope.path("payload")));
			}
		}
		for (int i = 0; i < history.size(); i++) {
			assertThat(history.get(i).version()).as("version of exported event #" + i).isEqualTo(i + 1);
		}
		return history;
	}

}
