package io.membership.infra.audit;

import static io.membership.infra.audit.AuditTrail.auditService;
import static io.membership.infra.audit.AuditTrail.download;
import static io.membership.infra.audit.AuditTrail.eventually;
import static io.membership.infra.audit.AuditTrail.verify;
import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.audit.chain.HashChain;
import io.membership.events.json.MembershipJson;
import io.membership.infra.audit.AuditTrail.Files3;
import io.membership.infra.audit.AuditTrail.Verdict;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * The issue's acceptance: after the walkthrough an auditor exports an organization and
 * the offline verifier prints its role histories; after one row of the event table is
 * changed by hand in PostgreSQL, the verifier fails and names it. Each case tampers with
 * an organization of its own, straight in the database, as someone with write access to
 * it but not to the signing key could.
 */
@PostgresServiceTest
class AuditTamperingTest {

	/** The version of the role change the tampering cases aim at. */
	static final long ROLE_CHANGE = 7;

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate database;

	@TempDir
	Path directory;

	ApiClient auditor;

	@BeforeEach
	void anAuditor() {
		this.auditor = auditService(this.port);
	}

	/**
	 * The README walkthrough on an organization of its own: versions 1 to 12, the
	 * annotator's role change to RE at version 7. With {@code checkpointEveryVersion},
	 * the auditor has a checkpoint taken after each command; otherwise one at the end.
	 */
	Walkthrough walkthrough(boolean checkpointEveryVersion) {
		TestOrganization org = TestOrganization.create(this.port);
		List<Runnable> steps = new ArrayList<>();
		Walkthrough walk = new Walkthrough(org);
		steps.add(() -> walk.admin = org.join("AD"));
		steps.add(() -> walk.anna = org.join(null));
		steps.add(() -> org.recorded(walk.admin.client()
			.patch(org.path() + "/memberships", "{\"user_id\":" + walk.anna.userId() + ",\"role\":\"AN\"}")));
		steps.add(() -> org.recorded(walk.admin.client()
			.post(org.path() + "/memberships/" + walk.anna.userId() + "/role",
					"{\"role\":\"RE\",\"reason\":\"passed the review training\"}")));
		steps.add(() -> walk.workspace = org.createWorkspace("Medical images"));
		steps.add(() -> org.recorded(org.owner()
			.post(org.path() + "/workspaces/" + walk.workspace + "/memberships",
					"{\"user_id\":" + walk.anna.userId() + "}")));
		steps.add(() -> org.recorded(
				walk.admin.client().post(org.path() + "/memberships/" + walk.anna.userId() + "/deactivate", "{}")));
		steps.add(() -> org.recorded(walk.admin.client()
			.post(org.path() + "/memberships/" + walk.anna.userId() + "/activate", "{\"role\":\"RE\"}")));
		steps.add(() -> org
			.recorded(org.owner().post(org.path() + "/ownership", "{\"user_id\":" + walk.admin.userId() + "}")));
		if (checkpointEveryVersion) {
			walk.checkpoint();
		}
		for (Runnable step : steps) {
			step.run();
			if (checkpointEveryVersion) {
				walk.checkpoint();
			}
		}
		if (!checkpointEveryVersion) {
			walk.checkpoint();
		}
		assertThat(org.version()).isEqualTo(12);
		return walk;
	}

	/** An organization after the walkthrough, and who is who in it. */
	class Walkthrough {

		final TestOrganization org;

		Member admin;

		Member anna;

		String workspace;

		Walkthrough(TestOrganization org) {
			this.org = org;
		}

		String id() {
			return this.org.id();
		}

		void checkpoint() {
			// The membership:audit scope is read-only: checkpoints are taken by the
			// organization's first Owner, an Administrator once ownership has moved.
			// The right is read from the query side's view, which follows within moments.
			Answer taken = eventually(() -> this.org.owner().post(this.org.path() + "/audit/checkpoints", null),
					(answer) -> answer.status() != 404);
			assertThat(taken.status()).as(taken.toString()).isEqualTo(200);
			assertThat(taken.json().path("version").asLong()).isEqualTo(this.org.version());
		}

