package io.membership.infra.removal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.audit.verify.AuditVerifier;
import io.membership.infra.kafka.EmbeddedKafkaBroker;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;
import io.membership.infra.support.TopicReader;
import io.membership.topics.MembershipTopics;

/**
 * A member's removal over HTTP, through everything that carries it: stored and chained,
 * on {@code membership.events.v1} with its CloudEvents headers and a tombstone on
 * {@code membership.roles.v1}, gone from the member list, checks, who-can, workspaces and
 * projects, in the activity log and role history, visible {@code as_of} before and not
 * after, and in an audit export that verifies; then the member invited again and back.
 */
@PostgresServiceTest
class MemberRemovalFlowTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String CORRELATION = "remove-anna-1";

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedKafkaBroker broker;

	@TempDir
	Path directory;

	private TestOrganization organization;

	private Member anna;

	private String workspace;

	/** Anna, an Annotator, assigned to a workspace and a Reviewer in its project 17. */
	@BeforeEach
	void annaInAWorkspaceAndAProject() {
		this.organization = TestOrganization.create(this.port);
		this.anna = this.organization.join("AN");
		this.workspace = this.organization.createWorkspace("Images");
		this.organization.recorded(this.organization.owner()
			.post(path("/workspaces/" + this.workspace + "/memberships"), "{\"user_id\":" + this.anna.userId() + "}"));
		this.organization.recorded(this.organization.owner()
			.send("PUT", path("/projects/17"), "{\"workspace_id\":\"" + this.workspace + "\",\"title\":\"Cats\"}"));
		this.organization.recorded(this.organization.owner()
			.post(path("/projects/17/members"), "{\"user_id\":" + this.anna.userId() + ",\"role\":\"RE\"}"));
	}

	private String path(String rest) {
		return this.organization.path() + rest;
	}

	/** The Owner's query, once the view reflects the latest command. */
	private Answer read(String pathAndQuery) {
		String separator = pathAndQuery.contains("?") ? "&" : "?";
		return this.organization.owner()
			.get(path(pathAndQuery) + separator + "min_version=" + this.organization.version());
	}

	private JsonNode ok(String pathAndQuery) {
		Answer answer = read(pathAndQuery);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		return answer.json();
	}

	private Answer remove(ApiClient client, long user) {
		return client.withHeader("X-Correlation-Id", CORRELATION).delete(path("/memberships/" + user));
	}

	private List<Long> userIds(JsonNode list) {
		List<Long> ids = new ArrayList<>();
		list.forEach((item) -> ids.add(item.path("user_id").asLong()));
		return ids;
	}

	@Test
	void a_removed_member_leaves_every_view_and_the_history_says_so_then_comes_back_by_a_new_invitation()
			throws IOException {
		String workspaceCheck = "/permissions/check?user_id=" + this.anna.userId() + "&action=workspace_read"
				+ "&workspace_id=" + this.workspace;
		// What the removal must change, as it stands before.
		assertThat(ok(workspaceCheck).path("allowed").asBoolean()).isTrue();
		assertThat(userIds(ok("/permissions/subjects?action=view_annotator_dashboard")))
			.containsExactly(this.anna.userId());
		assertThat(userIds(ok("/workspaces/" + this.workspace + "/memberships").path("members")))
			.containsExactly(this.anna.userId());
		assertThat(userIds(ok("/projects/17/members").path("members"))).contains(this.anna.userId());
		Instant beforeRemoval = Instant.now();
		sleep(20);

		Answer removed = this.organization.recorded(remove(this.organization.owner(), this.anna.userId()));
		long removal = this.organization.version();

		assertThat(removed.status()).isEqualTo(200);
		assertThat(removed.json().path("user_id").asLong()).isEqualTo(this.anna.userId());
		assertThat(removed.json().path("removed").asBoolean()).isTrue();

		// On the events topic, with its headers, and no e-mail address.
		String organizationId = this.organization.id();
		List<ConsumerRecord<String, byte[]>> events = TopicReader.read(this.broker.bootstrapServers(),
				MembershipTopics.EVENTS, organizationId,
				(seen) -> seen.stream().anyMatch((record) -> TopicReader.orgVersion(record) == removal),
				Duration.ofSeconds(60));
		ConsumerRecord<String, byte[]> record = events.stream()
			.filter((seen) -> TopicReader.orgVersion(seen) == removal)
			.findFirst()
			.orElseThrow();
		Map<String, String> headers = TopicReader.headers(record);
		assertThat(headers).containsEntry("ce_specversion", "1.0")
			.containsEntry("ce_type", "membership.MemberRemoved.v1")
			.containsEntry("ce_source", "/organizations/" + organizationId)
			.containsEntry("ce_subject", String.valueOf(this.anna.userId()))
			.containsEntry("ce_actorid", String.valueOf(this.organization.ownerId()))
			.containsEntry("ce_correlationid", CORRELATION)
			.containsEntry("ce_orgversion", String.valueOf(removal))
			.containsEntry("content-type", "application/json")
			.containsKeys("ce_id", "ce_time");
		JsonNode body = JSON.readTree(record.value());
		assertThat(body.path("user_id").asLong()).isEqualTo(this.anna.userId());
		assertThat(body.path("from_role").asString()).isEqualTo("AN");
		assertThat(body.has("email")).as(body.toString()).isFalse();
		assertThat(new String(record.value(), StandardCharsets.UTF_8)).doesNotContain(this.anna.email());

		// The compacted roles topic: a tombstone for the member's key.
		String roleKey = organizationId + ":" + this.anna.userId();
		List<ConsumerRecord<String, byte[]>> roles = TopicReader.read(this.broker.bootstrapServers(),
				MembershipTopics.ROLES, roleKey, (seen) -> !seen.isEmpty() && seen.get(seen.size() - 1).value() == null,
				Duration.ofSeconds(60));
		assertThat(roles).isNotEmpty();
		assertThat(roles.get(roles.size() - 1).value()).as("the latest record of " + roleKey).isNull();

		// No member now: the list, the member, checks, who-can, workspaces, projects.
		assertThat(userIds(ok("/memberships").path("results"))).containsExactly(this.organization.ownerId());
		Answer member = read("/memberships/" + this.anna.userId());
		assertThat(member.status()).as(member.toString()).isEqualTo(404);
		assertThat(member.code()).isEqualTo("member_not_found");
		Answer check = read(workspaceCheck);
		Answer strangerCheck = read("/permissions/check?user_id=" + TestOrganization.newUserId()
				+ "&action=workspace_read&workspace_id=" + this.workspace);
		assertThat(check.status()).as(check.toString()).isEqualTo(strangerCheck.status()).isEqualTo(404);
		assertThat(check.code()).isEqualTo(strangerCheck.code()).isEqualTo("member_not_found");
		assertThat(ok("/permissions/subjects?action=view_annotator_dashboard")).isEmpty();
		assertThat(ok("/workspaces/" + this.workspace + "/memberships").path("members")).isEmpty();
		assertThat(userIds(ok("/projects/17/members").path("members"))).doesNotContain(this.anna.userId());
		Answer ownList = this.anna.client().get(path("/memberships/" + this.anna.userId()));
		assertThat(ownList.status()).as(ownList.toString()).isEqualTo(404);

		// As of an instant before the removal, the member as they were; after it, none.
		JsonNode then = ok("/memberships/" + this.anna.userId() + "?as_of=" + beforeRemoval);
		assertThat(then.path("role").asString()).isEqualTo("AN");
		assertThat(then.path("email").asString()).isEqualTo(this.anna.email());
		assertThat(then.path("workspaces")).extracting(JsonNode::asString).containsExactly(this.workspace);
		assertThat(ok(workspaceCheck + "&as_of=" + beforeRemoval).path("allowed").asBoolean()).isTrue();
		assertThat(read("/memberships/" + this.anna.userId() + "?as_of=" + Instant.now()).status()).isEqualTo(404);

		// The activity log and the role history.
		JsonNode entry = ok("/activity-log?limit=1").path("entries").get(0);
		assertThat(entry.path("type").asString()).isEqualTo("MemberRemoved");
		assertThat(entry.path("version").asLong()).isEqualTo(removal);
		assertThat(entry.path("subject_user_id").asLong()).isEqualTo(this.anna.userId());
		assertThat(entry.path("actor_user_id").asLong()).isEqualTo(this.organization.ownerId());
		JsonNode ended = lastOf(ok("/memberships/" + this.anna.userId() + "/role-history").path("history"));
		assertThat(ended.path("type").asString()).isEqualTo("MemberRemoved");
		assertThat(ended.path("from_role").asString()).isEqualTo("AN");
		assertThat(ended.path("to_role").isNull()).as(ended.toString()).isTrue();
		assertThat(ended.path("project_id").isNull()).isTrue();
		assertThat(ended.path("correlation_id").asString()).isEqualTo(CORRELATION);

		// The audit export, anchored by a checkpoint taken now, verifies.
		Verdict verdict = exportAndVerify();
		assertThat(verdict.status()).as(verdict.toString()).isZero();
		assertThat(verdict.out()).contains("OK: " + organizationId + " anchored by a signed checkpoint at version")
			.contains("removed (v" + removal + ", ");

		// Invited again, with the same address: a new member under the same user id.
		String token = this.organization.invite(this.anna.email(), null).json().path("token").asString();
		this.organization.recorded(this.anna.client()
			.post("/api/invitations/" + token + "/accept",
					"{\"user_id\":" + this.anna.userId() + ",\"email\":\"" + this.anna.email() + "\"}"));
		this.organization.recorded(this.organization.owner()
			.post(path("/memberships/" + this.anna.userId() + "/activate"), "{\"role\":\"RE\"}"));

		JsonNode back = ok("/memberships/" + this.anna.userId());
		assertThat(back.path("role").asString()).isEqualTo("RE");
		assertThat(back.path("workspaces")).isEmpty();
		assertThat(userIds(ok("/projects/17/members").path("members"))).doesNotContain(this.anna.userId());
		JsonNode history = ok("/memberships/" + this.anna.userId() + "/role-history").path("history");
		List<String> types = new ArrayList<>();
		history.forEach((change) -> types.add(change.path("type").asString()));
		assertThat(types).containsSubsequence("MemberJoined", "MemberAddedToProject", "MemberRemoved", "MemberJoined",
				"MemberActivated");
		long backVersion = this.organization.version();
		List<ConsumerRecord<String, byte[]>> rolesAfter = TopicReader.read(this.broker.bootstrapServers(),
				MembershipTopics.ROLES, roleKey,
				(seen) -> !seen.isEmpty() && seen.get(seen.size() - 1).value() != null
						&& JSON.readTree(seen.get(seen.size() - 1).value()).path("version").asLong() == backVersion,
				Duration.ofSeconds(60));
		JsonNode state = JSON.readTree(rolesAfter.get(rolesAfter.size() - 1).value());
		assertThat(state.path("role").asString()).isEqualTo("RE");
		assertThat(state.path("workspaces")).isEmpty();
		assertThat(state.path("projects").size()).isZero();
	}

	@Test
	void refusals_store_nothing_the_owner_no_member_and_a_second_removal() {
		Answer owner = remove(this.organization.owner(), this.organization.ownerId());
		assertThat(owner.status()).as(owner.toString()).isEqualTo(409);
		assertThat(owner.code()).isEqualTo("owner_role_immutable");
		assertThat(owner.header("Content-Type")).startsWith("application/problem+json");

		Answer stranger = remove(this.organization.owner(), TestOrganization.newUserId());
		assertThat(stranger.status()).as(stranger.toString()).isEqualTo(404);
		assertThat(stranger.code()).isEqualTo("member_not_found");

		Answer byAnnotator = remove(this.anna.client(), this.organization.ownerId());
		assertThat(byAnnotator.status()).as(byAnnotator.toString()).isEqualTo(403);

		Answer stale = this.organization.owner()
			.withHeader("If-Match", "\"" + (this.organization.version() - 1) + "\"")
			.delete(path("/memberships/" + this.anna.userId()));
		assertThat(stale.status()).as(stale.toString()).isEqualTo(412);
		this.organization.assertNothingStored();

		this.organization.recorded(remove(this.organization.owner(), this.anna.userId()));
		Answer again = remove(this.organization.owner(), this.anna.userId());
		assertThat(again.status()).as(again.toString()).isEqualTo(404);
		assertThat(again.code()).isEqualTo("member_not_found");
		this.organization.assertNothingStored();
	}

	@Test
	void a_retried_removal_with_the_same_idempotency_key_answers_as_the_first_and_stores_nothing_new() {
		ApiClient keyed = this.organization.owner().withHeader("Idempotency-Key", "remove-" + this.anna.userId());

		Answer first = this.organization.recorded(keyed.delete(path("/memberships/" + this.anna.userId())));
		Answer retried = keyed.delete(path("/memberships/" + this.anna.userId()));

		assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
		assertThat(retried.json()).isEqualTo(first.json());
		this.organization.assertNothingStored();
	}

	private static JsonNode lastOf(JsonNode array) {
		return array.get(array.size() - 1);
	}

	/**
	 * What an auditor does: export, checkpoints and key into files, then the verifier.
	 */
	private Verdict exportAndVerify() throws IOException {
		Answer taken = this.organization.owner().post(path("/audit/checkpoints"), null);
		assertThat(taken.status()).as(taken.toString()).isEqualTo(200);
		Answer export = this.organization.owner().get(path("/audit/events"));
		assertThat(export.status()).as(export.toString()).isEqualTo(200);
		Answer checkpoints = this.organization.owner().get(path("/audit/checkpoints"));
		Answer key = this.organization.owner().get("/api/audit/public-key");
		Path events = Files.writeString(this.directory.resolve("export.ndjson"), export.text());
		Path signed = Files.writeString(this.directory.resolve("checkpoints.json"), checkpoints.text());
		Path publicKey = Files.writeString(this.directory.resolve("public-key.json"), key.text());
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = AuditVerifier.run(
				new String[] { "--events", events.toString(), "--checkpoints", signed.toString(), "--public-key",
						publicKey.toString(), "--histories" },
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		return new Verdict(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private record Verdict(int status, String out, String err) {

		@Override
		public String toString() {
			return "exit " + this.status + "\n" + this.out + this.err;
		}

	}

}
