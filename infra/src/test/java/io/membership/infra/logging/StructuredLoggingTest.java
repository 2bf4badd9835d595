package io.membership.infra.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.infra.MembershipApplication;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TestOrganization;

/**
 * Spring Boot's structured logging, as an operator turns it on
 * ({@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs}), on the embedded default: every line is
 * a JSON document, and a request's lines carry its correlation id and the trace id of the
 * caller's {@code traceparent}.
 */
@ExtendWith(OutputCaptureExtension.class)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StructuredLoggingTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

	@TempDir
	Path dataDirectory;

	/**
	 * Spring Boot leaves the format it was given in a system property, which would turn
	 * every later test's console into JSON: removed, and Logback configured from the test
	 * configuration again.
	 */
	@AfterEach
	void plainConsoleAgain() throws Exception {
		System.clearProperty("CONSOLE_LOG_STRUCTURED_FORMAT");
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		context.reset();
		new ContextInitializer(context).autoConfig();
	}

	@Test
	void with_ecs_on_the_console_a_commands_log_line_is_json_with_its_correlation_and_trace_ids(CapturedOutput output) {
		try (ConfigurableApplicationContext application = new SpringApplicationBuilder(MembershipApplication.class).run(
				"--server.port=0", "--management.server.port=0", "--membership.data-dir=" + this.dataDirectory,
				"--membership.jwt.secret=" + ApiClient.TEST_SECRET, "--membership.kafka.embedded.port=0",
				"--spring.main.banner-mode=off", "--logging.structured.format.console=ecs")) {
			int port = application.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			Answer created = ApiClient.as(port, TestOrganization.newUserId())
				.withHeader("X-Correlation-Id", "structured-logging-1")
				.withHeader("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
				.post("/api/organizations", "{\"name\":\"Logged\"}");
			assertThat(created.status()).as(created.toString()).isEqualTo(201);
		}

		List<String> lines = output.getOut().lines().filter((line) -> line.contains("structured-logging-1")).toList();
		assertThat(lines).as("the lines of the request").isNotEmpty();
		for (String line : lines) {
			JsonNode logged = JSON.readTree(line);
			assertThat(logged.path("correlationId").asString()).as(line).isEqualTo("structured-logging-1");
			assertThat(logged.path("traceId").asString()).as("the caller's trace: %s", line).isEqualTo(TRACE_ID);
			assertThat(logged.has("@timestamp")).as("an ECS document: %s", line).isTrue();
		}
		assertThat(lines).as("the request's own line")
			.anySatisfy((line) -> assertThat(JSON.readTree(line).path("message").asString())
				.startsWith("POST /api/organizations 201 "));
	}

}
