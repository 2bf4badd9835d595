package io.membership.infra.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.membership.audit.chain.HashChain;

/**
 * The README's Python recomputation of the chain, read from README.md, on exports the
 * service does not write today but an auditor may hold: one from before strings with an
 * unpaired surrogate were refused, and one edited to carry terminal escapes. It names the
 * line and stops, as the verifier does, instead of ending in a traceback or printing the
 * escapes raw. ({@link AuditUnicodeRoundTripTest} runs it on what the service exports.)
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ReadmePythonTest {

	static final String ZEROS = HashChain.GENESIS;

	@TempDir
	Path directory;

	record Run(int status, String printed) {
	}

	Run python(String export) throws IOException, InterruptedException {
		Path script = Files.writeString(this.directory.resolve("recompute.py"),
				AuditUnicodeRoundTripTest.readmePython());
		Path file = Files.writeString(this.directory.resolve("export.ndjson"), export);
		Process python = new ProcessBuilder("python3", script.toString(), file.toString()).redirectErrorStream(true)
			.start();
		String printed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return new Run(python.exitValue(), printed);
	}

	static String line(String eventId, String reason) {
		return "{\"organization_id\":\"org_1\",\"version\":1,\"event_id\":\"" + eventId
				+ "\",\"type\":\"MemberRoleChanged\",\"occurred_at\":\"2026-11-23T10:00:00Z\",\"payload\":{\"reason\":\""
				+ reason + "\"},\"prev_hash\":\"" + ZEROS + "\",\"hash\":\"" + ZEROS + "\"}\n";
	}

	@Test
	void a_line_holding_an_unpaired_surrogate_is_named_not_a_traceback() throws IOException, InterruptedException {
		Run run = python(line("evt_1", "\\ud800"));

		assertThat(run.status()).as(run.printed()).isEqualTo(1);
		assertThat(run.printed()).doesNotContain("Traceback")
			.startsWith("line 1: version 1 event 'evt_1' holds a string with no UTF-8 encoding");
	}

	@Test
	void what_it_prints_from_the_export_is_escaped() throws IOException, InterruptedException {
		Run run = python(line("\\u001b[31m\\u202eevt", "fine"));

		assertThat(run.status()).as(run.printed()).isEqualTo(1);
		assertThat(run.printed()).startsWith("line 1: version 1 event '\\x1b[31m\\u202eevt' does not match")
			.doesNotContain("\u001b")
			.doesNotContain("\u202e");
	}

}