		String eventId(long version) {
			return AuditTamperingTest.this.database.queryForObject(
					"SELECT eventidentifier FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber = ?",
					String.class, id(), version - 1);
		}

		String payload(long version) {
			return new String(AuditTamperingTest.this.database.queryForObject(
					"SELECT payload FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber = ?",
					byte[].class, id(), version - 1), StandardCharsets.UTF_8);
		}

		void setPayload(long version, String payload) {
			int changed = AuditTamperingTest.this.database.update(
					"UPDATE domainevententry SET payload = ? WHERE aggregateidentifier = ? AND sequencenumber = ?",
					payload.getBytes(StandardCharsets.UTF_8), id(), version - 1);
			assertThat(changed).isEqualTo(1);
		}

		Verdict exportAndVerify() {
			return verify(download(AuditTamperingTest.this.auditor, id(), AuditTamperingTest.this.directory));
		}

	}

	@Test
	void after_the_walkthrough_the_export_verifies_and_the_verifier_prints_the_role_histories() {
		Walkthrough walk = walkthrough(false);

		Verdict verdict = walk.exportAndVerify();

		assertThat(verdict.status()).as(verdict.toString()).isZero();
		assertThat(verdict.out()).contains("OK: 12 events of 1 organization(s), every hash verified")
			.contains("OK: " + walk.id() + " anchored by a signed checkpoint at version 12")
			.contains("Role histories of " + walk.id() + ":");
		String owner = line(verdict, "  user " + walk.org.ownerId() + ": ");
		assertThat(owner).matches(".*: OW \\(v1, [^)]*, by " + walk.org.ownerId() + "\\) -> AD \\(v12, [^)]*, by "
				+ walk.org.ownerId() + "\\)");
		String admin = line(verdict, "  user " + walk.admin.userId() + ": ");
		assertThat(admin).matches(".*: AD \\(v3, [^)]*\\) -> OW \\(v12, [^)]*\\)");
		String anna = line(verdict, "  user " + walk.anna.userId() + ": ");
		assertThat(anna).matches(".*: NO \\(v5, [^)]*, by " + walk.anna.userId() + "\\) -> AN \\(v6, [^)]*, by "
				+ walk.admin.userId() + "\\) -> RE \\(v7, [^)]*, by " + walk.admin.userId()
				+ ", \"passed the review training\"\\) -> DI \\(v10, [^)]*\\) -> RE \\(v11, [^)]*\\)");
	}

	private static String line(Verdict verdict, String start) {
		return verdict.out()
			.lines()
			.filter((line) -> line.startsWith(start))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no line starting with '" + start + "' in\n" + verdict));
	}

	@Nested
	class One_row_changed_by_hand_is_named_by_the_verifier {

		@Test
		void a_payload_edited_in_place() {
			Walkthrough walk = walkthrough(false);
			String payload = walk.payload(ROLE_CHANGE);
			assertThat(payload).contains("\"to_role\":\"RE\"");
			walk.setPayload(ROLE_CHANGE, payload.replace("\"to_role\":\"RE\"", "\"to_role\":\"AD\""));

			Verdict verdict = walk.exportAndVerify();

			assertThat(verdict.status()).as(verdict.toString()).isEqualTo(1);
			assertThat(verdict.out())
				.contains("FAILED: organization " + walk.id() + ", version 7, event " + walk.eventId(ROLE_CHANGE)
						+ " (line 7): its content does not match its hash: the event was altered");
		}

