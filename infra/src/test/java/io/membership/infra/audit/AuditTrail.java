package io.membership.infra.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.membership.audit.verify.AuditVerifier;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;

/**
 * What an auditor does over HTTP: fetch an organization's export, its checkpoints and the
 * public key into files, and run the offline verifier on them.
 */
final class AuditTrail {

	static final String AUDIT_SCOPE = "membership:audit";

	private AuditTrail() {
	}

	/** A service principal with the {@code membership:audit} scope. */
	static ApiClient auditService(int port) {
		return ApiClient.anonymous(port)
			.withToken(ApiClient.token("900001", AUDIT_SCOPE, Instant.now().plusSeconds(600), ApiClient.TEST_SECRET));
	}

	/**
	 * Repeats the request until its answer passes, for what depends on the query side's
	 * view of who is a member (it follows the commands within moments).
	 */
	static Answer eventually(Supplier<Answer> request, Predicate<Answer> until) {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
		Answer answer = request.get();
		while (!until.test(answer) && Instant.now().isBefore(deadline)) {
			sleep(100);
			answer = request.get();
		}
		return answer;
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** An organization's full export, its checkpoints and the key, as files. */
	static Files3 download(ApiClient auditor, String organizationId, Path directory) {
		Answer export = auditor.get("/api/organizations/" + organizationId + "/audit/events");
		assertThat(export.status()).as(export.toString()).isEqualTo(200);
		assertThat(export.header("Content-Type")).startsWith("application/x-ndjson");
		Answer checkpoints = auditor.get("/api/organizations/" + organizationId + "/audit/checkpoints");
		assertThat(checkpoints.status()).as(checkpoints.toString()).isEqualTo(200);
		Answer key = auditor.get("/api/audit/public-key");
		assertThat(key.status()).as(key.toString()).isEqualTo(200);
		try {
			return new Files3(Files.writeString(directory.resolve("export.ndjson"), export.text()),
					Files.writeString(directory.resolve("checkpoints.json"), checkpoints.text()),
					Files.writeString(directory.resolve("public-key.json"), key.text()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** As the README's audit section runs it, role histories included. */
	static Verdict verify(Files3 files) {
		return verify("--events", files.events().toString(), "--checkpoints", files.checkpoints().toString(),
				"--public-key", files.publicKey().toString(), "--histories");
	}

	static Verdict verify(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = AuditVerifier.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
		return new Verdict(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	/** The three files the verifier takes. */
	record Files3(Path events, Path checkpoints, Path publicKey) {
	}

	/** The verifier's exit status and what it printed. */
	record Verdict(int status, String out, String err) {

		@Override
		public String toString() {
			return "exit " + this.status + "\n" + this.out + this.err;
		}

	}

}
