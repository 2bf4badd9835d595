package io.membership.infra.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.membership.infra.MembershipApplication;
import io.membership.infra.support.ApiClient;

/**
 * A data directory the service cannot use is reported in one clear report naming it and
 * what to do, before the database, the broker or the keys each fail on it with their own
 * stack trace.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@ExtendWith(OutputCaptureExtension.class)
class UnusableDataDirectoryTest {

	@TempDir
	Path temporary;

	private static void start(Path dataDirectory) {
		new SpringApplicationBuilder(MembershipApplication.class).run("--server.port=0", "--management.server.port=0",
				"--membership.data-dir=" + dataDirectory, "--membership.jwt.secret=" + ApiClient.TEST_SECRET,
				"--membership.kafka.embedded.port=0", "--spring.main.banner-mode=off");
	}

	@Test
	void a_file_where_the_data_directory_should_be_stops_start_up_with_one_report(CapturedOutput output)
			throws IOException {
		Path file = Files.writeString(this.temporary.resolve("not-a-directory"), "");

		assertThatThrownBy(() -> start(file)).hasStackTraceContaining("DataDirectoryUnusableException");

		assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
			.contains("The data directory " + file + " cannot be used: it is a file, not a directory.")
			.contains("MEMBERSHIP_DATA_DIR")
			.doesNotContain("org.h2")
			.doesNotContain("KafkaRaftServer");
	}

	@Test
	void a_data_directory_below_a_file_is_reported_with_what_is_in_the_way(CapturedOutput output) throws IOException {
		Path file = Files.writeString(this.temporary.resolve("a-file"), "");
		Path below = file.resolve("data");

		assertThatThrownBy(() -> start(below)).hasStackTraceContaining("DataDirectoryUnusableException");

		assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
			.contains("The data directory " + below + " cannot be used: ")
			.doesNotContain("org.h2");
	}

	@Test
	void a_missing_data_directory_is_created_as_before() throws IOException {
		Path missing = this.temporary.resolve("new/data");

		try (var context = new SpringApplicationBuilder(MembershipApplication.class).run("--server.port=0",
				"--management.server.port=0", "--membership.data-dir=" + missing,
				"--membership.jwt.secret=" + ApiClient.TEST_SECRET, "--membership.kafka.embedded.port=0",
				"--spring.main.banner-mode=off")) {
			assertThat(missing).isDirectory();
			assertThat(missing.resolve("kafka")).isDirectory();
		}
	}

}