		@Test
		void a_payload_overwritten_with_bytes_that_are_not_JSON() {
			Walkthrough walk = walkthrough(false);
			walk.setPayload(ROLE_CHANGE, "role=AD; not JSON at all");

			Answer export = AuditTamperingTest.this.auditor.get(walk.org.path() + "/audit/events");
			assertThat(export.status()).isEqualTo(200);
			assertThat(export.text().lines()).as("every stored row is exported, the broken one too").hasSize(12);
			Verdict verdict = walk.exportAndVerify();

			assertThat(verdict.status()).as(verdict.toString()).isEqualTo(1);
			assertThat(verdict.out())
				.contains("FAILED: organization " + walk.id() + ", version 7, event " + walk.eventId(ROLE_CHANGE)
						+ " (line 7): its content does not match its hash: the event was altered");
		}

		@Test
		void an_event_row_deleted() {
			Walkthrough walk = walkthrough(false);
			String before = walk.eventId(ROLE_CHANGE - 1);
			int deleted = AuditTamperingTest.this.database.update(
					"DELETE FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber = ?", walk.id(),
					ROLE_CHANGE - 1);
			assertThat(deleted).isEqualTo(1);

			Verdict verdict = walk.exportAndVerify();

			assertThat(verdict.status()).as(verdict.toString()).isEqualTo(1);
			assertThat(verdict.out())
				.contains("version 7 is missing between version 6 (event " + before + ") and this one: deleted");
		}

		@Test
		void the_last_events_deleted_with_their_chain_rows_after_a_checkpoint() {
			Walkthrough walk = walkthrough(false);
			AuditTamperingTest.this.database.update(
					"DELETE FROM domainevententry WHERE aggregateidentifier = ? AND sequencenumber >= 10", walk.id());
			AuditTamperingTest.this.database
				.update("DELETE FROM event_hash_chain WHERE organization_id = ? AND version >= 11", walk.id());

			Verdict verdict = walk.exportAndVerify();

			assertThat(verdict.status()).as(verdict.toString()).isEqualTo(1);
			assertThat(verdict.out()).contains("organization " + walk.id()
					+ ": a signed checkpoint is at version 12 but the export ends at version 10: versions 11..12 were removed");
		}

		@Test
		void a_forged_event_inserted_in_the_middle_by_moving_the_later_ones_up() {
			Walkthrough walk = walkthrough(false);
			String forgedId = UUID.randomUUID().toString();
			// The unique (organization, sequence) key is kept: first every later event
			// moves to a negative number, then up by one.
			AuditTamperingTest.this.database.update(
					"UPDATE domainevententry SET sequencenumber = -(sequencenumber + 2) WHERE aggregateidentifier = ? "
							+ "AND sequencenumber >= ?",
					walk.id(), ROLE_CHANGE - 1);
			AuditTamperingTest.this.database.update(
					"UPDATE domainevententry SET sequencenumber = -sequencenumber - 1 WHERE aggregateidentifier = ? "
							+ "AND sequencenumber < 0",
					walk.id());
			String forgedPayload = walk.payload(ROLE_CHANGE + 1)
				.replace("\"to_role\":\"RE\"", "\"to_role\":\"AD\"")
				.replace("passed the review training", "promoted by the board");
			insertCopy(walk, ROLE_CHANGE + 1, ROLE_CHANGE, forgedId, forgedPayload);

			Verdict verdict = walk.exportAndVerify();

			assertThat(verdict.status()).as(verdict.toString()).isEqualTo(1);
			assertThat(verdict.out()).contains("version 7, event " + forgedId + " (line 7): its content does not "
					+ "match its hash: the event was altered");
		}

		@Test
		void a_forged_event_appended_without_a_chain_row() {
			Walkthrough walk = walkthrough(false);
			String forgedId = UUID.randomUUID().toString();
			insertCopy(walk, ROLE_CHANGE, 13, forgedId, walk.payload(ROLE_CHANGE));

			Verdict verdict = walk.exportAndVerify();

			assertThat(verdict.status()).as(verdict.toString()).isEqualTo(1);
			assertThat(verdict.out()).contains("version 13, event " + forgedId
					+ " (line 13): its prev_hash does not link to the hash of version 12");
		}

