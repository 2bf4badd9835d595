package io.membership.infra.configuration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every configuration key the service documents: the configuration metadata on the
 * classpath (Spring Boot's own, the processor's for this service's
 * {@code @ConfigurationProperties}, and
 * {@code additional-spring-configuration-metadata.json} for the keys read one by one),
 * and the environment variables {@code application.yml} names itself.
 */
final class ConfigurationKeys {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern PLACEHOLDER_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

	private final Set<String> properties = new TreeSet<>();

	private final Set<String> relaxedVariables = new TreeSet<>();

	private final Set<String> placeholderVariables = new TreeSet<>();

	private ConfigurationKeys() {
	}

	static ConfigurationKeys onTheClasspath() {
		ConfigurationKeys keys = new ConfigurationKeys();
		try {
			for (String name : new String[] { "META-INF/spring-configuration-metadata.json",
					"META-INF/additional-spring-configuration-metadata.json" }) {
				for (URL resource : Collections.list(ConfigurationKeys.class.getClassLoader().getResources(name))) {
					try (InputStream in = resource.openStream()) {
						JsonNode metadata = JSON.readTree(in);
						metadata.path("properties").forEach((property) -> keys.add(property.path("name").asString()));
					}
				}
			}
			try (InputStream in = ConfigurationKeys.class.getClassLoader().getResourceAsStream("application.yml")) {
				Matcher variables = PLACEHOLDER_VARIABLE.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
				while (variables.find()) {
					keys.placeholderVariables.add(variables.group(1));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return keys;
	}

	private void add(String property) {
		this.properties.add(property);
		this.relaxedVariables.add(relaxed(property, ""));
		this.relaxedVariables.add(relaxed(property, "_"));
	}

	/**
	 * An environment variable Spring Boot binds to a property: upper case, dots as
	 * underscores, and dashes dropped (the canonical form) or, as Boot also accepts,
	 * underscores too.
	 */
	static String relaxed(String property, String dash) {
		return property.replace("-", dash).replace('.', '_').replace("[", "").replace("]", "").toUpperCase(Locale.ROOT);
	}

	boolean documents(String property) {
		return this.properties.contains(property);
	}

	/** Whether the service reads this environment variable. */
	boolean reads(String variable) {
		return this.placeholderVariables.contains(variable) || this.relaxedVariables.contains(variable);
	}

}
