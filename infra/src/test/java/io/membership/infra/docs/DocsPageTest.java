package io.membership.infra.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;

/**
 * The API reference at {@code /docs}: served by the service itself without a token, and
 * rendered by a real browser (headless Chromium) with every outside host unreachable, so
 * the page is shown to work offline.
 */
@PostgresServiceTest
class DocsPageTest {

	@LocalServerPort
	int port;

	@TempDir
	Path browserProfile;

	@Test
	void the_page_and_its_renderer_are_served_without_a_token() {
		ApiClient anonymous = ApiClient.anonymous(this.port);
		Answer page = anonymous.get("/docs/");
		assertThat(page.status()).as(page.toString()).isEqualTo(200);
		assertThat(page.header("Content-Type")).startsWith("text/html");
		assertThat(page.text()).contains("/webjars/swagger-ui/swagger-ui-bundle.js");
		Answer bare = anonymous.get("/docs");
		assertThat(bare.status()).isEqualTo(302);
		assertThat(bare.header("Location")).endsWith("/docs/");
		Answer renderer = anonymous.get("/webjars/swagger-ui/swagger-ui-bundle.js");
		assertThat(renderer.status()).as("the WebJar, found without its version").isEqualTo(200);
		assertThat(anonymous.get("/webjars/other/anything.js").status())
			.as("only Swagger UI's WebJar is open without a token")
			.isEqualTo(401);
	}

	@Test
	void a_headless_browser_renders_the_operations_offline() throws IOException, InterruptedException {
		Path browser = chromium();
		Process process = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
				"--disable-dev-shm-usage", "--user-data-dir=" + this.browserProfile,
				"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--virtual-time-budget=20000", "--dump-dom",
				"http://127.0.0.1:" + this.port + "/docs/")
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		String dom = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
		assertThat(dom).as("Swagger UI rendered the operations of /openapi.yaml")
			.contains("opblock-summary")
			.contains("List the projects the caller may read")
			.contains("/api/organizations/{organization_id}/permissions/check-batch");
		assertThat(dom).doesNotContain("Failed to load API definition");
	}

	/**
	 * Chromium from Debian's packages; {@code .ci/run} installs it when it is missing. A
	 * missing browser fails the test: a skipped check proves nothing.
	 */
	private static Path chromium() {
		Optional<Path> found = Stream.of(System.getenv("PATH").split(File.pathSeparator))
			.flatMap((directory) -> List.of("chromium", "chromium-browser", "google-chrome")
				.stream()
				.map((name) -> Path.of(directory, name)))
			.filter(Files::isExecutable)
			.findFirst();
		assertThat(found)
			.as("No Chromium on PATH: install it (Debian: apt-get install -y chromium), as .ci/run does when it is missing")
			.isPresent();
		return found.get();
	}

}