		/**
		 * Inserts a copy of the row at {@code fromVersion} as {@code version}, with
		 * another event id and payload.
		 */
		private void insertCopy(Walkthrough walk, long fromVersion, long version, String eventId, String payload) {
			int inserted = AuditTamperingTest.this.database.update(
					"INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, metadata, "
							+ "payload, payloadrevision, payloadtype, timestamp) SELECT aggregateidentifier, ?, type, ?, "
							+ "metadata, ?, payloadrevision, payloadtype, timestamp FROM domainevententry "
							+ "WHERE aggregateidentifier = ? AND sequencenumber = ?",
					version - 1, eventId, payload.getBytes(StandardCharsets.UTF_8), walk.id(), fromVersion - 1);
			assertThat(inserted).isEqualTo(1);
		}

		@Test
		void two_events_with_their_sequence_numbers_swapped() {
			Walkthrough walk = walkthrough(false);
			String activation = walk.eventId(6);
			String roleChange = walk.eventId(ROLE_CHANGE);
			swap(walk.id(), 6, ROLE_CHANGE);
			assertThat(walk.eventId(6)).isEqualTo(roleChange);

			Verdict verdict = walk.exportAndVerify();

			assertThat(verdict.status()).as(verdict.toString()).isEqualTo(1);
			assertThat(verdict.out()).contains("version 6, event " + roleChange + " (line 6): its content does not "
					+ "match its hash: the event was altered");
			assertThat(activation).isNotEqualTo(roleChange);
		}

		private void swap(String organization, long one, long other) {
			JdbcTemplate sql = AuditTamperingTest.this.database;
			String move = "UPDATE domainevententry SET sequencenumber = ? WHERE aggregateidentifier = ? AND sequencenumber = ?";
			sql.update(move, -1, organization, one - 1);
			sql.update(move, one - 1, organization, other - 1);
			sql.update(move, other - 1, organization, -1);
		}

	}

	@Nested
	class A_chain_rewritten_without_the_key {

		@Test
		void is_named_to_the_edited_event_by_the_checkpoints_before_and_after_it() {
			Walkthrough walk = walkthrough(true);
			rewrite(walk);

			Verdict verdict = walk.exportAndVerify();

			assertThat(verdict.status()).as(verdict.toString()).isEqualTo(1);
			assertThat(verdict.out()).contains("FAILED: organization " + walk.id() + ": the chain was rewritten: its "
					+ "hash at version 7 is not the one the checkpoint signed, while it matches the checkpoint at "
					+ "version 6; the rewritten event is version 7, event " + walk.eventId(ROLE_CHANGE));
		}

		@Test
		void fails_against_a_single_checkpoint_of_the_head_naming_the_versions_it_covers() {
			Walkthrough walk = walkthrough(false);
			rewrite(walk);

			Verdict verdict = walk.exportAndVerify();

			assertThat(verdict.status()).as(verdict.toString()).isEqualTo(1);
			// The scheduled checkpoints may have signed one more version on the way.
			assertThat(verdict.out()).containsPattern("the chain was rewritten: its hash at version 12 is not the one "
					+ "the checkpoint signed(, while it matches the checkpoint at version [1-6])?; the rewrite is in "
					+ "versions [1-7]\\.\\.12 \\(the first: version [1-7], event ");
		}

		@Test
		void fails_on_the_signature_when_the_stored_checkpoints_are_rewritten_too() {
			Walkthrough walk = walkthrough(true);
			rewrite(walk);
			AuditTamperingTest.this.database.update(
					"UPDATE audit_checkpoints SET hash = (SELECT c.hash FROM event_hash_chain c WHERE c.organization_id "
							+ "= audit_checkpoints.organization_id AND c.version = audit_checkpoints.version) "
							+ "WHERE organization_id = ?",
					walk.id());

			Verdict verdict = walk.exportAndVerify();

			assertThat(verdict.status()).as(verdict.toString()).isEqualTo(1);
			assertThat(verdict.out())
				.contains("the checkpoint of " + walk.id() + " at version 7 is not signed by the " + "audit key");
		}

