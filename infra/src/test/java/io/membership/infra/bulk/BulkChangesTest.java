package io.membership.infra.bulk;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * API.md's "Bulk changes" over HTTP: a result per item with the status and problem the
 * single command answers, only accepted items stored, {@code atomic=true}, the whole
 * request's {@code Idempotency-Key}, a malformed body refused before anything is decided,
 * and the same stored history as the same items sent one by one.
 */
@PostgresServiceTest
class BulkChangesTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Well formed, so it reaches the Organization, and names no workspace. */
	private static final String UNKNOWN_WS = "ws_" + "0".repeat(32);

	@LocalServerPort
	int port;

	private static String invitation(String email, String role, String... workspaces) {
		StringBuilder item = new StringBuilder("{\"email\":\"" + email + "\"");
		if (role != null) {
			item.append(",\"role\":\"").append(role).append('"');
		}
		if (workspaces.length > 0) {
			item.append(",\"workspaces\":[\"").append(String.join("\",\"", workspaces)).append("\"]");
		}
		return item.append('}').toString();
	}

	private static String invitations(String... items) {
		return "{\"invitations\":[" + String.join(",", items) + "]}";
	}

	private static String changes(String... items) {
		return "{\"changes\":[" + String.join(",", items) + "]}";
	}

	private static String statuses(Answer answer) {
		StringJoiner statuses = new StringJoiner(" ");
		for (JsonNode result : answer.json().get("results")) {
			statuses
				.add(result.get("status").asInt() + (result.has("code") ? ":" + result.get("code").asString() : ""));
		}
		return statuses.toString();
	}

	/**
	 * The version the next accepted single command answers, minus one: what is stored
	 * now. Creating a workspace records one event.
	 */
	private static long storedVersion(TestOrganization organization) {
		Answer probe = organization.owner().post(organization.path() + "/workspaces", "{\"title\":\"Probe\"}");
		assertThat(probe.status()).as(probe.toString()).isEqualTo(201);
		return probe.json().get("version").asLong() - 1;
	}

	@Test
	void mixed_invitations_answer_each_items_status_and_store_only_the_accepted_ones() {
		TestOrganization organization = TestOrganization.create(this.port);
		String workspace = organization.createWorkspace("Labelers");
		Member member = organization.join("AN");
		long before = organization.version();

		Answer bulk = organization.owner()
			.post(organization.path() + "/invitations/bulk",
					invitations(invitation("first@bulk.test", "AN", workspace), invitation(member.email(), null),
							invitation("owner-role@bulk.test", "OW"), invitation("lost@bulk.test", "AN", UNKNOWN_WS),
							invitation("odd@bulk.test", "AN", "not-a-workspace"), invitation("FIRST@bulk.test", "RE"),
							invitation("last@bulk.test", null)));

		assertThat(bulk.status()).as(bulk.toString()).isEqualTo(200);
		assertThat(statuses(bulk)).isEqualTo("201 409:already_member 409:ownership_transfer_required "
				+ "404:workspace_not_found 404:workspace_not_found 409:duplicate_email 201");
		JsonNode results = bulk.json().get("results");
		assertThat(results.get(0).get("version").asLong()).isEqualTo(before + 1);
		assertThat(results.get(6).get("version").asLong()).isEqualTo(before + 2);
		assertThat(results.get(0).get("token").asString()).isNotBlank();
		assertThat(results.get(0).get("email").asString()).isEqualTo("first@bulk.test");
		assertThat(bulk.json().get("version").asLong()).isEqualTo(before + 2);
		assertThat(bulk.header("ETag")).isEqualTo("\"" + (before + 2) + "\"");
		assertThat(storedVersion(organization)).as("only the two accepted items stored").isEqualTo(before + 2);

		// Refused exactly as the single command refuses the same invitation.
		Answer single = organization.owner()
			.post(organization.path() + "/invitations", invitation(member.email(), null));
		assertProblem(single, 409, "already_member");
		assertThat(results.get(1).get("detail").asString()).isEqualTo(single.json().get("detail").asString());
		single = organization.owner().post(organization.path() + "/invitations", invitation("x@bulk.test", "OW"));
		assertProblem(single, 409, "ownership_transfer_required");
		assertThat(results.get(2).get("detail").asString()).isEqualTo(single.json().get("detail").asString());

		// The token of an accepted item is a working invitation.
		long joining = TestOrganization.newUserId();
		Answer joined = ApiClient.as(this.port, joining)
			.post("/api/invitations/" + results.get(0).get("token").asString() + "/accept",
					"{\"user_id\":" + joining + ",\"email\":\"first@bulk.test\"}");
		assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
		assertThat(joined.json().get("role").asString()).isEqualTo("AN");
	}

	@Test
	void mixed_membership_changes_answer_each_items_status_and_store_only_the_accepted_ones() {
		TestOrganization organization = TestOrganization.create(this.port);
		String workspace = organization.createWorkspace("Reviewers");
		Member annotator = organization.join("AN");
		Member pending = organization.join(null);
		long before = organization.version();

		Answer bulk = organization.owner()
			.post(organization.path() + "/memberships/bulk", changes(
					"{\"user_id\":" + pending.userId() + ",\"role\":\"RE\",\"add_workspaces\":[\"" + workspace + "\"]}",
					"{\"user_id\":" + annotator.userId() + ",\"role\":\"RE\",\"add_workspaces\":[\"" + UNKNOWN_WS
							+ "\"]}",
					"{\"user_id\":" + organization.ownerId() + ",\"role\":\"AN\"}",
					"{\"user_id\":" + TestOrganization.newUserId() + ",\"role\":\"AN\"}",
					"{\"user_id\":" + annotator.userId() + ",\"role\":\"OW\"}",
					"{\"user_id\":" + annotator.userId() + ",\"role\":\"MA\"}"));

		assertThat(bulk.status()).as(bulk.toString()).isEqualTo(200);
		assertThat(statuses(bulk)).isEqualTo("200 404:workspace_not_found 409:owner_role_immutable "
				+ "404:member_not_found 409:ownership_transfer_required 200");
		JsonNode results = bulk.json().get("results");
		assertThat(results.get(0).get("role").asString()).isEqualTo("RE");
		assertThat(results.get(0).get("version").asLong()).isEqualTo(before + 2);
		assertThat(results.get(5).get("role").asString()).isEqualTo("MA");
		assertThat(results.get(5).get("version").asLong()).isEqualTo(before + 3);
		assertThat(storedVersion(organization)).as("the refused item's role change is not stored either")
			.isEqualTo(before + 3);
	}

	@Test
	void atomic_with_one_refused_item_answers_409_with_every_items_result_and_stores_nothing() {
		TestOrganization organization = TestOrganization.create(this.port);
		Member annotator = organization.join("AN");
		long before = organization.version();

		Answer invited = organization.owner()
			.post(organization.path() + "/invitations/bulk?atomic=true",
					invitations(invitation("one@atomic.test", "AN"), invitation("two@atomic.test", "OW")));
		JsonNode problem = assertProblem(invited, 409, "bulk_item_refused");
		assertThat(statuses(invited)).isEqualTo("201 409:ownership_transfer_required");
		assertThat(problem.get("results").get(0).has("token")).as("no token for an invitation not stored").isFalse();

		Answer changed = organization.owner()
			.post(organization.path() + "/memberships/bulk?atomic=true",
					changes("{\"user_id\":" + annotator.userId() + ",\"role\":\"RE\"}",
							"{\"user_id\":" + organization.ownerId() + ",\"role\":\"AN\"}"));
		assertProblem(changed, 409, "bulk_item_refused");
		assertThat(statuses(changed)).isEqualTo("200 409:owner_role_immutable");

		assertThat(storedVersion(organization)).isEqualTo(before);
	}

	@Test
	void if_match_is_held_to_the_organization_before_the_first_item() {
		TestOrganization organization = TestOrganization.create(this.port);
		long before = organization.version();
		String body = invitations(invitation("one@match.test", "AN"), invitation("two@match.test", "RE"));

		assertProblem(organization.owner()
			.withHeader("If-Match", "\"" + (before - 1) + "\"")
			.post(organization.path() + "/invitations/bulk", body), 412, "version_mismatch");
		Answer matched = organization.owner()
			.withHeader("If-Match", "\"" + before + "\"")
			.post(organization.path() + "/invitations/bulk", body);

		assertThat(matched.status()).as(matched.toString()).isEqualTo(200);
		assertThat(statuses(matched)).as("the items after the first are not held to If-Match").isEqualTo("201 201");
		assertThat(storedVersion(organization)).isEqualTo(before + 2);
	}

	@Test
	void a_manager_changes_workspaces_within_their_access_and_may_not_invite_in_bulk() {
		TestOrganization organization = TestOrganization.create(this.port);
		String managed = organization.createWorkspace("Managed");
		String other = organization.createWorkspace("Other");
		Member manager = organization.join("MA");
		organization.recorded(organization.owner()
			.post(organization.path() + "/workspaces/" + managed + "/memberships",
					"{\"user_id\":" + manager.userId() + "}"));
		Member annotator = organization.join("AN");
		organization.awaitMember(manager.client());
		long before = organization.version();

		assertProblem(
				manager.client()
					.post(organization.path() + "/invitations/bulk", invitations(invitation("m@bulk.test", "AN"))),
				403, "action_not_permitted");
		Answer changed = manager.client()
			.post(organization.path() + "/memberships/bulk",
					changes("{\"user_id\":" + annotator.userId() + ",\"add_workspaces\":[\"" + managed + "\"]}",
							"{\"user_id\":" + annotator.userId() + ",\"add_workspaces\":[\"" + other + "\"]}",
							"{\"user_id\":" + annotator.userId() + ",\"role\":\"RE\"}"));

		assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
		assertThat(statuses(changed)).isEqualTo("200 403:action_not_permitted 403:action_not_permitted");
		assertThat(storedVersion(organization)).isEqualTo(before + 1);
	}

	@Test
	void a_retry_with_the_same_idempotency_key_answers_the_same_and_stores_nothing() {
		TestOrganization organization = TestOrganization.create(this.port);
		long before = organization.version();
		ApiClient retrying = organization.owner().withHeader("Idempotency-Key", "bulk-" + organization.id());
		String body = invitations(invitation("one@retry.test", "AN"), invitation("two@retry.test", "OW"),
				invitation("three@retry.test", null));

		Answer first = retrying.post(organization.path() + "/invitations/bulk", body);
		Answer retry = retrying.post(organization.path() + "/invitations/bulk", body);

		assertThat(first.status()).as(first.toString()).isEqualTo(200);
		assertThat(retry.status()).isEqualTo(200);
		assertThat(retry.text()).isEqualTo(first.text());
		assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
		assertThat(storedVersion(organization)).isEqualTo(before + 2);
	}

	@Test
	void more_than_a_thousand_items_or_a_malformed_item_is_400_with_nothing_decided() {
		TestOrganization organization = TestOrganization.create(this.port);
		long before = organization.version();
		String path = organization.path();
		List<String> many = new ArrayList<>();
		for (int i = 0; i < 1001; i++) {
			many.add(invitation("u" + i + "@many.test", null));
		}

		assertThat(organization.owner()
			.post(path + "/invitations/bulk", invitations(many.toArray(String[]::new)))
			.status()).isEqualTo(400);
		assertProblem(
				organization.owner()
					.post(path + "/invitations/bulk", invitations(invitation("ok@bulk.test", null), "5")),
				400, "malformed_body");
		assertProblem(organization.owner().post(path + "/invitations/bulk", "{\"invitations\":{}}"), 400,
				"malformed_body");
		assertProblem(organization.owner().post(path + "/invitations/bulk", invitations()), 400, "invalid_request");
		assertProblem(
				organization.owner()
					.post(path + "/invitations/bulk", invitations(invitation("ok@bulk.test", null), "null")),
				400, "invalid_request");
		assertProblem(organization.owner()
			.post(path + "/invitations/bulk", invitations(invitation("ok@bulk.test", null), invitation("nope", null))),
				400, "invalid_request");
		assertProblem(
				organization.owner()
					.post(path + "/invitations/bulk",
							invitations("{\"email\":\"p@bulk.test\",\"role\":\"AN\",\"projects\":[\"10 1\"]}")),
				400, "invalid_project_id");
		assertProblem(
				organization.owner()
					.post(path + "/memberships/bulk",
							changes("{\"user_id\":" + organization.ownerId() + ",\"role\":\"OW\"}", "[]")),
				400, "malformed_body");

		assertThat(storedVersion(organization)).isEqualTo(before);
	}

	@Test
	void a_thousand_invitations_fit_in_one_request_and_are_stored_one_event_each() {
		TestOrganization organization = TestOrganization.create(this.port);
		String workspace = organization.createWorkspace("Onboarding");
		long before = organization.version();
		List<String> items = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			items.add(invitation("labeler-" + i + "@thousand.test", "AN", workspace));
		}

		Answer bulk = organization.owner()
			.post(organization.path() + "/invitations/bulk", invitations(items.toArray(String[]::new)));

		assertThat(bulk.status()).as(bulk.toString()).isEqualTo(200);
		assertThat(bulk.json().get("results").size()).isEqualTo(1000);
		assertThat(bulk.json().get("version").asLong()).isEqualTo(before + 1000);
		assertThat(storedVersion(organization)).isEqualTo(before + 1000);
	}

	/**
	 * The contract's promise that a bulk request is the items sent one by one: two fresh
	 * organizations of one Owner, with the same members, get the same items, in bulk and
	 * singly; their audit exports agree event by event but for ids, times and the
	 * correlation id, which in bulk is the request's on every event.
	 */
	@Test
	void the_same_items_in_bulk_and_one_by_one_store_the_same_history() {
		long ownerId = TestOrganization.newUserId();
		ApiClient owner = ApiClient.as(this.port, ownerId);
		ApiClient bulkOwner = owner.withHeader("X-Correlation-Id", "bulk-equivalence-" + ownerId);
		String bulkOrg = newOrganization(owner);
		String singleOrg = newOrganization(owner);
		long annotator = TestOrganization.newUserId();
		long pending = TestOrganization.newUserId();
		Map<String, List<String>> workspaces = new HashMap<>();
		for (String org : List.of(bulkOrg, singleOrg)) {
			List<String> ids = new ArrayList<>();
			for (String title : List.of("First", "Second")) {
				ids.add(owner.post(org + "/workspaces", "{\"title\":\"" + title + "\"}")
					.json()
					.get("workspace_id")
					.asString());
			}
			workspaces.put(org, ids);
			assertThat(owner
				.send("PUT", org + "/projects/17", "{\"workspace_id\":\"" + ids.get(0) + "\",\"title\":\"Cats\"}")
				.status()).isEqualTo(201);
			join(org, owner, annotator, "AN");
			join(org, owner, pending, null);
		}
		long base = exportLines(owner, bulkOrg, 8).size();

		// Workspace by its index, project ids; a project needs a role, and one that
		// exists.
		List<String[]> invitationItems = List.of(new String[] { "ann@same.test", "AN", "0", "17" },
				new String[] { "rev@same.test", "RE", null, "17" },
				new String[] { "owner@same.test", "OW", null, null },
				new String[] { "user" + annotator + "@same.test", null, null, null },
				new String[] { "bob@same.test", null, "0", null }, new String[] { "pro@same.test", null, null, "17" },
				new String[] { "unknown@same.test", "AN", null, "99" },
				new String[] { "man@same.test", "MA", "1", null });
		List<String> bulkInvitations = new ArrayList<>();
		String singleAnnToken = null;
		for (String[] item : invitationItems) {
			bulkInvitations.add(invitationOf(item, workspaces.get(bulkOrg)));
			Answer single = owner.post(singleOrg + "/invitations", invitationOf(item, workspaces.get(singleOrg)));
			if (item[0].equals("ann@same.test")) {
				singleAnnToken = single.json().get("token").asString();
			}
		}
		Answer invited = bulkOwner.post(bulkOrg + "/invitations/bulk",
				invitations(bulkInvitations.toArray(String[]::new)));
		assertThat(invited.status()).as(invited.toString()).isEqualTo(200);

		// The invitee joins both, and with that their invitation's project.
		long ann = TestOrganization.newUserId();
		for (String token : List.of(invited.json().get("results").get(0).get("token").asString(), singleAnnToken)) {
			Answer joined = ApiClient.as(this.port, ann)
				.post("/api/invitations/" + token + "/accept", "{\"user_id\":" + ann + ",\"email\":\"ann@same.test\"}");
			assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
		}

		// Each item here is accepted whole or refused at its first part, as one by one;
		// the
		// one refused at a later part (an unknown project) is not sent singly, as the
		// bulk
		// item stores none of its parts.
		List<String> bulkChanges = new ArrayList<>();
		for (String org : List.of(bulkOrg, singleOrg)) {
			String first = workspaces.get(org).get(0);
			String second = workspaces.get(org).get(1);
			List<String> items = List.of(
					"{\"user_id\":" + pending + ",\"role\":\"AN\",\"add_workspaces\":[\"" + first + "\",\"" + second
							+ "\"]}",
					"{\"user_id\":" + annotator + ",\"role\":\"RE\"}",
					"{\"user_id\":" + pending + ",\"remove_workspaces\":[\"" + first + "\"]}",
					"{\"user_id\":" + ownerId + ",\"role\":\"AN\"}", "{\"user_id\":" + annotator + ",\"role\":\"DI\"}",
					"{\"user_id\":" + annotator + ",\"add_workspaces\":[\"" + second + "\"]}",
					"{\"user_id\":" + pending + ",\"add_projects\":[{\"project_id\":\"17\",\"role\":\"RE\"}]}",
					"{\"user_id\":" + ann + ",\"remove_projects\":[\"17\"],\"add_projects\":[{\"project_id\":\"99\"}]}",
					"{\"user_id\":" + ann + ",\"role\":\"RE\",\"remove_projects\":[\"17\"]}");
			if (org.equals(bulkOrg)) {
				bulkChanges.addAll(items);
				continue;
			}
			owner.patch(org + "/memberships", "{\"user_id\":" + pending + ",\"role\":\"AN\"}");
			owner.post(org + "/workspaces/" + first + "/memberships", "{\"user_id\":" + pending + "}");
			owner.post(org + "/workspaces/" + second + "/memberships", "{\"user_id\":" + pending + "}");
			owner.patch(org + "/memberships", "{\"user_id\":" + annotator + ",\"role\":\"RE\"}");
			owner.delete(org + "/workspaces/" + first + "/memberships/" + pending);
			owner.patch(org + "/memberships", "{\"user_id\":" + ownerId + ",\"role\":\"AN\"}");
			owner.patch(org + "/memberships", "{\"user_id\":" + annotator + ",\"role\":\"DI\"}");
			owner.post(org + "/workspaces/" + second + "/memberships", "{\"user_id\":" + annotator + "}");
			owner.post(org + "/projects/17/members", "{\"user_id\":" + pending + ",\"role\":\"RE\"}");
			owner.patch(org + "/memberships", "{\"user_id\":" + ann + ",\"role\":\"RE\"}");
			owner.delete(org + "/projects/17/members/" + ann);
		}
		Answer changed = bulkOwner.post(bulkOrg + "/memberships/bulk", changes(bulkChanges.toArray(String[]::new)));
		assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
		long version = changed.json().get("version").asLong();

		List<JsonNode> bulkHistory = exportLines(owner, bulkOrg, version);
		List<JsonNode> singleHistory = exportLines(owner, singleOrg, version);
		assertThat(version).as("the refused items stored nothing").isEqualTo(base + 3 + 2 + 9);
		assertThat(comparable(singleHistory)).isEqualTo(comparable(bulkHistory));
		// Every event of the two bulk requests; the join between them was the invitee's.
		List<JsonNode> bulkEvents = new ArrayList<>(bulkHistory.subList((int) base, (int) base + 3));
		bulkEvents.addAll(bulkHistory.subList((int) base + 5, bulkHistory.size()));
		for (JsonNode event : bulkEvents) {
			assertThat(event.get("payload").get("correlation_id").asString()).as(event.toString())
				.isEqualTo("bulk-equivalence-" + ownerId);
		}
	}

	private static String invitationOf(String[] item, List<String> workspaces) {
		String invitation = (item[2] != null) ? invitation(item[0], item[1], workspaces.get(Integer.parseInt(item[2])))
				: invitation(item[0], item[1]);
		return (item[3] != null)
				? invitation.substring(0, invitation.length() - 1) + ",\"projects\":[\"" + item[3] + "\"]}"
				: invitation;
	}

	private static String newOrganization(ApiClient owner) {
		Answer created = owner.post("/api/organizations", "{\"name\":\"Equivalence\"}");
		assertThat(created.status()).isEqualTo(201);
		return "/api/organizations/" + created.json().get("organization_id").asString();
	}

	private void join(String org, ApiClient owner, long userId, String role) {
		String email = "user" + userId + "@same.test";
		String token = owner.post(org + "/invitations", invitation(email, role)).json().get("token").asString();
		Answer joined = ApiClient.as(this.port, userId)
			.post("/api/invitations/" + token + "/accept", "{\"user_id\":" + userId + ",\"email\":\"" + email + "\"}");
		assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
	}

	/** The organization's audit export once it holds {@code version} events. */
	private static List<JsonNode> exportLines(ApiClient owner, String org, long version) {
		Instant deadline = Instant.now().plusSeconds(30);
		List<JsonNode> lines = new ArrayList<>();
		while (Instant.now().isBefore(deadline)) {
			lines.clear();
			Answer export = owner.get(org + "/audit/events");
			if (export.status() == 200) {
				for (String line : export.text().split("\n")) {
					if (!line.isBlank()) {
						lines.add(JSON.readTree(line));
					}
				}
				if (lines.size() >= version) {
					return lines;
				}
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		throw new AssertionError("The export of " + org + " did not reach version " + version + ": " + lines.size());
	}

	private static final Pattern GENERATED_ID = Pattern.compile("(org|inv|lnk)_[0-9a-f]{32}");

	private static final Pattern WORKSPACE_ID = Pattern.compile("ws_[0-9a-f]{32}");

	/**
	 * Each event as its version, type and payload, without what differs between two
	 * organizations by nature: generated ids (a workspace id becomes its order of
	 * creation), times, hashes and correlation ids.
	 */
	private static List<String> comparable(List<JsonNode> history) {
		Map<String, String> workspaceOrder = new HashMap<>();
		List<String> events = new ArrayList<>();
		for (JsonNode line : history) {
			ObjectNode payload = (ObjectNode) line.get("payload").deepCopy();
			List<String> fields = new ArrayList<>();
			payload.propertyNames().forEach(fields::add);
			for (String field : fields) {
				if (field.endsWith("_at") || field.equals("correlation_id")) {
					payload.remove(field);
				}
			}
			String text = line.get("version").asLong() + " " + line.get("type").asString() + " " + payload;
			text = GENERATED_ID.matcher(text).replaceAll("$1_*");
			text = WORKSPACE_ID.matcher(text)
				.replaceAll((match) -> "ws#" + workspaceOrder.computeIfAbsent(match.group(),
						(id) -> Integer.toString(workspaceOrder.size())));
			events.add(text);
		}
		return events;
	}

}
