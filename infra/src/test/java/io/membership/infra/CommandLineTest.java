package io.membership.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar membership.jar ...} as a newcomer types it: {@code --help} explains, a
 * mistyped command is refused with exit status 2 instead of starting the server, and only
 * options start the service.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CommandLineTest {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private Integer run(String... args) {
		return MembershipApplication.command(args, new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8));
	}

	private String out() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	private String err() {
		return this.err.toString(StandardCharsets.UTF_8);
	}

	@Test
	void help_prints_the_usage_of_the_service_and_its_commands_and_exits_0() {
		assertThat(run("--help")).isZero();
		assertThat(out()).contains("verify --events")
			.contains("[--histories]")
			.contains("rebuild-projections")
			.contains("republish")
			.contains("--help");
	}

	@Test
	void each_command_explains_itself_with_help() {
		assertThat(run("verify", "--help")).isZero();
		assertThat(out()).startsWith("usage: verify").contains("[--histories]");
		assertThat(run("rebuild-projections", "--help")).isZero();
		assertThat(out()).contains("usage: rebuild-projections");
		assertThat(run("republish", "--help")).isZero();
		assertThat(out()).contains("usage: republish");
	}

	@Test
	void a_mistyped_command_is_refused_with_status_2_and_the_usage() {
		assertThat(run("rebuild-projection")).isEqualTo(2);
		assertThat(err()).contains("unknown command or argument 'rebuild-projection'").contains("usage:");
		assertThat(run("--server.port=0", "serve")).isEqualTo(2);
	}

	@Test
	void no_arguments_or_only_options_start_the_service() {
		assertThat(run()).isNull();
		assertThat(run("--server.port=0", "--membership.data-dir=/tmp/x")).isNull();
		assertThat(out()).isEmpty();
		assertThat(err()).isEmpty();
	}

}