		/**
		 * Edits the role change's payload and recomputes every chain row from it on with
		 * {@link HashChain}, exactly as the service would have written them.
		 */
		private void rewrite(Walkthrough walk) {
			walk.setPayload(ROLE_CHANGE, walk.payload(ROLE_CHANGE).replace("\"to_role\":\"RE\"", "\"to_role\":\"AD\""));
			String export = AuditTamperingTest.this.auditor.get(walk.org.path() + "/audit/events").text();
			List<JsonNode> lines = export.lines().map(MembershipJson.mapper()::readTree).toList();
			String previous = lines.get((int) ROLE_CHANGE - 2).path("hash").asString();
			for (JsonNode line : lines.subList((int) ROLE_CHANGE - 1, lines.size())) {
				ObjectNode envelope = (ObjectNode) line;
				String hash = HashChain.hash(previous, envelope);
				AuditTamperingTest.this.database.update(
						"UPDATE event_hash_chain SET prev_hash = ?, hash = ? WHERE organization_id = ? AND version = ?",
						previous, hash, walk.id(), envelope.path("version").asLong());
				previous = hash;
			}
			Verdict withoutCheckpoints = verify("--events",
					download(AuditTamperingTest.this.auditor, walk.id(), AuditTamperingTest.this.directory).events()
						.toString());
			assertThat(withoutCheckpoints.status())
				.as("the rewritten chain is consistent in itself: " + withoutCheckpoints)
				.isZero();
		}

	}

	@Nested
	class Who_may_read_the_audit_trail {

		@Test
		void the_system_wide_export_needs_the_audit_scope() {
			TestOrganization org = TestOrganization.create(AuditTamperingTest.this.port);

			assertProblem(org.owner().get("/api/audit/events"), 403, "audit_scope_required");
			assertProblem(ApiClient.anonymous(AuditTamperingTest.this.port).get("/api/audit/events"), 401,
					"unauthorized");
		}

		@Test
		void the_system_wide_export_is_resumable_after_a_position() {
			long before = AuditTamperingTest.this.database
				.queryForObject("SELECT COALESCE(MAX(globalindex), 0) FROM domainevententry", Long.class);
			Walkthrough walk = walkthrough(false);

			// The stream holds back events younger than the settle time (5 s).
			Answer all = eventually(() -> AuditTamperingTest.this.auditor.get("/api/audit/events?after=" + before),
					(answer) -> answer.status() == 200 && answer.text().contains("\"version\":12,"));
			assertThat(all.status()).as(all.toString()).isEqualTo(200);
			List<JsonNode> lines = all.text().lines().map(MembershipJson.mapper()::readTree).toList();
			List<JsonNode> mine = lines.stream()
				.filter((line) -> walk.id().equals(line.path("organization_id").asString()))
				.toList();
			assertThat(mine).hasSize(12);
			assertThat(mine.stream().map((line) -> line.path("version").asLong())).containsExactly(1L, 2L, 3L, 4L, 5L,
					6L, 7L, 8L, 9L, 10L, 11L, 12L);
			List<Long> positions = lines.stream().map((line) -> line.path("position").asLong()).toList();
			assertThat(positions).isSorted().doesNotHaveDuplicates().allMatch((position) -> position > before);

			long resumeAfter = mine.get(4).path("position").asLong();
			Answer resumed = AuditTamperingTest.this.auditor.get("/api/audit/events?after=" + resumeAfter);
			List<JsonNode> rest = resumed.text()
				.lines()
				.map(MembershipJson.mapper()::readTree)
				.filter((line) -> walk.id().equals(line.path("organization_id").asString()))
				.toList();
			assertThat(rest).isEqualTo(mine.subList(5, 12));
			assertThat(resumed.text()
				.lines()
				.map(MembershipJson.mapper()::readTree)
				.map((l) -> l.path("position").asLong())).allMatch((position) -> position > resumeAfter);
		}

