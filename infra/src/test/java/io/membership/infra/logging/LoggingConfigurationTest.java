package io.membership.infra.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The service's own logging configuration ({@code logback-spring.xml}, as the packaged
 * jar runs it; the tests run {@code logback-test.xml}, which includes the same rules):
 * what a client sent is logged with its control characters escaped, in messages and in
 * exception messages, and an unknown organization (a client's mistake) writes no stack
 * trace.
 */
@ExtendWith(OutputCaptureExtension.class)
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LoggingConfigurationTest {

	@TempDir
	Path logs;

	private LoggerContext context;

	@BeforeEach
	void configureAsThePackagedService() throws Exception {
		this.context = new LoggerContext();
		this.context.setMDCAdapter(new LogbackMDCAdapter());
		// Where base.xml would write its log file, if the configuration had one.
		this.context.putProperty("LOG_FILE", this.logs.resolve("spring.log").toString());
		this.context.putProperty("LOG_PATH", this.logs.toString());
		this.context.putProperty("LOG_TEMP", this.logs.toString());
		JoranConfigurator configurator = new JoranConfigurator();
		configurator.setContext(this.context);
		URL configuration = getClass().getClassLoader().getResource("logback-spring.xml");
		assertThat(configuration).isNotNull();
		configurator.doConfigure(configuration);
	}

	@AfterEach
	void stop() {
		this.context.stop();
	}

	@Test
	void the_console_is_the_only_output_and_no_file_is_written() throws Exception {
		this.context.getLogger("io.membership.test").error("Written somewhere");

		List<String> appenders = new ArrayList<>();
		this.context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining((appender) -> {
			appenders.add(appender.getClass().getSimpleName());
		});
		assertThat(appenders).containsExactly("ConsoleAppender");
		try (Stream<Path> written = Files.list(this.logs)) {
			assertThat(written).isEmpty();
		}
	}

	@Test
	void control_characters_in_a_message_are_escaped(CapturedOutput output) {
		Logger logger = this.context.getLogger("io.membership.test");

		logger.warn("Refused {}", "org_\u001b[31mred\r\n2026-01-01 ERROR forged line\u202e\u0085\u0000\ud800");

		assertThat(output.getOut())
			.contains("Refused org_\\u001b[31mred\\r\\n2026-01-01 ERROR forged line\\u202e\\u0085\\u0000\\ud800")
			.doesNotContain("\u001b", "\u202e", "\u0085", "\u0000");
	}

	@Test
	void valid_text_is_logged_as_it_is(CapturedOutput output) {
		this.context.getLogger("io.membership.test").info("Created \u05e9\u05dc\u05d5\u05dd \ud83d\ude00 \u4f60\u597d");

		assertThat(output.getOut()).contains("Created \u05e9\u05dc\u05d5\u05dd \ud83d\ude00 \u4f60\u597d");
	}

	@Test
	void control_characters_in_an_exception_message_are_escaped_and_the_stack_trace_kept(CapturedOutput output) {
		Exception failure = new IllegalStateException("id org_\u001b[2J\n\tat forged.Frame(Forged.java:1)",
				new IllegalArgumentException("cause \u0007"));

		this.context.getLogger("io.membership.test").error("Unexpected failure", failure);

		assertThat(output.getOut())
			.contains("java.lang.IllegalStateException: id org_\\u001b[2J\\n\\tat forged.Frame(Forged.java:1)")
			.contains("Caused by: java.lang.IllegalArgumentException: cause \\u0007")
			.contains("\tat io.membership.infra.logging.LoggingConfigurationTest")
			.doesNotContain("\u001b", "\u0007", "\n\tat forged.Frame");
	}

	@Test
	void an_organization_that_does_not_exist_is_not_logged_with_a_stack_trace(CapturedOutput output) {
		Logger axon = this.context.getLogger("org.axonframework.modelling.command.AbstractRepository");

		axon.warn("Exception occurred while trying to load a aggregate with identifier [{}].", "org_unknown",
				new AggregateNotFoundException("org_unknown", "The aggregate was not found in the event store"));
		axon.warn("Exception occurred while trying to load a aggregate with identifier [{}].", "org_broken",
				new IllegalStateException("the database is gone"));

		assertThat(output.getOut()).doesNotContain("org_unknown", "AggregateNotFoundException")
			.contains("org_broken", "the database is gone");
	}

	@Test
	void a_request_tomcat_cannot_parse_writes_no_stack_trace(CapturedOutput output) {
		Logger tomcat = this.context.getLogger("org.apache.coyote.http11.Http11Processor");

		tomcat.info("Error parsing HTTP request header", new IllegalArgumentException("Request header is too large"));
		tomcat.error("Error processing request", new IllegalStateException("the connector broke"));

		assertThat(output.getOut()).doesNotContain("Request header is too large").contains("the connector broke");
	}

}
