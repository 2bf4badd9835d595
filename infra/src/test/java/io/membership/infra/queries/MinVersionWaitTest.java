package io.membership.infra.queries;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.events.ids.OrganizationId;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * {@code min_version} is decided after the caller's right to read: a caller who may not
 * read the query is answered 404 or 403 at once, whatever version they name, so waiting
 * neither tells a non-member anything nor lets them tie up the service. Only a caller who
 * may read waits, a few requests at most (429 beyond), each for at most the configured
 * time (then 503 with {@code Retry-After}).
 */
@PostgresServiceTest
class MinVersionWaitTest {

	/** Far under the configured wait: what "at once" means here, on two busy cores. */
	private static final Duration AT_ONCE = Duration.ofMillis(1_500);

	@LocalServerPort
	int port;

	@Value("${membership.query.min-version-wait:5s}")
	Duration maxWait;

	@Value("${membership.query.max-waiting-per-caller:4}")
	int maxWaitingPerCaller;

	private final ExecutorService clients = Executors.newCachedThreadPool();

	private TestOrganization organization;

	private Member anna;

	private Member rita;

	@BeforeEach
	void anOrganizationWithAnAnnotatorAndAReviewer() {
		this.organization = TestOrganization.create(this.port);
		this.anna = this.organization.join("AN");
		this.rita = this.organization.join("RE");
	}

	@AfterEach
	void stopClients() {
		this.clients.shutdownNow();
	}

	private String unreachable() {
		return "min_version=" + (this.organization.version() + 1_000);
	}

	@Test
	void fifty_waiting_requests_from_a_non_member_all_answer_404_at_once_while_the_owner_is_answered() {
		ApiClient outsider = TestOrganization.create(this.port).owner();
		String unknown = "/api/organizations/" + OrganizationId.generate().value();
		List<String> queries = List.of("/memberships?", "/permissions/matrix?", "/activity-log?", "/workspaces?",
				"/permissions/check?action=workspace_read&");

		List<CompletableFuture<Timed>> probes = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			String organizationPath = (i % 10 == 9) ? unknown : this.organization.path();
			String query = organizationPath + queries.get(i % queries.size()) + unreachable();
			probes.add(timed(() -> outsider.get(query)));
		}
		Timed owner = timed(() -> this.organization.owner()
			.get(this.organization.path() + "/permissions/check?action=workspace_read")).join();

