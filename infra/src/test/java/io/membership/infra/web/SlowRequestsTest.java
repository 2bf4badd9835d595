package io.membership.infra.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * default with its own settings otherwise, and the rest of the service is answered
 * regardless. Queries waiting for a version hold no thread at all; a client that sends
 * half a body holds one for the body-read timeout only; and health is served on the
 * management port, by threads of its own.
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

	private static int managementPort;

	/** As the service configures it. */
	private static Duration bodyReadTimeout;

	private final ExecutorService clients = Executors.newCachedThreadPool();

	@BeforeAll
	static void startWithFewRequestThreads() {
		application = new SpringApplicationBuilder(MembershipApplication.class).run("--server.port=0",
				"--server.tomcat.threads.max=" + REQUEST_THREADS, "--server.tomcat.threads.min-spare=1",
				"--management.server.port=0", "--membership.data-dir=" + dataDirectory,
				"--membership.jwt.secret=" + ApiClient.TEST_SECRET, "--membership.kafka.embedded.port=0",
				"--spring.main.banner-mode=off");
		port = application.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		managementPort = application.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
		bodyReadTimeout = application.getEnvironment()
			.getRequiredProperty("server.tomcat.connection-timeout", Duration.class);
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

	@Test
	void clients_sending_half_a_body_hold_a_request_thread_only_for_the_body_read_timeout_and_never_starve_health()
			throws Exception {
		String token = ApiClient.token(Long.toString(TestOrganization.newUserId()), null,
				Instant.now().plusSeconds(600), ApiClient.TEST_SECRET);
		byte[] halfARequest = ("POST /api/organizations HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
				+ "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":\"")
			.getBytes(StandardCharsets.US_ASCII);
		long started = System.nanoTime();
		List<Socket> flood = new ArrayList<>();
		try {
			for (int i = 0; i < 2 * REQUEST_THREADS; i++) {
				Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
				socket.setSoTimeout(60_000);
				socket.getOutputStream().write(halfARequest);
				socket.getOutputStream().flush();
				flood.add(socket);
			}
			Thread.sleep(500);

			long asked = System.nanoTime();
			Answer health = ApiClient.anonymous(managementPort).get("/actuator/health");
			assertThat(health.status()).as(health.toString()).isEqualTo(200);
			assertThat(health.json().path("status").asString()).isEqualTo("UP");
			assertThat(Duration.ofNanos(System.nanoTime() - asked))
				.as("health answers while every request thread reads a body that does not come")
				.isLessThan(AT_ONCE);

			assertThat(bodyReadTimeout).isLessThanOrEqualTo(Duration.ofSeconds(5));
			for (Socket socket : flood) {
				String answer = firstLine(socket);
				assertThat(answer).startsWith("HTTP/1.1 408");
				assertThat(socket.getInputStream().readAllBytes()).as("the rest of the answer, then the end")
					.isNotEmpty();
				assertThat(Duration.ofNanos(System.nanoTime() - started))
					.as("two rounds of the body-read timeout for twice as many slow clients as threads")
					.isLessThan(bodyReadTimeout.multipliedBy(2).plusSeconds(3));
			}
		}
		finally {
			for (Socket socket : flood) {
				socket.close();
			}
		}
		Answer afterwards = ApiClient.as(port, TestOrganization.newUserId())
			.post("/api/organizations", "{\"name\":\"After the flood\"}");
		assertThat(afterwards.status()).as(afterwards.toString()).isEqualTo(201);
	}

	/**
	 * The status line the server answered, or what it did instead (closed the
	 * connection).
	 */
	private static String firstLine(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		StringBuilder line = new StringBuilder();
		for (int next = in.read(); next >= 0 && next != '\r' && next != '\n'; next = in.read()) {
			line.append((char) next);
		}
		return (line.length() > 0) ? line.toString() : "(closed)";
	}

}
