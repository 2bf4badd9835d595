package io.membership.infra.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.membership.infra.MembershipApplication;

/**
 * The README's walkthrough, read from README.md and run as written with bash, curl, jq
 * and the development token script against a fresh service on its embedded default (its
 * development secret included): a step that fails stops the script, so the walkthrough
 * cannot go stale.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ReadmeWalkthroughTest {

	private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

	private static final String FIRST_LINE = "OWNER=$(scripts/dev-token.sh 1)";

	@TempDir
	Path dataDirectory;

	static String walkthrough() throws IOException {
		String readme = Files.readString(REPOSITORY.resolve("README.md"));
		int start = readme.indexOf("```sh\n" + FIRST_LINE);
		assertThat(start).as("the walkthrough in README.md").isNotNegative();
		int body = start + "```sh\n".length();
		return readme.substring(body, readme.indexOf("```\n", body));
	}

	@Test
	void the_walkthrough_runs_as_written_against_the_embedded_default() throws Exception {
		String script = walkthrough();
		try (ConfigurableApplicationContext service = new SpringApplicationBuilder(MembershipApplication.class).run(
				"--server.port=0", "--management.server.port=0", "--membership.data-dir=" + this.dataDirectory,
				"--membership.kafka.embedded.port=0", "--spring.main.banner-mode=off")) {
			int port = service.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			ProcessBuilder bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
				.directory(REPOSITORY.toFile())
				.redirectErrorStream(true);
			bash.environment().put("API", "http://127.0.0.1:" + port + "/api");
			bash.environment().remove("MEMBERSHIP_JWT_SECRET");
			Process run = bash.start();
			String printed = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
			assertThat(run.exitValue()).as(printed).isZero();
			assertThat(printed).as("the refusal is a problem with a code")
				.contains("\"status\":403")
				.as("no review workflow in the project, where they are an Annotator")
				.contains("\"allowed\":false,\"role\":\"AN\"")
				.as("their own data in the project, as it allows")
				.contains("\"scope\":\"own\"")
				.as("the project's members with the path that gives access")
				.contains("\"via\":\"membership\"")
				.as("the role history names the project")
				.contains("\"project_id\":\"17\"");
		}
	}

}