		for (CompletableFuture<Timed> probe : probes) {
			Timed answered = probe.join();
			assertProblem(answered.answer(), 404, "organization_not_found");
			assertThat(answered.answer().header("Retry-After")).isNull();
			assertThat(answered.took()).as("a non-member is answered at once: %s", answered.answer())
				.isLessThan(AT_ONCE);
		}
		assertThat(owner.answer().status()).as(owner.answer().toString()).isEqualTo(200);
		assertThat(owner.took()).isLessThan(AT_ONCE);
	}

	@Test
	void an_annotator_asking_for_a_query_only_administrators_read_gets_403_at_once_whatever_the_version() {
		for (String query : List.of("/activity-log?", "/permissions/subjects?action=workspace_read&",
				"/memberships?")) {
			Timed answered = timed(() -> this.anna.client().get(this.organization.path() + query + unreachable()))
				.join();

			assertProblem(answered.answer(), 403, "action_not_permitted");
			assertThat(answered.took()).as(query).isLessThan(AT_ONCE);
		}
	}

	@Test
	void a_reviewer_asking_about_another_member_gets_403_at_once_whatever_the_version() {
		long other = this.anna.userId();
		for (String query : List.of("/memberships/" + other + "?", "/memberships/" + other + "/role-history?",
				"/memberships/" + other + "/permissions?",
				"/permissions/check?action=workspace_read&user_id=" + other + "&")) {
			Timed answered = timed(() -> this.rita.client().get(this.organization.path() + query + unreachable()))
				.join();

			assertProblem(answered.answer(), 403, "action_not_permitted");
			assertThat(answered.took()).as(query).isLessThan(AT_ONCE);
		}
	}

	@Test
	void a_member_waiting_for_the_version_of_a_command_sent_meanwhile_gets_the_answer_at_that_version()
			throws Exception {
		long next = this.organization.version() + 1;
		CompletableFuture<Timed> check = timed(() -> this.organization.owner()
			.get(this.organization.path() + "/permissions/check?user_id=" + this.anna.userId()
					+ "&action=view_annotator_dashboard&min_version=" + next));
		CompletableFuture<Timed> own = timed(() -> this.anna.client()
			.get(this.organization.path() + "/memberships/" + this.anna.userId() + "?min_version=" + next));
		Thread.sleep(300);
		assertThat(check).as("still waiting for a version nobody has produced yet").isNotDone();

		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/memberships/" + this.anna.userId() + "/role", "{\"role\":\"RE\"}"));

		Answer checked = check.get(10, TimeUnit.SECONDS).answer();
		assertThat(checked.status()).as(checked.toString()).isEqualTo(200);
		assertThat(checked.json().path("role").asString()).isEqualTo("RE");
		assertThat(checked.json().path("version").asLong()).isEqualTo(next);
		assertThat(checked.header("ETag")).isEqualTo("\"" + next + "\"");
		Answer read = own.get(10, TimeUnit.SECONDS).answer();
		assertThat(read.status()).as(read.toString()).isEqualTo(200);
		assertThat(read.json().path("role").asString()).isEqualTo("RE");
		assertThat(read.json().path("version").asLong()).isEqualTo(next);
		for (Answer answer : List.of(checked, read)) {
			answer.headers()
				.forEach((name, values) -> assertThat(values).as("%s, written once: %s", name, answer.headers())
					.hasSize(1));
		}
	}

	/**
	 * A query with a body is run again from the start once its version is reached: the
	 * body read the first time must be read again then.
	 */
	@Test
	void a_batch_check_waiting_for_the_version_of_a_command_sent_meanwhile_answers_its_items_at_that_version()
			throws Exception {
		long next = this.organization.version() + 1;
		CompletableFuture<Timed> batch = timed(() -> this.organization.owner()
			.post(this.organization.path() + "/permissions/check-batch?min_version=" + next,
					"{\"checks\":[{\"correlation_id\":\"anna\",\"user_id\":" + this.anna.userId()
							+ ",\"action\":\"access_review_workflow\"}]}"));
		Thread.sleep(300);
		assertThat(batch).as("still waiting for a version nobody has produced yet").isNotDone();

		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/memberships/" + this.anna.userId() + "/role", "{\"role\":\"RE\"}"));

		Answer answered = batch.get(10, TimeUnit.SECONDS).answer();
		assertThat(answered.status()).as(answered.toString()).isEqualTo(200);
		assertThat(answered.json().path("version").asLong()).isEqualTo(next);
		assertThat(answered.json().path("results").get(0).path("correlation_id").asString()).isEqualTo("anna");
		assertThat(answered.json().path("results").get(0).path("allowed").asBoolean()).isTrue();
		assertThat(answered.json().path("results").get(0).path("role").asString()).isEqualTo("RE");
	}

	@Test
	void a_caller_waits_with_at_most_a_few_requests_beyond_which_it_gets_429_at_once() {
		ApiClient owner = this.organization.owner();
		String waiting = this.organization.path() + "/permissions/matrix?" + unreachable();
		List<CompletableFuture<Timed>> requests = new ArrayList<>();
		for (int i = 0; i <= this.maxWaitingPerCaller; i++) {
			requests.add(timed(() -> owner.get(waiting)));
		}
		// Another caller's wait is not held back by the Owner's: it ends with the
		// command.
		long next = this.organization.version() + 1;
		CompletableFuture<Timed> annas = timed(
				() -> this.anna.client().get(this.organization.path() + "/workspaces?min_version=" + next));
		CompletableFuture<Timed> refused = CompletableFuture.anyOf(requests.toArray(CompletableFuture[]::new))
			.thenApply(Timed.class::cast);
		Timed first = refused.join();
		this.organization.recorded(
				this.organization.owner().post(this.organization.path() + "/workspaces", "{\"title\":\"Meanwhile\"}"));

		assertProblem(first.answer(), 429, "too_many_waiting");
		assertThat(first.answer().header("Retry-After")).as(first.answer().toString()).matches("[1-9][0-9]*");
		assertThat(first.took()).isLessThan(AT_ONCE);
		Answer anna = annas.join().answer();
		assertThat(anna.status()).as(anna.toString()).isEqualTo(200);
		assertThat(anna.json().path("version").asLong()).isEqualTo(next);
		int tooMany = 0;
		for (CompletableFuture<Timed> request : requests) {
			Timed answered = request.join();
			if (answered.answer().status() == 429) {
				tooMany++;
				continue;
			}
			assertProblem(answered.answer(), 503, "version_not_reached");
			assertThat(answered.answer().header("Retry-After")).isEqualTo("1");
			assertThat(answered.took()).as("waited the configured %s, then gave up", this.maxWait)
				.isGreaterThanOrEqualTo(this.maxWait.minusMillis(50))
				.isLessThan(this.maxWait.plusSeconds(2));
		}
		assertThat(tooMany).as("requests refused beyond %d waiting", this.maxWaitingPerCaller).isEqualTo(1);

		long later = this.organization.version() + 1;
		CompletableFuture<Timed> afterwards = timed(
				() -> owner.get(this.organization.path() + "/permissions/matrix?min_version=" + later));
		this.organization.recorded(
				this.organization.owner().post(this.organization.path() + "/workspaces", "{\"title\":\"Afterwards\"}"));
		Answer again = afterwards.join().answer();
		assertThat(again.status()).as("the Owner's waits are over, so they may wait again: %s", again).isEqualTo(200);
		assertThat(again.json().path("version").asLong()).isEqualTo(later);
	}

	private CompletableFuture<Timed> timed(Supplier<Answer> request) {
		return CompletableFuture.supplyAsync(() -> {
			long started = System.nanoTime();
			Answer answer = request.get();
			return new Timed(answer, Duration.ofNanos(System.nanoTime() - started));
		}, this.clients);
	}

	/** An answer and how long it took to come. */
	private record Timed(Answer answer, Duration took) {
	}

}
