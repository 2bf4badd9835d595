package io.membership.infra.web.ratelimit;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.membership.infra.MembershipApplication;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TestOrganization;

/**
 * Past their budget a caller is answered 429 {@code rate_limited} with
 * {@code Retry-After}, and nothing of the refused request is stored; their queries and
 * every other caller go on. The service runs on the embedded default with small budgets
 * of its own: {@value #COMMANDS_PER_SECOND} commands and {@value #QUERIES_PER_SECOND}
 * queries a second per caller.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RateLimitedRequestsTest {

	private static final int COMMANDS_PER_SECOND = 3;

	private static final int QUERIES_PER_SECOND = 40;

	@TempDir
	static Path dataDirectory;

	private static ConfigurableApplicationContext application;

	private static int port;

	@BeforeAll
	static void startWithSmallBudgets() {
		application = new SpringApplicationBuilder(MembershipApplication.class).run("--server.port=0",
				"--management.server.port=0", "--membership.data-dir=" + dataDirectory,
				"--membership.jwt.secret=" + ApiClient.TEST_SECRET, "--membership.kafka.embedded.port=0",
				"--membership.rate-limits.commands-per-second=" + COMMANDS_PER_SECOND,
				"--membership.rate-limits.queries-per-second=" + QUERIES_PER_SECOND, "--spring.main.banner-mode=off");
		port = application.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	@AfterAll
	static void stop() {
		if (application != null) {
			application.close();
		}
	}

	/** Sends the same kind of request many times at once and answers the answers. */
	private static List<Answer> atOnce(int times, java.util.function.IntFunction<Answer> request) throws Exception {
		ExecutorService senders = Executors.newFixedThreadPool(times);
		try {
			List<Future<Answer>> sent = new ArrayList<>();
			for (int i = 0; i < times; i++) {
				int index = i;
				sent.add(senders.submit(() -> request.apply(index)));
			}
			List<Answer> answers = new ArrayList<>();
			for (Future<Answer> answer : sent) {
				answers.add(answer.get());
			}
			return answers;
		}
		finally {
			senders.shutdownNow();
		}
	}

	private static void sleepSeconds(String retryAfter) throws InterruptedException {
		Thread.sleep(Long.parseLong(retryAfter) * 1000 + 200);
	}

	@Test
	void commands_past_the_budget_are_answered_429_and_store_nothing() throws Exception {
		TestOrganization organization = TestOrganization.create(port);

		List<Answer> answers = atOnce(12, (i) -> organization.owner()
			.post(organization.path() + "/workspaces", "{\"title\":\"Burst " + i + "\"}"));

		List<Answer> accepted = answers.stream().filter((answer) -> answer.status() == 201).toList();
		List<Answer> limited = answers.stream().filter((answer) -> answer.status() == 429).toList();
		assertThat(accepted.size() + limited.size()).as(answers.toString()).isEqualTo(12);
		assertThat(accepted).as(answers.toString()).isNotEmpty();
		assertThat(limited).as(answers.toString()).isNotEmpty();
		for (Answer answer : limited) {
			assertProblem(answer, 429, "rate_limited");
			assertThat(Long.parseLong(answer.header("Retry-After"))).as(answer.toString()).isBetween(1L, 2L);
		}
		// The queries' budget is the caller's own too, and whole: the list answers, at
		// the version of the last accepted command, with only the accepted workspaces.
		long lastAccepted = 1 + accepted.size();
		Answer workspaces = organization.owner().get(organization.path() + "/workspaces?min_version=" + lastAccepted);
		assertThat(workspaces.status()).as(workspaces.toString()).isEqualTo(200);
		assertThat(workspaces.json().path("version").asLong()).isEqualTo(lastAccepted);
		assertThat(workspaces.text()).as("no limited request left a workspace behind")
			.contains(accepted.get(0).json().path("workspace_id").asString());
		assertThat(workspaces.json().path("workspaces").size()).isEqualTo(accepted.size());

		sleepSeconds(limited.get(0).header("Retry-After"));
		Answer next = organization.owner().post(organization.path() + "/workspaces", "{\"title\":\"After the wait\"}");
		assertThat(next.status()).as(next.toString()).isEqualTo(201);
		assertThat(next.json().path("version").asLong()).as("one version above the accepted ones")
			.isEqualTo(lastAccepted + 1);
	}

	@Test
	void a_limited_caller_leaves_every_other_caller_their_budget() throws Exception {
		TestOrganization organization = TestOrganization.create(port);
		List<Answer> flood = atOnce(10, (i) -> organization.owner()
			.post(organization.path() + "/workspaces", "{\"title\":\"Flood " + i + "\"}"));
		assertThat(flood).extracting(Answer::status).contains(429);

		Answer someoneElse = ApiClient.as(port, TestOrganization.newUserId())
			.post("/api/organizations", "{\"name\":\"Another caller\"}");

		assertThat(someoneElse.status()).as(someoneElse.toString()).isEqualTo(201);
	}

	@Test
	void queries_past_their_budget_are_answered_429() throws Exception {
		TestOrganization organization = TestOrganization.create(port);

		List<Answer> answers = atOnce(4 * QUERIES_PER_SECOND,
				(i) -> organization.owner().get(organization.path() + "/permissions/check?action=invite_users"));

		assertThat(answers).extracting(Answer::status).containsOnly(200, 429).contains(200, 429);
		answers.stream().filter((answer) -> answer.status() == 429).forEach((answer) -> {
			assertProblem(answer, 429, "rate_limited");
			assertThat(answer.header("Retry-After")).isEqualTo("1");
		});
	}

	@Test
	void a_limited_request_with_an_idempotency_key_is_done_when_sent_again() throws Exception {
		TestOrganization organization = TestOrganization.create(port);
		List<Answer> burst = atOnce(8,
				(i) -> organization.owner()
					.withHeader("Idempotency-Key", "burst-" + organization.id() + "-" + i)
					.post(organization.path() + "/workspaces", "{\"title\":\"Keyed " + i + "\"}"));
		int limitedIndex = -1;
		for (int i = 0; i < burst.size(); i++) {
			if (burst.get(i).status() == 429) {
				limitedIndex = i;
			}
		}
		assertThat(limitedIndex).as(burst.toString()).isNotNegative();
		sleepSeconds(burst.get(limitedIndex).header("Retry-After"));

		Answer again = organization.owner()
			.withHeader("Idempotency-Key", "burst-" + organization.id() + "-" + limitedIndex)
			.post(organization.path() + "/workspaces", "{\"title\":\"Keyed " + limitedIndex + "\"}");

		assertThat(again.status()).as("done now, not the 429 replayed: " + again).isEqualTo(201);
	}

}
