package io.membership.infra.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Every {@code membership.*} key the code reads is in the configuration metadata, so it
 * is documented (with its default) for operators and completed by IDEs.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ConfigurationMetadataTest {

	private static final Pattern READ_KEY = Pattern.compile("\\$\\{(membership\\.[a-z0-9.-]+)[:}]");

	@Test
	void every_membership_key_the_code_reads_is_in_the_configuration_metadata() throws IOException {
		Set<String> read = new TreeSet<>();
		try (Stream<Path> sources = Files.walk(Path.of(".."))) {
			for (Path source : sources.filter((path) -> path.toString().endsWith(".java"))
				.filter((path) -> path.toString().contains("/src/main/"))
				.toList()) {
				Matcher keys = READ_KEY.matcher(Files.readString(source));
				while (keys.find()) {
					read.add(keys.group(1));
				}
			}
		}
		assertThat(read).as("keys read with @Value and placeholders").hasSizeGreaterThan(15);
		ConfigurationKeys documented = ConfigurationKeys.onTheClasspath();
		assertThat(read).allSatisfy((key) -> assertThat(documented.documents(key)).as(key).isTrue());
	}

	@Test
	void the_records_bound_from_configuration_are_described_in_the_metadata() {
		ConfigurationKeys documented = ConfigurationKeys.onTheClasspath();
		assertThat(documented.documents("membership.jwt.user-id-claim")).isTrue();
		assertThat(documented.documents("membership.kafka.topics.replication-factor")).isTrue();
		assertThat(documented.documents("membership.invitations.url-template")).isTrue();
	}

}
