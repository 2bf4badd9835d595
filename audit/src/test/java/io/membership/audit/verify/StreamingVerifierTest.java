package io.membership.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.audit.chain.HashChain;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.json.MembershipJson;

/**
 * The verifier streams the export: 200,000 lines of 20 interleaved organizations verify
 * in a JVM of its own with a 32 MB heap, as an auditor runs it, where holding the export
 * (or an index of every line, or every hash) would not fit. The same export with one line
 * altered near its end fails with status 1, naming that line.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingVerifierTest {

	static final int ORGANIZATIONS = 20;

	static final int EVENTS_PER_ORGANIZATION = 10_000;

	static final int MEMBERS = 50;

	/** The line altered in the tampered copy: of the last organization, near the end. */
	static final int TAMPERED_LINE = 190_000;

	static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

	@TempDir
	static Path directory;

	Path export;

	Path tampered;

	Path checkpoints;

	Path publicKey;

	@BeforeAll
	void aLargeExportTheSameAlteredAndTheHeadsSigned() throws IOException, GeneralSecurityException {
		KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
		this.export = directory.resolve("export.ndjson");
		this.tampered = directory.resolve("tampered.ndjson");
		List<String> heads = new ArrayList<>();
		String[] previous = new String[ORGANIZATIONS];
		java.util.Arrays.fill(previous, HashChain.GENESIS);
		ObjectNode[] last = new ObjectNode[ORGANIZATIONS];
		int lineNumber = 0;
		try (BufferedWriter out = Files.newBufferedWriter(this.export, StandardCharsets.UTF_8);
				BufferedWriter altered = Files.newBufferedWriter(this.tampered, StandardCharsets.UTF_8)) {
			// Interleaved as the system-wide stream is: one event of each organization in
			// turn.
			for (int version = 1; version <= EVENTS_PER_ORGANIZATION; version++) {
				for (int o = 0; o < ORGANIZATIONS; o++) {
					OrganizationId org = new OrganizationId("org_" + o);
					MembershipEvent event = event(org, version);
					JsonNode payload = MembershipJson.mapper().valueToTree(event);
					ObjectNode line = HashChain.envelope(org.value(), version, org.value() + "_evt_" + version,
							event.typeName(), payload.path("occurred_at").asString(), payload);
					line.put("prev_hash", previous[o]);
					previous[o] = HashChain.hash(previous[o], line);
					line.put("hash", previous[o]);
					last[o] = line;
					lineNumber++;
					out.write(line.toString());
					out.write('\n');
					if (lineNumber == TAMPERED_LINE) {
						((ObjectNode) line.get("payload")).put("reason", "edited afterwards");
					}
					altered.write(line.toString());
					altered.write('\n');
				}
			}
		}
		for (ObjectNode head : last) {
			heads.add(AuditVerifierTest.checkpoint(key, head).toString());
		}
		this.checkpoints = Files.writeString(directory.resolve("checkpoints.ndjson"), String.join("\n", heads) + "\n");
		this.publicKey = Files.writeString(directory.resolve("key.pem"), AuditVerifierTest.pem(key));
	}

	/**
	 * An organization with {@link #MEMBERS} annotators, whose roles then change back and
	 * forth: a valid history of any length, with few member states to keep.
	 */
	static MembershipEvent event(OrganizationId org, int version) {
		UserId owner = UserId.of(1);
		Instant at = T.plusSeconds(version);
		if (version == 1) {
			return new OrganizationCreated(org, "Org " + org.value(), owner, "owner@example.test",
					new InviteLinkId("lnk_" + org.value()), owner, at, "c1");
		}
		if (version <= MEMBERS + 1) {
			return new MemberJoined(org, UserId.of(version), "user" + version + "@example.test", Role.ANNOTATOR,
					new InvitationId("inv_" + version), Set.of(), UserId.of(version), at, "c" + version);
		}
		int step = version - MEMBERS - 2;
		UserId user = UserId.of(2 + step % MEMBERS);
		boolean toReviewer = (step / MEMBERS) % 2 == 0;
		return new MemberRoleChanged(org, user, toReviewer ? Role.ANNOTATOR : Role.REVIEWER,
				toReviewer ? Role.REVIEWER : Role.ANNOTATOR, "rotation " + step, owner, at, "c" + version);
	}

	@Test
	void a_200000_line_export_verifies_against_its_checkpoints_in_a_32_MB_heap()
			throws IOException, InterruptedException {
		Verdict verdict = verifyInChildJvm(this.export);

		assertThat(verdict.status()).as(verdict.printed()).isZero();
		assertThat(verdict.printed()).startsWith("OK: 200000 events of 20 organization(s), every hash verified")
			.contains("OK: org_19 anchored by a signed checkpoint at version 10000")
			.doesNotContain("Role histories")
			.doesNotContain("OutOfMemoryError");
	}

	@Test
	void the_same_export_with_one_line_altered_near_its_end_fails_naming_it() throws IOException, InterruptedException {
		Verdict verdict = verifyInChildJvm(this.tampered);

		assertThat(verdict.status()).as(verdict.printed()).isEqualTo(1);
		assertThat(verdict.printed())
			.startsWith("FAILED: organization org_19, version 9500, event org_19_evt_9500 (line " + TAMPERED_LINE
					+ "): its content does not match its hash: the event was altered");
	}

	Verdict verifyInChildJvm(Path events) throws IOException, InterruptedException {
		String classPath = OfflineVerifierTest.verifierClassPath();
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process verifier = new ProcessBuilder(List.of(java.toString(), "-Xmx32m", "-cp", classPath,
				AuditVerifier.class.getName(), "--events", events.toString(), "--checkpoints",
				this.checkpoints.toString(), "--public-key", this.publicKey.toString()))
			.redirectErrorStream(true)
			.start();
		String printed = new String(verifier.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(verifier.waitFor(120, TimeUnit.SECONDS)).as(printed).isTrue();
		return new Verdict(verifier.exitValue(), printed);
	}

	record Verdict(int status, String printed) {
	}

}
