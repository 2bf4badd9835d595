package io.membership.infra.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
import io.membership.infra.support.TestOrganization.Member;

/**
 * Requests that take long without working must not take the service's request threads
 * with them: here Tomcat has only {@value #REQUEST_THREADS} of them, on the embedded
 * default, and the rest of the service is answered regardless.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SlowRequestsTest {

	private static final int REQUEST_THREADS = 4;

	/** Far under the wait for a version: what "at once" means here, on two busy cores. */
	private static final Duration AT_ONCE = Duration.ofMillis(1_500);

	@TempDir
	static Path dataDirectory;

	private static ConfigurableApplicationContext application;

	private static int port;

	private final ExecutorService clients = Executors.newCachedThreadPool();

	@BeforeAll
	static void startWithFewRequestThreads() {
		application = new SpringApplicationBuilder(MembershipApplication.class).run("--server.port=0",
				"--server.tomcat.threads.max=" + REQUEST_THREADS, "--server.tomcat.threads.min-spare=1",
				"--membership.data-dir=" + dataDirectory, "--membership.jwt.secret=" + ApiClient.TEST_SECRET,
				"--membership.kafka.embedded.port=0", "--spring.main.banner-mode=off");
		port = application.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	@AfterAll
	static void stop() {
		if (application != null) {
			application.close();
		}
	}

	@AfterEach
	void stopClients() {
		this.clients.shutdownNow();
	}

	@Test
	void more_requests_waiting_for_a_version_than_request_threads_all_get_their_answer() throws Exception {
		TestOrganization organization = TestOrganization.create(port);
		List<ApiClient> callers = new ArrayList<>(List.of(organization.owner()));
		for (int i = 0; i < 3; i++) {
			Member member = organization.join("RE");
			callers.add(member.client());
		}
		long next = organization.version() + 1;
		String query = organization.path() + "/permissions/matrix?min_version=" + next;
		List<CompletableFuture<Answer>> waiting = new ArrayList<>();
		for (ApiClient caller : callers) {
			for (int i = 0; i < 4; i++) {
				waiting.add(CompletableFuture.supplyAsync(() -> caller.get(query), this.clients));
			}
		}
		assertThat(waiting).hasSizeGreaterThan(3 * REQUEST_THREADS);
		Thread.sleep(500);

		long started = System.nanoTime();
		Answer meanwhile = organization.owner().get(organization.path() + "/permissions/matrix");
		assertThat(meanwhile.status()).as(meanwhile.toString()).isEqualTo(200);
		assertThat(Duration.ofNanos(System.nanoTime() - started))
			.as("a request while %d others wait is answered at once", waiting.size())
			.isLessThan(AT_ONCE);
		organization
			.recorded(organization.owner().post(organization.path() + "/workspaces", "{\"title\":\"At last\"}"));

		for (CompletableFuture<Answer> request : waiting) {
			Answer answer = request.get(20, TimeUnit.SECONDS);
			assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
			assertThat(answer.json().path("version").asLong()).isEqualTo(next);
		}
	}

}
