package io.membership.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.audit.chain.CanonicalJson;
import io.membership.audit.chain.HashChain;
import io.membership.events.MemberActivated;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemoved;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.json.MembershipJson;

/**
 * The offline verifier on a synthetic export, chained with {@link HashChain} and anchored
 * by checkpoints signed with a freshly generated Ed25519 key, as the service would write
 * them. Each kind of tampering must exit with 1 and name the event it touched.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AuditVerifierTest {

	static final OrganizationId ORG = new OrganizationId("org_acme");

	static final OrganizationId OTHER_ORG = new OrganizationId("org_other");

	static final UserId OWNER = UserId.of(1);

	static final UserId ADMIN = UserId.of(2);

	static final UserId ANNA = UserId.of(3);

	static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

	@TempDir
	Path directory;

	KeyPair auditKey;

	List<ObjectNode> lines;

	@BeforeEach
	void anExportAndItsKey() throws GeneralSecurityException {
		this.auditKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
		this.lines = chain(history(ORG));
	}

	/** The README walkthrough's history, as events. */
	static List<MembershipEvent> history(OrganizationId org) {
		return List.of(
				new OrganizationCreated(org, "Acme Labeling", OWNER, "owner@acme.test", new InviteLinkId("lnk_1"),
						OWNER, T, "c1"),
				new MemberJoined(org, ADMIN, "admin@acme.test", Role.ADMINISTRATOR, new InvitationId("inv_1"), Set.of(),
						ADMIN, T.plusSeconds(60), "c2"),
				new MemberJoined(org, ANNA, "anna@acme.test", Role.NOT_ACTIVATED, null, Set.of(), ANNA,
						T.plusSeconds(120), "c3"),
				new MemberActivated(org, ANNA, Role.NOT_ACTIVATED, Role.ANNOTATOR, null, ADMIN, T.plusSeconds(180),
						"c4"),
				new MemberRoleChanged(org, ANNA, Role.ANNOTATOR, Role.REVIEWER, "passed the review training", ADMIN,
						T.plusSeconds(240), "c5"),
				new MemberDeactivated(org, ANNA, Role.REVIEWER, null, ADMIN, T.plusSeconds(300), "c6"),
				new MemberActivated(org, ANNA, Role.DEACTIVATED, Role.REVIEWER, null, ADMIN, T.plusSeconds(360), "c7"),
				new OwnershipTransferred(org, OWNER, ADMIN, Role.ADMINISTRATOR, OWNER, T.plusSeconds(420), "c8"));
	}

	/** Export lines as the service writes them: envelope, prev_hash and hash. */
	static List<ObjectNode> chain(List<MembershipEvent> events) {
		List<ObjectNode> lines = new ArrayList<>();
		String previous = HashChain.GENESIS;
		long version = 0;
		for (MembershipEvent event : events) {
			version++;
			JsonNode payload = MembershipJson.mapper().valueToTree(event);
			ObjectNode line = HashChain.envelope(event.organizationId().value(), version,
					event.organizationId().value().substring(4) + "_evt_" + version, event.typeName(),
					payload.path("occurred_at").asString(), payload);
			line.put("prev_hash", previous);
			previous = HashChain.hash(previous, line);
			line.put("hash", previous);
			lines.add(line);
		}
		return lines;
	}

	/** Recomputes every hash from the first line on, as someone without the key can. */
	static void rechain(List<ObjectNode> lines) {
		String previous = HashChain.GENESIS;
		for (ObjectNode line : lines) {
			line.put("prev_hash", previous);
			previous = HashChain.hash(previous, line);
			line.put("hash", previous);
		}
	}

	static String eventId(long version) {
		return "acme_evt_" + version;
	}

	ObjectNode line(long version) {
		return this.lines.stream().filter((line) -> line.path("version").asLong() == version).findFirst().orElseThrow();
	}

	static ObjectNode checkpoint(KeyPair key, ObjectNode line) {
		ObjectNode signed = MembershipJson.mapper().createObjectNode();
		signed.put("organization_id", line.path("organization_id").asString());
		signed.put("version", line.path("version").asLong());
		signed.put("hash", line.path("hash").asString());
		signed.put("signed_at", T.plusSeconds(3600).toString());
		signed.put("key_id", keyId(key));
		try {
			Signature signature = Signature.getInstance("Ed25519");
			signature.initSign(key.getPrivate());
			signature.update(CanonicalJson.bytes(signed));
			signed.put("signature", Base64.getEncoder().encodeToString(signature.sign()));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
		return signed;
	}

	static String keyId(KeyPair key) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(key.getPublic().getEncoded()))
				.substring(0, 16);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String pem(KeyPair key) {
		return "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(key.getPublic().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
	}

	Path write(String name, String content) throws IOException {
		return Files.writeString(this.directory.resolve(name), content);
	}

	Path export(List<ObjectNode> lines) throws IOException {
		return write("export.ndjson",
				lines.stream().map(JsonNode::toString).collect(Collectors.joining("\n", "", "\n")));
	}

	/** The service's answer to GET .../audit/checkpoints. */
	Path checkpoints(List<ObjectNode> checkpoints) throws IOException {
		ObjectNode answer = MembershipJson.mapper().createObjectNode();
		answer.putArray("checkpoints").addAll(checkpoints);
		return write("checkpoints.json", answer.toString());
	}

	Path publicKey() throws IOException {
		return write("audit-key.pem", pem(this.auditKey));
	}

	/** A checkpoint of the (untampered) head, version 8. */
	Path headCheckpoint() throws IOException {
		return checkpoints(List.of(checkpoint(this.auditKey, line(8))));
	}

	Path everyVersionCheckpointed() throws IOException {
		return checkpoints(this.lines.stream().map((line) -> checkpoint(this.auditKey, line)).toList());
	}

	Result verify(Path export, Path checkpoints) throws IOException {
		return verify("--events", export.toString(), "--checkpoints", checkpoints.toString(), "--public-key",
				publicKey().toString());
	}

	/** As {@link #verify(Path, Path)}, asking for the role histories too. */
	Result verifyWithHistories(Path export, Path checkpoints) throws IOException {
		return verify("--events", export.toString(), "--checkpoints", checkpoints.toString(), "--public-key",
				publicKey().toString(), "--histories");
	}

	static Result verify(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = AuditVerifier.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
		return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	record Result(int status, String out, String err) {

		@Override
		public String toString() {
			return "exit " + this.status + "\n" + this.out + this.err;
		}

	}

	@Nested
	class A_clean_export {

		@Test
		void verifies_against_its_checkpoint_and_prints_only_the_verdict() throws IOException {
			Result result = verify(export(AuditVerifierTest.this.lines), headCheckpoint());

			assertThat(result.status()).as(result.toString()).isZero();
			assertThat(result.err()).isEmpty();
			assertThat(result.out()).isEqualTo("""
					OK: 8 events of 1 organization(s), every hash verified
					OK: org_acme anchored by a signed checkpoint at version 8
					""");
		}

		@Test
		void with_histories_prints_every_members_role_history_after_the_verdict() throws IOException {
			Result result = verifyWithHistories(export(AuditVerifierTest.this.lines), headCheckpoint());

			assertThat(result.status()).as(result.toString()).isZero();
			assertThat(result.err()).isEmpty();
			assertThat(result.out()).isEqualTo("""
					OK: 8 events of 1 organization(s), every hash verified
					OK: org_acme anchored by a signed checkpoint at version 8
					Role histories of org_acme:
					  user 1: OW (v1, 2026-11-23T10:00:00Z, by 1) -> AD (v8, 2026-11-23T10:07:00Z, by 1)
					  user 2: AD (v2, 2026-11-23T10:01:00Z, by 2) -> OW (v8, 2026-11-23T10:07:00Z, by 1)
					  user 3: NO (v3, 2026-11-23T10:02:00Z, by 3) -> AN (v4, 2026-11-23T10:03:00Z, by 2) \
					-> RE (v5, 2026-11-23T10:04:00Z, by 2, "passed the review training") \
					-> DI (v6, 2026-11-23T10:05:00Z, by 2) -> RE (v7, 2026-11-23T10:06:00Z, by 2)
					""");
		}

		@Test
		void verifies_with_every_version_checkpointed_and_with_the_key_as_the_service_serves_it() throws IOException {
			ObjectNode served = MembershipJson.mapper().createObjectNode();
			served.put("key_id", keyId(AuditVerifierTest.this.auditKey));
			served.put("algorithm", "Ed25519");
			served.put("public_key_pem", pem(AuditVerifierTest.this.auditKey));
			Path key = write("public-key.json", served.toString());

			Result result = verify("--events", export(AuditVerifierTest.this.lines).toString(), "--checkpoints",
					everyVersionCheckpointed().toString(), "--public-key", key.toString());

			assertThat(result.status()).as(result.toString()).isZero();
			assertThat(result.out()).contains("anchored by a signed checkpoint at version 8");
		}

		/**
		 * Anna removed (v9) and back by a new invitation (v10, v11): the chain and the
		 * checkpoint hold, and her history says the membership ended and began again.
		 */
		@Test
		void with_a_member_removed_and_back_verifies_and_prints_the_removal_in_her_history() throws IOException {
			List<MembershipEvent> events = new ArrayList<>(history(ORG));
			events.add(new MemberRemoved(ORG, ANNA, Role.REVIEWER, ADMIN, T.plusSeconds(480), "c9"));
			events.add(new MemberJoined(ORG, ANNA, "anna@acme.test", Role.NOT_ACTIVATED, new InvitationId("inv_2"),
					Set.of(), ANNA, T.plusSeconds(540), "c10"));
			events.add(new MemberActivated(ORG, ANNA, Role.NOT_ACTIVATED, Role.ANNOTATOR, null, ADMIN,
					T.plusSeconds(600), "c11"));
			List<ObjectNode> removedAndBack = chain(events);

			Result result = verifyWithHistories(export(removedAndBack),
					checkpoints(List.of(checkpoint(AuditVerifierTest.this.auditKey, removedAndBack.get(10)))));

			assertThat(result.status()).as(result.toString()).isZero();
			assertThat(result.out()).contains("OK: 11 events of 1 organization(s), every hash verified")
				.contains("OK: org_acme anchored by a signed checkpoint at version 11")
				.contains("-> RE (v7, 2026-11-23T10:06:00Z, by 2) -> removed (v9, 2026-11-23T10:08:00Z, by 2) "
						+ "-> NO (v10, 2026-11-23T10:09:00Z, by 3) -> AN (v11, 2026-11-23T10:10:00Z, by 2)");
		}

		@Test
		void a_removal_of_someone_who_is_no_member_is_not_a_valid_history() throws IOException {
			List<MembershipEvent> events = new ArrayList<>(history(ORG));
			events.add(new MemberRemoved(ORG, ANNA, Role.REVIEWER, ADMIN, T.plusSeconds(480), "c9"));
			events.add(new MemberRemoved(ORG, ANNA, Role.REVIEWER, OWNER, T.plusSeconds(540), "c10"));

			Result result = verify("--events", export(chain(events)).toString());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out() + result.err()).contains("version 10")
				.contains("it is not a valid MemberRemoved in this history: user 3 is not a member before it");
		}

		@Test
		void of_several_organizations_interleaved_verifies_each_chain_on_its_own() throws IOException {
			List<ObjectNode> other = chain(history(OTHER_ORG));
			List<ObjectNode> interleaved = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				interleaved.add(AuditVerifierTest.this.lines.get(i));
				interleaved.add(other.get(i));
			}
			Path checkpoints = write("checkpoints.ndjson", checkpoint(AuditVerifierTest.this.auditKey, line(8)) + "\n"
					+ checkpoint(AuditVerifierTest.this.auditKey, other.get(5)) + "\n");

			Result result = verifyWithHistories(export(interleaved), checkpoints);

			assertThat(result.status()).as(result.toString()).isZero();
			assertThat(result.out()).contains("OK: 16 events of 2 organization(s)")
				.contains("OK: org_acme anchored by a signed checkpoint at version 8")
				.contains(
						"NOTE: org_other versions 7..8 are after its last checkpoint (version 6) and not yet anchored")
				.contains("Role histories of org_other:");
		}

		/**
		 * The system-wide stream adds {@code position}, and a later export may add
		 * members beside the envelope: the hash covers the envelope alone, so they change
		 * nothing.
		 */
		@Test
		void with_members_outside_the_hashed_envelope_verifies_as_without_them() throws IOException {
			long position = 100;
			for (ObjectNode line : AuditVerifierTest.this.lines) {
				line.put("position", position++);
				line.putObject("personal_data").put("erased", false);
			}

			Result result = verify(export(AuditVerifierTest.this.lines), headCheckpoint());

			assertThat(result.status()).as(result.toString()).isZero();
			assertThat(result.out()).contains("OK: org_acme anchored by a signed checkpoint at version 8");
		}

		@Test
		void without_checkpoints_verifies_the_chain_but_says_it_is_not_anchored() throws IOException {
			Result result = verify("--events", export(AuditVerifierTest.this.lines).toString());

			assertThat(result.status()).as(result.toString()).isZero();
			assertThat(result.out()).contains("NOTE: no checkpoints given");
		}

	}

	@Nested
	class Tampering_is_found_and_named {

		@Test
		void an_altered_event() throws IOException {
			((ObjectNode) line(5).get("payload")).put("to_role", "AD");

			Result result = verify(export(AuditVerifierTest.this.lines), headCheckpoint());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).startsWith("FAILED: ")
				.contains("version 5, event " + eventId(5))
				.contains("does not match its hash: the event was altered");
		}

		@Test
		void an_altered_event_id_or_time() throws IOException {
			line(3).put("event_id", "someone_else");
			assertThat(verify(export(AuditVerifierTest.this.lines), headCheckpoint()).out())
				.contains("version 3, event someone_else")
				.contains("altered");

			line(3).put("event_id", eventId(3));
			line(3).put("occurred_at", "2026-11-23T09:00:00Z");
			assertThat(verify(export(AuditVerifierTest.this.lines), headCheckpoint()).out())
				.contains("version 3, event " + eventId(3))
				.contains("altered");
		}

		@Test
		void a_deleted_event() throws IOException {
			AuditVerifierTest.this.lines.remove(line(4));

			Result result = verify(export(AuditVerifierTest.this.lines), headCheckpoint());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out())
				.contains("version 4 is missing between version 3 (event " + eventId(3) + ") and this one: deleted");
			assertThat(result.out()).contains("version 5, event " + eventId(5));
		}

		@Test
		void several_deleted_events() throws IOException {
			AuditVerifierTest.this.lines.remove(line(1));
			AuditVerifierTest.this.lines.remove(line(2));

			Result result = verify(export(AuditVerifierTest.this.lines), headCheckpoint());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("versions 1..2 are missing before this one: deleted");
		}

		@Test
		void an_inserted_event_with_a_version_already_taken() throws IOException {
			ObjectNode forged = forgedAfter(4);
			AuditVerifierTest.this.lines.add(4, forged);

			Result result = verify(export(AuditVerifierTest.this.lines), headCheckpoint());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("version 5 appears more than once (event forged_evt on line 5, event "
					+ eventId(5) + " on line 6): an event was inserted or copied");
		}

		@Test
		void an_inserted_event_with_the_later_ones_renumbered() throws IOException {
			ObjectNode forged = forgedAfter(4);
			for (ObjectNode line : AuditVerifierTest.this.lines) {
				if (line.path("version").asLong() >= 5) {
					line.put("version", line.path("version").asLong() + 1);
				}
			}
			AuditVerifierTest.this.lines.add(4, forged);

			Result result = verify(export(AuditVerifierTest.this.lines), headCheckpoint());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("version 6, event " + eventId(5))
				.contains("prev_hash does not link to the hash of version 5 (event forged_evt)");
		}

		@Test
		void an_event_appended_after_the_last_one() throws IOException {
			ObjectNode forged = forgedAfter(8);
			forged.put("version", 9);
			forged.put("prev_hash", "0".repeat(64));
			AuditVerifierTest.this.lines.add(forged);

			Result result = verify(export(AuditVerifierTest.this.lines), headCheckpoint());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("version 9, event forged_evt")
				.contains("prev_hash does not link to the hash of version 8 (event " + eventId(8) + ")");
		}

		/**
		 * A copy of the event after {@code version} with another role, linked to
		 * {@code version}'s hash and hashed correctly: all a forger without the key can
		 * do.
		 */
		ObjectNode forgedAfter(long version) {
			ObjectNode forged = line(version == 8 ? 8 : version + 1).deepCopy();
			forged.put("event_id", "forged_evt");
			((ObjectNode) forged.get("payload")).put("correlation_id", "forged");
			forged.put("prev_hash", line(version).path("hash").asString());
			forged.put("hash", HashChain.hash(line(version).path("hash").asString(), forged));
			return forged;
		}

		@Test
		void two_events_in_swapped_order() throws IOException {
			ObjectNode fourth = line(4);
			ObjectNode fifth = line(5);
			AuditVerifierTest.this.lines.set(3, fifth);
			AuditVerifierTest.this.lines.set(4, fourth);

			Result result = verify(export(AuditVerifierTest.this.lines), headCheckpoint());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("version 5, event " + eventId(5) + " (line 4): out of order: version 4 "
					+ "(event " + eventId(4) + " on line 5) comes after it");
		}

		@Test
		void two_events_with_their_versions_swapped() throws IOException {
			// What swapping two sequence numbers in the event table exports: the content
			// moves, the chain's hashes stay with the version.
			ObjectNode fourth = line(4).deepCopy();
			ObjectNode fifth = line(5).deepCopy();
			for (String field : List.of("event_id", "type", "occurred_at", "payload")) {
				line(4).set(field, fifth.get(field));
				line(5).set(field, fourth.get(field));
			}

			Result result = verify(export(AuditVerifierTest.this.lines), headCheckpoint());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("version 4, event " + eventId(5)).contains("altered");
		}

		@Test
		void a_chain_recomputed_without_the_key_after_an_edit_fails_against_the_signed_head() throws IOException {
			Path checkpoint = headCheckpoint();
			((ObjectNode) line(5).get("payload")).put("to_role", "AD");
			rechain(AuditVerifierTest.this.lines);

			Result result = verify(export(AuditVerifierTest.this.lines), checkpoint);

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("FAILED: organization org_acme: the chain was rewritten: its hash at "
					+ "version 8 is not the one the checkpoint signed; the rewrite is in versions 1..8 (the first: "
					+ "version 1, event " + eventId(1) + ")");
		}

		@Test
		void a_recomputed_chain_is_pinned_to_the_rewritten_event_by_the_checkpoints_around_it() throws IOException {
			Path checkpoints = everyVersionCheckpointed();
			((ObjectNode) line(5).get("payload")).put("to_role", "AD");
			rechain(AuditVerifierTest.this.lines);

			Result result = verify(export(AuditVerifierTest.this.lines), checkpoints);

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("while it matches the checkpoint at version 4; the rewritten event is "
					+ "version 5, event " + eventId(5));
		}

		@Test
		void a_recomputed_chain_with_a_checkpoint_forged_with_another_key()
				throws IOException, GeneralSecurityException {
			((ObjectNode) line(5).get("payload")).put("to_role", "AD");
			rechain(AuditVerifierTest.this.lines);
			KeyPair forgersKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
			ObjectNode forged = checkpoint(forgersKey, line(8));

			Result result = verify(export(AuditVerifierTest.this.lines), checkpoints(List.of(forged)));

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("the checkpoint of org_acme at version 8 is not signed by the audit key "
					+ keyId(AuditVerifierTest.this.auditKey) + " (it names key " + keyId(forgersKey) + ")");
		}

		@Test
		void a_recomputed_chain_with_the_signed_hash_in_a_real_checkpoint_replaced() throws IOException {
			ObjectNode checkpoint = checkpoint(AuditVerifierTest.this.auditKey, line(8));
			((ObjectNode) line(5).get("payload")).put("to_role", "AD");
			rechain(AuditVerifierTest.this.lines);
			checkpoint.put("hash", line(8).path("hash").asString());

			Result result = verify(export(AuditVerifierTest.this.lines), checkpoints(List.of(checkpoint)));

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("the checkpoint of org_acme at version 8 is not signed by the audit key")
				.contains("forged or altered");
		}

		@Test
		void the_tail_deleted_after_a_checkpoint() throws IOException {
			Path checkpoint = headCheckpoint();
			AuditVerifierTest.this.lines.remove(line(8));
			AuditVerifierTest.this.lines.remove(line(7));

			Result result = verify(export(AuditVerifierTest.this.lines), checkpoint);

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("organization org_acme: a signed checkpoint is at version 8 but the "
					+ "export ends at version 6: versions 7..8 were removed");
		}

		@Test
		void every_event_of_a_checkpointed_organization_deleted() throws IOException {
			Path checkpoint = headCheckpoint();

			Result result = verify(export(List.of()), checkpoint);

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains(
					"organization org_acme has a signed checkpoint at version 8 but no " + "events in the export");
		}

		@Test
		void an_export_that_ends_in_the_servers_error_answer() throws IOException {
			String problem = "{\"type\":\"urn:membership:problem:internal_error\",\"title\":\"Internal error\","
					+ "\"status\":500,\"detail\":\"The request failed unexpectedly.\",\"code\":\"internal_error\"}";
			Path export = write("export.ndjson", AuditVerifierTest.this.lines.get(0) + "\n" + problem);

			Result result = verify("--events", export.toString());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("line 2: the export was cut short by an error on the server "
					+ "(The request failed unexpectedly.); export again");
		}

		@Test
		void a_line_that_is_JSON_but_no_event() throws IOException {
			Path export = write("export.ndjson", AuditVerifierTest.this.lines.get(0) + "\n[1,2]\n");

			Result result = verify("--events", export.toString());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("line 2 is not an event");
		}

		@Test
		void a_line_that_is_not_JSON() throws IOException {
			Path export = write("export.ndjson", AuditVerifierTest.this.lines.get(0) + "\n{not json\n");

			Result result = verify("--events", export.toString());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("line 2 is not JSON");
		}

	}

	@Nested
	class A_string_without_a_UTF_8_encoding {

		@Test
		void cannot_be_chained_so_no_hash_stands_for_something_else_than_what_was_stored() {
			List<MembershipEvent> events = new ArrayList<>(history(ORG));
			events.set(4, roleChangeWithReason("\ud800"));

			assertThatThrownBy(() -> chain(events)).isInstanceOf(CanonicalJson.UnencodableStringException.class);
		}

		@Test
		void in_an_export_whose_hash_was_computed_over_a_question_mark_in_its_place_fails() throws IOException {
			// What the service wrote before it refused such strings: the reason "\ud800"
			// stored and exported, "?" hashed; an export edited to "?" verified as well.
			List<MembershipEvent> events = new ArrayList<>(history(ORG));
			events.set(4, roleChangeWithReason("?"));
			AuditVerifierTest.this.lines = chain(events);
			Path checkpoint = headCheckpoint();
			String stored = export(AuditVerifierTest.this.lines).toString();
			Path export = write("export.ndjson",
					Files.readString(Path.of(stored)).replace("\"reason\":\"?\"", "\"reason\":\"\\ud800\""));
			assertThat(Files.readString(export)).contains("\\ud800");

			Result result = verify(export, checkpoint);

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).startsWith("FAILED: organization org_acme, version 5, event " + eventId(5))
				.contains("unpaired UTF-16 surrogate (\\ud800");
			assertPrintable(result);
		}

	}

	static MemberRoleChanged roleChangeWithReason(String reason) {
		return new MemberRoleChanged(ORG, ANNA, Role.ANNOTATOR, Role.REVIEWER, reason, ADMIN, T.plusSeconds(240), "c5");
	}

	/**
	 * Nothing in the verifier's output acts on a terminal: no C0 control but the line
	 * feeds it ends its own lines with, no DEL, no C1 control (U+009B is a one-character
	 * CSI), no bidirectional control, no line or paragraph separator, no lone surrogate.
	 */
	static void assertPrintable(Result result) {
		for (String stream : List.of(result.out(), result.err())) {
			for (int i = 0; i < stream.length(); i++) {
				char c = stream.charAt(i);
				boolean pairedSurrogate = (Character.isHighSurrogate(c) && i + 1 < stream.length()
						&& Character.isLowSurrogate(stream.charAt(i + 1)))
						|| (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(stream.charAt(i - 1)));
				boolean unsafe = (c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e
						|| c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028
						|| c == 0x2029 || (Character.isSurrogate(c) && !pairedSurrogate);
				assertThat(unsafe).as("U+%04X at %d printed raw in%n%s", (int) c, i, stream).isFalse();
			}
		}
	}

	@Nested
	class What_it_prints_from_an_export_cannot_drive_the_terminal {

		Result verifiedWithReason(String reason) throws IOException {
			List<MembershipEvent> events = new ArrayList<>(history(ORG));
			events.set(4, roleChangeWithReason(reason));
			AuditVerifierTest.this.lines = chain(events);
			return verifyWithHistories(export(AuditVerifierTest.this.lines), headCheckpoint());
		}

		static String annasHistory(Result result) {
			return result.out()
				.lines()
				.filter((line) -> line.startsWith("  user 3: "))
				.findFirst()
				.orElseThrow(() -> new AssertionError(result.toString()));
		}

		@Test
		void a_reason_with_an_ANSI_colour_sequence_is_printed_escaped() throws IOException {
			Result result = verifiedWithReason("\u001b[31mred\u001b[0m");

			assertThat(result.status()).as(result.toString()).isZero();
			assertThat(annasHistory(result))
				.contains("-> RE (v5, 2026-11-23T10:04:00Z, by 2, \"\\u001b[31mred\\u001b[0m\")");
			assertThat(result.out()).doesNotContain("\u001b");
			assertPrintable(result);
		}

		@Test
		void a_reason_cannot_add_lines_to_the_verdict() throws IOException {
			Result result = verifiedWithReason("fine\nOK: 99 events of 9 organization(s), every hash verified\r\tx");

			assertThat(result.status()).as(result.toString()).isZero();
			assertThat(result.out().lines().filter((line) -> line.startsWith("OK: 99"))).isEmpty();
			assertThat(annasHistory(result))
				.contains("\"fine\\nOK: 99 events of 9 organization(s), every hash verified\\r\\tx\"");
			assertPrintable(result);
		}

		@Test
		void C1_controls_DEL_bidirectional_controls_and_separators_are_escaped_and_other_text_is_left_as_it_is()
				throws IOException {
			Result result = verifiedWithReason(
					"\u202eevil\u202c \u009b31m \u0085 \u007f \u2028 \u2029 \u061c\u200e\u200f\u2066\u2069 "
							+ "\u05e9\u05dc\u05d5\u05dd \ud83d\ude00 e\u0301 \u00e9 \ud840\udc00");

			assertThat(result.status()).as(result.toString()).isZero();
			assertThat(annasHistory(result))
				.contains("\"\\u202eevil\\u202c \\u009b31m \\u0085 \\u007f \\u2028 \\u2029 \\u061c\\u200e\\u200f\\u2066"
						+ "\\u2069 \u05e9\u05dc\u05d5\u05dd \ud83d\ude00 e\u0301 \u00e9 \ud840\udc00\"");
			assertPrintable(result);
		}

		@Test
		void backslashes_and_quotes_in_a_reason_are_escaped_so_that_the_output_is_unambiguous() throws IOException {
			Result result = verifiedWithReason("say \"hi\" \\u001b");

			assertThat(annasHistory(result)).contains(", \"say \\\"hi\\\" \\\\u001b\")");
		}

		@Test
		void a_failure_names_a_hostile_event_id_escaped() throws IOException {
			line(3).put("event_id", "\u001b]0;owned\u0007");

			Result result = verify(export(AuditVerifierTest.this.lines), headCheckpoint());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("version 3, event \\u001b]0;owned\\u0007 (line 3)");
			assertPrintable(result);
		}

		@Test
		void a_hostile_organization_id_is_printed_escaped() throws IOException {
			AuditVerifierTest.this.lines.forEach((line) -> line.put("organization_id", "org_\u001b[2J\u202e"));
			rechain(AuditVerifierTest.this.lines);

			Result result = verify("--events", export(AuditVerifierTest.this.lines).toString(), "--histories");

			assertThat(result.status()).as(result.toString()).isZero();
			assertThat(result.out()).contains("Role histories of org_\\u001b[2J\\u202e:");
			assertPrintable(result);
		}

		@Test
		void an_unknown_event_type_is_named_escaped() throws IOException {
			line(4).put("type", "\u001b[31mEvil");
			rechain(AuditVerifierTest.this.lines);

			Result result = verify("--events", export(AuditVerifierTest.this.lines).toString());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("unknown event type \\u001b[31mEvil");
			assertPrintable(result);
		}

		@Test
		void the_detail_of_a_servers_error_in_the_export_is_printed_escaped() throws IOException {
			String problem = "{\"type\":\"urn:membership:problem:internal_error\",\"status\":500,"
					+ "\"detail\":\"\\u001b[5mblink\\u009b\"}";
			Path export = write("export.ndjson", AuditVerifierTest.this.lines.get(0) + "\n" + problem);

			Result result = verify("--events", export.toString());

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("(\\u001b[5mblink\\u009b); export again");
			assertPrintable(result);
		}

		@Test
		void a_checkpoint_naming_a_hostile_key_is_printed_escaped() throws IOException {
			ObjectNode checkpoint = checkpoint(AuditVerifierTest.this.auditKey, line(8));
			checkpoint.put("key_id", "\u001b[8m\u202e");
			checkpoint.put("organization_id", "org_acme\u0007");

			Result result = verify(export(AuditVerifierTest.this.lines), checkpoints(List.of(checkpoint)));

			assertThat(result.status()).as(result.toString()).isEqualTo(1);
			assertThat(result.out()).contains("the checkpoint of org_acme\\u0007 at version 8")
				.contains("(it names key \\u001b[8m\\u202e)");
			assertPrintable(result);
		}

		@Test
		void checkpoints_that_are_not_checkpoints_are_quoted_escaped_on_the_error_stream() throws IOException {
			Path garbage = write("checkpoints.json", "[{\"hello\":\"\u009b31m\u202e\\u001b\"}]");

			Result result = verify("--events", export(AuditVerifierTest.this.lines).toString(), "--checkpoints",
					garbage.toString(), "--public-key", publicKey().toString());

			assertThat(result.status()).isEqualTo(2);
			assertThat(result.err()).contains("are not checkpoints").contains("\\u009b31m\\u202e");
			assertPrintable(result);
		}

		@Test
		void a_file_name_with_controls_is_printed_escaped() {
			Path missing = AuditVerifierTest.this.directory.resolve("no\u001b[31m.ndjson");

			Result result = verify("--events", missing.toString());

			assertThat(result.status()).isEqualTo(2);
			assertThat(result.err()).contains("no\\u001b[31m.ndjson");
			assertPrintable(result);
		}

	}

	@Nested
	class What_it_cannot_see_without_a_newer_checkpoint {

		@Test
		void a_recomputed_chain_without_checkpoints_is_consistent() throws IOException {
			((ObjectNode) line(5).get("payload")).put("to_role", "AD");
			rechain(AuditVerifierTest.this.lines);

			Result result = verify("--events", export(AuditVerifierTest.this.lines).toString());

			assertThat(result.status()).as("only a signature anchors the chain").isZero();
			assertThat(result.out()).contains("NOTE: no checkpoints given");
		}

		@Test
		void events_after_the_last_checkpoint_are_reported_as_not_anchored() throws IOException {
			Path checkpoint = checkpoints(List.of(checkpoint(AuditVerifierTest.this.auditKey, line(6))));
			AuditVerifierTest.this.lines.remove(line(8));

			Result result = verify(export(AuditVerifierTest.this.lines), checkpoint);

			assertThat(result.status()).as(result.toString()).isZero();
			assertThat(result.out()).contains(
					"NOTE: org_acme versions 7..7 are after its last checkpoint (version 6) and not yet anchored");
		}

	}

	@Nested
	class Usage_errors_exit_with_2 {

		@Test
		void no_arguments() {
			Result result = verify();

			assertThat(result.status()).isEqualTo(2);
			assertThat(result.err()).startsWith("usage: verify --events");
			assertThat(result.out()).isEmpty();
		}

		@Test
		void an_option_without_its_value_an_unknown_option_or_one_given_twice() throws IOException {
			String export = export(AuditVerifierTest.this.lines).toString();

			assertThat(verify("--events").status()).isEqualTo(2);
			assertThat(verify("--events", export, "--verbose", "yes").status()).isEqualTo(2);
			assertThat(verify("--events", export, "--events", export).status()).isEqualTo(2);
			assertThat(verify("--events", export, "--histories", "--histories").status()).isEqualTo(2);
			assertThat(verify("--events", export, "--histories", "yes").status()).isEqualTo(2);
			assertThat(verify("--checkpoints", export).status()).isEqualTo(2);
		}

		@Test
		void checkpoints_without_the_public_key_or_the_key_without_checkpoints() throws IOException {
			String export = export(AuditVerifierTest.this.lines).toString();

			assertThat(verify("--events", export, "--checkpoints", headCheckpoint().toString()).status()).isEqualTo(2);
			assertThat(verify("--events", export, "--public-key", publicKey().toString()).status()).isEqualTo(2);
		}

		@Test
		void a_file_that_does_not_exist() throws IOException {
			Result result = verify("--events", this.missing().toString());

			assertThat(result.status()).isEqualTo(2);
			assertThat(result.err()).contains("cannot read the input");
		}

		@Test
		void a_key_that_is_not_an_Ed25519_public_key() throws IOException {
			Path notAKey = write("not-a-key.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");

			Result result = verify("--events", export(AuditVerifierTest.this.lines).toString(), "--checkpoints",
					headCheckpoint().toString(), "--public-key", notAKey.toString());

			assertThat(result.status()).isEqualTo(2);
			assertThat(result.err()).contains("is not an Ed25519 key");
		}

		@Test
		void checkpoints_that_are_not_checkpoints() throws IOException {
			Path garbage = write("checkpoints.json", "[{\"hello\":1}]");

			Result result = verify("--events", export(AuditVerifierTest.this.lines).toString(), "--checkpoints",
					garbage.toString(), "--public-key", publicKey().toString());

			assertThat(result.status()).isEqualTo(2);
			assertThat(result.err()).contains("are not checkpoints");
		}

		private Path missing() {
			return AuditVerifierTest.this.directory.resolve("no-such-export.ndjson");
		}

	}

}
