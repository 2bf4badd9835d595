package io.membership.infra.queries;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;

/**
 * A client that sends the version its command answered as {@code min_version} reads its
 * own write, every time (50 commands from five clients at once, each on an organization
 * of its own); and a version the view cannot reach answers 503 with {@code Retry-After}
 * once the configured wait is over, not sooner and not much later.
 */
@PostgresServiceTest
class ReadYourWritesTest {

	/** Upstream apps, each with an organization of its own, working at the same time. */
	private static final int CLIENTS = 5;

	/** Commands per client: 50 in all, each followed at once by its queries. */
	private static final int COMMANDS = 10;

	private static final List<String> ROLES = List.of("RE", "MA", "AD", "AN");

	@LocalServerPort
	int port;

	@Value("${membership.query.min-version-wait:5s}")
	Duration maxWait;

	@Test
	void a_query_with_the_version_its_command_answered_always_sees_that_command() throws Exception {
		List<String> stale = Collections.synchronizedList(new ArrayList<>());
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int client = 0; client < CLIENTS; client++) {
				done.add(clients.submit(() -> commandsEachFollowedByQueries(stale)));
			}
			for (Future<?> client : done) {
				client.get(2, TimeUnit.MINUTES);
			}
		}
		finally {
			clients.shutdownNow();
		}
		assertThat(stale).as("queries that did not see the command whose version they asked for").isEmpty();
	}

	/**
	 * One client: an Annotator's role goes round AN, RE, MA, AD and every fifth command
	 * assigns them to a workspace or removes them; after each command, the check, the
	 * member's permissions and who-can, all with the command's version as
	 * {@code min_version}, must show it.
	 */
	private void commandsEachFollowedByQueries(List<String> stale) {
		TestOrganization organization = TestOrganization.create(this.port);
		ApiClient owner = organization.owner();
		String workspace = organization.createWorkspace("Read your writes");
		long member = organization.join("AN").userId();
		String role = "AN";
		boolean assigned = false;
		for (int i = 0; i < COMMANDS; i++) {
			Answer command;
			if (i % 5 == 4) {
				assigned = !assigned;
				command = assigned
						? owner.post(organization.path() + "/workspaces/" + workspace + "/memberships",
								"{\"user_id\":" + member + "}")
						: owner.delete(organization.path() + "/workspaces/" + workspace + "/memberships/" + member);
			}
			else {
				role = ROLES.get((ROLES.indexOf(role) + 1) % ROLES.size());
				command = owner.post(organization.path() + "/memberships/" + member + "/role",
						"{\"role\":\"" + role + "\"}");
			}
			organization.recorded(command);
			long version = organization.version();
			String after = organization.id() + " after command " + (i + 1) + " (version " + version + ", " + role
					+ (assigned ? ", assigned" : ", not assigned") + ")";

			Answer check = owner.get(organization.path() + "/permissions/check?user_id=" + member
					+ "&action=workspace_read&workspace_id=" + workspace + "&min_version=" + version);
			boolean allowed = SeedTable
				.expected(role, "workspace_read", workspace, assigned ? Set.of(workspace) : Set.of())
				.allowed();
			if (check.status() != 200 || check.json().path("version").asLong() < version
					|| !check.json().path("role").asString().equals(role)
					|| check.json().path("allowed").asBoolean() != allowed) {
				stale.add("check " + after + " expected " + role + " allowed=" + allowed + ": " + check);
			}

			Answer permissions = owner
				.get(organization.path() + "/memberships/" + member + "/permissions?min_version=" + version);
			if (permissions.status() != 200 || permissions.json().path("version").asLong() < version
					|| !permissions.json().path("role").asString().equals(role)) {
				stale.add("permissions " + after + ": " + permissions);
			}

			Answer subjects = owner
				.get(organization.path() + "/permissions/subjects?action=workspace_read&workspace_id=" + workspace
						+ "&min_version=" + version);
			if (subjects.status() != 200 || listsMember(subjects.json(), member) != allowed
					|| Long.parseLong(subjects.header("ETag").replace("\"", "")) < version) {
				stale.add("subjects " + after + " expected the member listed=" + allowed + ": " + subjects);
			}
		}
	}

	@Test
	void a_version_the_view_does_not_reach_answers_503_with_retry_after_once_the_wait_is_over() {
		TestOrganization organization = TestOrganization.create(this.port);
		long unreachable = organization.version() + 1_000;

		long started = System.nanoTime();
		Answer answer = organization.owner()
			.get(organization.path() + "/permissions/check?action=access_labeling_workflow&min_version=" + unreachable);
		Duration waited = Duration.ofNanos(System.nanoTime() - started);

		JsonNode problem = assertProblem(answer, 503, "version_not_reached");
		assertThat(problem.path("detail").asString()).contains(Long.toString(unreachable));
		assertThat(answer.header("Retry-After")).as(answer.toString()).isNotNull().matches("[1-9][0-9]*");
		assertThat(waited).as("it waited the configured %s, then gave up", this.maxWait)
			.isGreaterThanOrEqualTo(this.maxWait.minusMillis(50))
			.isLessThan(this.maxWait.plusSeconds(2));
	}

	private static boolean listsMember(JsonNode subjects, long member) {
		for (JsonNode subject : subjects) {
			if (subject.path("user_id").asLong() == member) {
				return true;
			}
		}
		return false;
	}

}
