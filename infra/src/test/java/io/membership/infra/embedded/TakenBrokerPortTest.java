package io.membership.infra.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import io.membership.infra.kafka.EmbeddedBrokerPortInUseException;
import io.membership.infra.support.ApiClient;

/**
 * A newcomer whose port 9092 is taken hears so in one clear report with what to do, not
 * in hundreds of lines of the broker's stack traces.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@ExtendWith(OutputCaptureExtension.class)
class TakenBrokerPortTest {

	@TempDir
	Path dataDirectory;

	@Test
	void start_up_stops_with_one_clear_report_when_the_brokers_port_is_taken(CapturedOutput output) throws IOException {
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			int port = taken.getLocalPort();
			assertThatThrownBy(() -> new SpringApplicationBuilder(MembershipApplication.class).run("--server.port=0",
					"--management.server.port=0", "--membership.data-dir=" + this.dataDirectory,
					"--membership.jwt.secret=" + ApiClient.TEST_SECRET, "--membership.kafka.embedded.port=" + port,
					"--spring.main.banner-mode=off"))
				.hasRootCauseInstanceOf(java.net.BindException.class)
				.satisfies((failure) -> assertThat(failure)
					.hasStackTraceContaining(EmbeddedBrokerPortInUseException.class.getName()));
			assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
				.contains("The embedded Kafka broker cannot listen on 127.0.0.1:" + port + ": the port is in use.")
				.contains("MEMBERSHIP_KAFKA_EMBEDDED_PORT")
				.doesNotContain("KafkaRaftServer");
		}
	}

}
