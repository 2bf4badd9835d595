package io.membership.infra;

import java.util.List;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the jar's commands that work beside a stopped service share
 * ({@code rebuild-projections}, {@code republish}): a Spring context of only the parts
 * they name, with the service's configuration and the {@code --property=value} arguments,
 * quiet but for their own report; and one line that says why one failed.
 */
public final class OfflineCommands {

	private OfflineCommands() {
	}

	/** Whether an argument is a {@code --property=value} for the context. */
	public static boolean isProperty(String argument) {
		return argument.startsWith("--") && argument.contains("=");
	}

	/**
	 * A context of {@code components}: no web server, banner or shutdown hook, and only
	 * warnings logged (none from Kafka's clients, the embedded broker or Flyway), since
	 * the command's report is its output.
	 */
	public static ConfigurableApplicationContext start(Class<?> components, List<String> properties) {
		return new SpringApplicationBuilder(components).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.properties("logging.level.root=WARN", "logging.level.org.apache.kafka=ERROR", "logging.level.kafka=ERROR",
					"logging.level.org.flywaydb=ERROR")
			.run(properties.toArray(String[]::new));
	}

	/** {@code <command> failed: <message> (<root cause's message>)}. */
	public static String failure(String command, RuntimeException ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return command + " failed: " + ex.getMessage()
				+ ((cause != ex && cause.getMessage() != null) ? " (" + cause.getMessage() + ")" : "");
	}

}
