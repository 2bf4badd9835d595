package io.membership.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonValue;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.JsonNode;

import io.membership.events.MembershipEvent;

/**
 * What an auditor runs: the verifier's {@code main} in a JVM of its own, whose class path
 * holds the audit classes, the events classes and Jackson, and nothing of Spring, Axon or
 * Kafka. An export it cannot read without the service would fail here.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OfflineVerifierTest {

	@TempDir
	Path directory;

	@Test
	void verifies_an_export_with_the_audit_and_events_jars_and_jackson_alone()
			throws IOException, InterruptedException {
		Path export = this.directory.resolve("export.ndjson");
		Files.writeString(export,
				AuditVerifierTest.chain(AuditVerifierTest.history(AuditVerifierTest.ORG))
					.stream()
					.map(JsonNode::toString)
					.collect(Collectors.joining("\n", "", "\n")));
		String classPath = verifierClassPath();
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");

		Process verifier = new ProcessBuilder(List.of(java.toString(), "-cp", classPath, AuditVerifier.class.getName(),
				"--events", export.toString()))
			.redirectErrorStream(true)
			.start();
		String printed = new String(verifier.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

		assertThat(verifier.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(verifier.exitValue()).as(printed).isZero();
		assertThat(printed).startsWith("OK: 8 events of 1 organization(s), every hash verified");
	}

	/**
	 * What the verifier needs on its class path, and nothing of the service: the audit
	 * module, the events module and the JSON libraries.
	 */
	static String verifierClassPath() {
		return Stream.of(AuditVerifier.class, MembershipEvent.class, JsonNode.class, JsonParser.class, JsonValue.class)
			.map(OfflineVerifierTest::locationOf)
			.distinct()
			.collect(Collectors.joining(File.pathSeparator));
	}

	static String locationOf(Class<?> type) {
		try {
			return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
		}
		catch (java.net.URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