		@Test
		void the_organization_export_is_for_its_Administrators_and_Owner() {
			TestOrganization org = TestOrganization.create(AuditTamperingTest.this.port);
			Member admin = org.join("AD");
			Member reviewer = org.join("RE");
			ApiClient stranger = ApiClient.as(AuditTamperingTest.this.port, TestOrganization.newUserId());
			String events = org.path() + "/audit/events";

			Answer byReviewer = eventually(() -> reviewer.client().get(events), (answer) -> answer.status() != 404);
			assertProblem(byReviewer, 403, "action_not_permitted");
			assertProblem(stranger.get(events), 404, "organization_not_found");
			assertProblem(stranger.get(org.path() + "/audit/checkpoints"), 404, "organization_not_found");
			assertProblem(stranger.post(org.path() + "/audit/checkpoints", null), 404, "organization_not_found");
			assertProblem(reviewer.client().get(org.path() + "/audit/checkpoints"), 403, "action_not_permitted");
			assertProblem(reviewer.client().post(org.path() + "/audit/checkpoints", null), 403, "action_not_permitted");

			Answer byAdmin = eventually(() -> admin.client().get(events), (answer) -> answer.status() == 200);
			assertThat(byAdmin.status()).as(byAdmin.toString()).isEqualTo(200);
			assertThat(byAdmin.text().lines()).hasSize(5);
			Answer byOwner = org.owner().get(events + "?after_version=3");
			assertThat(byOwner.status()).as(byOwner.toString()).isEqualTo(200);
			assertThat(byOwner.text()
				.lines()
				.map((line) -> MembershipJson.mapper().readTree(line).path("version").asLong()))
				.containsExactly(4L, 5L);
		}

		@Test
		void checkpoints_asked_for_at_the_same_moment_are_one_checkpoint() throws Exception {
			TestOrganization org = TestOrganization.create(AuditTamperingTest.this.port);
			org.join("AN");
			eventually(() -> org.owner().get(org.path() + "/audit/checkpoints"), (answer) -> answer.status() == 200);
			java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
			List<java.util.concurrent.Future<Answer>> answers = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				answers.add(pool.submit(() -> org.owner().post(org.path() + "/audit/checkpoints", null)));
			}
			List<Answer> taken = new ArrayList<>();
			for (java.util.concurrent.Future<Answer> answer : answers) {
				taken.add(answer.get());
			}
			pool.shutdown();

			assertThat(taken).allSatisfy((answer) -> assertThat(answer.status()).as(answer.toString()).isEqualTo(200));
			assertThat(taken.stream().map((answer) -> answer.json().path("signature").asString()).distinct())
				.hasSize(1);
			assertThat(
					AuditTamperingTest.this.auditor.get(org.path() + "/audit/checkpoints").json().path("checkpoints"))
				.hasSize(1);
		}

		@Test
		void the_public_key_is_served_to_any_authenticated_caller_but_not_without_a_token() {
			Answer key = ApiClient.as(AuditTamperingTest.this.port, TestOrganization.newUserId())
				.get("/api/audit/public-key");

			assertThat(key.status()).as(key.toString()).isEqualTo(200);
			assertThat(key.json().path("algorithm").asString()).isEqualTo("Ed25519");
			assertThat(key.json().path("public_key_pem").asString()).startsWith("-----BEGIN PUBLIC KEY-----");
			assertThat(key.json().path("key_id").asString()).matches("[0-9a-f]{16}");
			assertProblem(ApiClient.anonymous(AuditTamperingTest.this.port).get("/api/audit/public-key"), 401,
					"unauthorized");
		}

	}

}
