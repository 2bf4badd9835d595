package io.membership.infra.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.membership.infra.MembershipApplication;

/**
 * The service on its embedded default, in this JVM, as {@code java -jar membership.jar}
 * runs it with no database or Kafka configured: everything in the given data directory,
 * on free ports, accepting the tests' token secret. Started again on the same directory,
 * it carries on where it stopped.
 */
public final class EmbeddedService {

	private EmbeddedService() {
	}

	/**
	 * Starts it; {@code properties} ({@code --name=value}) come on top of the defaults.
	 */
	public static ConfigurableApplicationContext start(Path dataDirectory, String... properties) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
				"--membership.data-dir=" + dataDirectory, "--membership.jwt.secret=" + ApiClient.TEST_SECRET,
				"--membership.kafka.embedded.port=0", "--spring.main.banner-mode=off"));
		arguments.addAll(List.of(properties));
		return new SpringApplicationBuilder(MembershipApplication.class).run(arguments.toArray(String[]::new));
	}

	/** The port its API listens on. */
	public static int port(ConfigurableApplicationContext service) {
		return service.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

}
