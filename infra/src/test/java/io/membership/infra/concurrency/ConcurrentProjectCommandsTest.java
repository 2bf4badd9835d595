package io.membership.infra.concurrency;

import static io.membership.infra.concurrency.Races.auditExport;
import static io.membership.infra.concurrency.Races.race;
import static io.membership.infra.concurrency.Races.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.membership.infra.concurrency.Races.Outcome;
import io.membership.infra.concurrency.Races.Request;
import io.membership.infra.concurrency.Races.Stored;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * Project commands that conflict, sent at once over HTTP, round after round: an Annotator
 * is deactivated (or made a Manager) while they are added to a project with a Reviewer
 * project role and while their project role in another project is changed; a project is
 * removed while members are added to it; a project moves to another workspace while a
 * Manager of the old workspace and one of the new add members to it. Afterwards the
 * organization's stored history, as the audit export serves it, is replayed through a
 * checker written here from API.md's rules ({@link ProjectRulesChecker}), each answer is
 * matched with what it stored, every subject's role history is held to the history, and
 * the checks about every project answer what the replayed history says.
 */
@PostgresServiceTest
class ConcurrentProjectCommandsTest {

	private static final int ROUNDS = 24;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Test
	@Timeout(value = 150, unit = TimeUnit.SECONDS)
	void conflicting_project_commands_in_parallel_store_only_what_the_rules_allow() throws Exception {
		TestOrganization org = TestOrganization.create(this.port);
		String oldWorkspace = org.createWorkspace("Old");
		String newWorkspace = org.createWorkspace("New");
		Member admin = org.join("AD");
		Member oldManager = org.join("MA");
		Member newManager = org.join("MA");
		Member annotator = org.join("AN");
		Member reviewer = org.join("RE");
		Member secondAnnotator = org.join("AN");
		Member secondReviewer = org.join("RE");
		org.recorded(org.owner()
			.post(org.path() + "/workspaces/" + oldWorkspace + "/memberships",
					"{\"user_id\":" + oldManager.userId() + "}"));
		org.recorded(org.owner()
			.post(org.path() + "/workspaces/" + newWorkspace + "/memberships",
					"{\"user_id\":" + newManager.userId() + "}"));
		long setupVersion = org.version();

		List<Outcome> outcomes = new ArrayList<>();
		List<String> projects = new ArrayList<>();
		Random random = new Random(12);
		ExecutorService pool = Executors.newFixedThreadPool(10);
		try {
			for (int round = 0; round < ROUNDS; round++) {
				String a = "r" + round + "-override";
				String b = "r" + round + "-removed";
				String c = "r" + round + "-moved";
				String d = "r" + round + "-member";
				projects.addAll(List.of(a, b, c, d));
				// Sequentially: the Annotator is an Annotator again, and a member of d.
				Answer restored = send(org.owner(), "PATCH", org.path() + "/memberships",
						"{\"user_id\":" + annotator.userId() + ",\"role\":\"AN\"}", "setup-" + round + "-role");
				assertThat(restored.status()).as(restored.toString()).isEqualTo(200);
				for (String project : List.of(a, b, c, d)) {
					Answer registered = send(org.owner(), "PUT", org.path() + "/projects/" + project,
							"{\"workspace_id\":\"" + oldWorkspace + "\",\"title\":\"" + project + "\"}",
							"setup-" + round + "-" + project);
					assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
				}
				Answer added = send(org.owner(), "POST", org.path() + "/projects/" + d + "/members",
						"{\"user_id\":" + annotator.userId() + "}", "setup-" + round + "-member");
				assertThat(added.status()).as(added.toString()).isEqualTo(200);

				boolean demote = round % 2 == 1;
				List<Request> requests = new ArrayList<>(List.of(
						demote ? new Request("the Owner makes the Annotator a Manager", org.owner(), "POST",
								org.path() + "/memberships/" + annotator.userId() + "/role", "{\"role\":\"MA\"}")
								: new Request("the Owner deactivates the Annotator", org.owner(), "POST",
										org.path() + "/memberships/" + annotator.userId() + "/deactivate", "{}"),
						new Request("the Administrator adds the Annotator to " + a + " as Reviewer", admin.client(),
								"POST", org.path() + "/projects/" + a + "/members",
								"{\"user_id\":" + annotator.userId() + ",\"role\":\"RE\"}"),
						new Request("the old workspace's Manager makes the Annotator a Reviewer in " + d,
								oldManager.client(), "PATCH",
								org.path() + "/projects/" + d + "/members/" + annotator.userId(), "{\"role\":\"RE\"}"),
						new Request("the Administrator removes " + b, admin.client(), "DELETE",
								org.path() + "/projects/" + b, null),
						new Request("the old workspace's Manager adds the Reviewer to " + b, oldManager.client(),
								"POST", org.path() + "/projects/" + b + "/members",
								"{\"user_id\":" + reviewer.userId() + "}"),
						new Request("the Owner adds the second Reviewer to " + b + " as Annotator", org.owner(), "POST",
								org.path() + "/projects/" + b + "/members",
								"{\"user_id\":" + secondReviewer.userId() + ",\"role\":\"AN\"}"),
						new Request("the Owner moves " + c + " to the new workspace", org.owner(), "PUT",
								org.path() + "/projects/" + c,
								"{\"workspace_id\":\"" + newWorkspace + "\",\"title\":\"" + c + "\"}"),
						new Request("the old workspace's Manager adds the second Annotator to " + c,
								oldManager.client(), "POST", org.path() + "/projects/" + c + "/members",
								"{\"user_id\":" + secondAnnotator.userId() + "}"),
						new Request("the new workspace's Manager adds the Reviewer to " + c, newManager.client(),
								"POST", org.path() + "/projects/" + c + "/members",
								"{\"user_id\":" + reviewer.userId() + ",\"role\":\"AN\"}")));
				Collections.shuffle(requests, random);
				outcomes.addAll(race(pool, requests, round));
			}
		}
		finally {
			pool.shutdownNow();
		}

		List<Stored> history = auditExport(org);
		long lastVersion = history.get(history.size() - 1).version();
		ProjectRulesChecker checker = new ProjectRulesChecker();
		history.forEach(checker::apply);

		assertEveryAnswerMatchesTheStore(outcomes, history, setupVersion);
		assertTheRunWasContended(outcomes, history, setupVersion);
		for (Member subject : List.of(annotator, reviewer, secondAnnotator, secondReviewer)) {
			assertTheRoleHistoryIsTheStoredOne(org, subject.userId(), checker, lastVersion);
		}
		List<Long> users = List.of(org.ownerId(), admin.userId(), oldManager.userId(), newManager.userId(),
				annotator.userId(), reviewer.userId(), secondAnnotator.userId(), secondReviewer.userId());
		assertTheChecksAnswerWhatTheHistorySays(org, checker, users, projects, lastVersion);
	}

	/**
	 * The checker is only evidence if it fails on a broken history: each rule of the
	 * section, broken once.
	 */
	@Test
	void the_rules_checker_refuses_histories_that_break_the_project_rules() {
		List<Stored> valid = new ArrayList<>(List.of(event("OrganizationCreated", 1, "owner_user_id", 1),
				event("WorkspaceCreated", 1, "workspace_id", "w1"), event("WorkspaceCreated", 1, "workspace_id", "w2"),
				event("MemberJoined", 2, "user_id", 2, "role", "MA", "workspaces", List.of("w1")),
				event("MemberJoined", 3, "user_id", 3, "role", "AN", "workspaces", List.of()),
				event("MemberJoined", 4, "user_id", 4, "role", "AN", "workspaces", List.of()),
				event("ProjectRegistered", 1, "project_id", "p", "workspace_id", "w1"),
				event("ProjectRegistered", 1, "project_id", "q", "workspace_id", "w1"),
				event("MemberAddedToProject", 2, "project_id", "p", "user_id", 3, "project_role", "RE"),
				event("MemberDeactivated", 1, "user_id", 4, "from_role", "AN"),
				event("ProjectUpdated", 1, "project_id", "q", "previous_workspace_id", "w1", "workspace_id", "w2"),
				event("ProjectRemoved", 1, "project_id", "p", "workspace_id", "w1"),
				event("MemberRoleChanged", 1, "user_id", 3, "from_role", "AN", "to_role", "MA")));
		replay(valid);

		assertThatExceptionOfType(AssertionError.class).as("a Deactivated member is added to a project")
			.isThrownBy(() -> replay(valid, event("ProjectRegistered", 1, "project_id", "x", "workspace_id", "w1"),
					event("MemberAddedToProject", 1, "project_id", "x", "user_id", 4, "project_role", null)));
		assertThatExceptionOfType(AssertionError.class).as("a Manager is given a project role")
			.isThrownBy(() -> replay(valid, event("ProjectRegistered", 1, "project_id", "x", "workspace_id", "w1"),
					event("MemberAddedToProject", 1, "project_id", "x", "user_id", 3, "project_role", "RE")));
		assertThatExceptionOfType(AssertionError.class).as("a member is added to a removed project")
			.isThrownBy(() -> replay(valid,
					event("MemberAddedToProject", 1, "project_id", "p", "user_id", 1, "project_role", null)));
		assertThatExceptionOfType(AssertionError.class)
			.as("a Manager adds a member to a project that left their workspace")
			.isThrownBy(() -> replay(valid,
					event("MemberAddedToProject", 2, "project_id", "q", "user_id", 1, "project_role", null)));
		assertThatExceptionOfType(AssertionError.class).as("a Manager's project role is changed to RE")
			.isThrownBy(() -> replay(valid, event("ProjectRegistered", 1, "project_id", "x", "workspace_id", "w1"),
					event("MemberAddedToProject", 1, "project_id", "x", "user_id", 3, "project_role", null),
					event("ProjectRoleChanged", 1, "project_id", "x", "user_id", 3, "from_role", null, "to_role",
							"RE")));
	}

	private static Stored event(String type, long actor, Object... fields) {
		ObjectNode payload = JSON.createObjectNode();
		payload.put("actor_user_id", actor);
		payload.put("correlation_id", "synthetic");
		for (int i = 0; i < fields.length; i += 2) {
			if (fields[i + 1] == null) {
				payload.putNull((String) fields[i]);
			}
			else {
				payload.set((String) fields[i], JSON.valueToTree(fields[i + 1]));
			}
		}
		return new Stored(0, type, payload);
	}

	private static void replay(List<Stored> events, Stored... more) {
		ProjectRulesChecker checker = new ProjectRulesChecker();
		List<Stored> all = new ArrayList<>(events);
		all.addAll(List.of(more));
		for (int i = 0; i < all.size(); i++) {
			Stored stored = all.get(i);
			checker.apply(new Stored(i + 1, stored.type(), stored.payload()));
		}
	}

	/**
	 * No request failed unexpectedly; an accepted one stored at most one event, the one
	 * of the version it answered; a refused one stored nothing; every event of the races
	 * belongs to an accepted request.
	 */
	private static void assertEveryAnswerMatchesTheStore(List<Outcome> outcomes, List<Stored> history,
			long setupVersion) {
		assertThat(outcomes).hasSize(ROUNDS * 9);
		assertThat(outcomes)
			.allSatisfy((outcome) -> assertThat(outcome.status()).as(outcome.toString()).isIn(200, 201, 403, 404, 409));
		Map<String, List<Stored>> byCorrelation = history.stream()
			.collect(Collectors.groupingBy((stored) -> stored.payload().path("correlation_id").asString()));
		for (Outcome outcome : outcomes) {
			List<Stored> recorded = byCorrelation.getOrDefault(outcome.correlationId(), List.of());
			if (!outcome.accepted()) {
				assertThat(recorded).as("a refused request stores nothing: " + outcome).isEmpty();
				continue;
			}
			assertThat(outcome.version()).as(outcome.toString()).isBetween(setupVersion, (long) history.size());
			if (!recorded.isEmpty()) {
				assertThat(recorded).as(outcome.toString()).hasSize(1);
				assertThat(recorded.get(0).version()).as("the answered version is the stored event: " + outcome)
					.isEqualTo(outcome.version());
			}
		}
		Set<String> requests = outcomes.stream()
			.filter(Outcome::accepted)
			.map(Outcome::correlationId)
			.collect(Collectors.toSet());
		for (Stored stored : history.subList((int) setupVersion, history.size())) {
			String correlationId = stored.payload().path("correlation_id").asString();
			if (correlationId.startsWith("race-")) {
				assertThat(requests).as("an accepted request stored " + stored).contains(correlationId);
			}
			else {
				assertThat(correlationId).as(stored.toString()).startsWith("setup-");
			}
		}
	}

	/**
	 * The run is only a test if the commands really conflicted: each race was won both
	 * ways in some round, so refusals for every rule came back.
	 */
	private static void assertTheRunWasContended(List<Outcome> outcomes, List<Stored> history, long setupVersion) {
		Set<String> refusals = outcomes.stream()
			.filter((outcome) -> !outcome.accepted())
			.map(Outcome::code)
			.collect(Collectors.toSet());
		assertThat(refusals).as(outcomes.toString())
			.contains("member_not_active", "project_role_not_applicable", "project_not_found", "action_not_permitted");
		Set<String> stored = history.subList((int) setupVersion, history.size())
			.stream()
			.filter((event) -> event.payload().path("correlation_id").asString().startsWith("race-"))
			.map(Stored::type)
			.collect(Collectors.toSet());
		assertThat(stored).contains("MemberAddedToProject", "ProjectRoleChanged", "ProjectRemoved", "ProjectUpdated",
				"MemberDeactivated", "MemberRoleChanged");
		Set<String> accepted = outcomes.stream()
			.filter(Outcome::accepted)
			.map((outcome) -> outcome.description().replaceAll(" r\\d+-\\S+.*", ""))
			.collect(Collectors.toSet());
		assertThat(accepted).as("every kind of request was accepted in some round")
			.contains("the Administrator adds the Annotator to", "the old workspace's Manager adds the Reviewer to",
					"the old workspace's Manager adds the second Annotator to",
					"the new workspace's Manager adds the Reviewer to");
	}

	/**
	 * The member's role history is the stored history's: every change of organization
	 * role and every project membership change, with its version, type, project and
	 * roles.
	 */
	private static void assertTheRoleHistoryIsTheStoredOne(TestOrganization org, long user, ProjectRulesChecker checker,
			long lastVersion) {
		Answer answer = org.owner()
			.get(org.path() + "/memberships/" + user + "/role-history?min_version=" + lastVersion);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		List<String> served = new ArrayList<>();
		for (JsonNode entry : answer.json().path("history")) {
			served.add(ProjectRulesChecker.historyEntry(entry.path("version").asLong(), entry.path("type").asString(),
					text(entry.path("project_id")), text(entry.path("from_role")), text(entry.path("to_role"))));
		}
		assertThat(served).as("role history of " + user).containsExactlyElementsOf(checker.roleHistory(user));
	}

	/**
	 * Every member's checks about every project of the run answer what the replayed
	 * history says: {@code project_read} (seed 000: R for Annotators and Reviewers, CRUD
	 * for the others) and {@code access_review_workflow} (seed 000: not for Annotators,
	 * for every other role), by API.md's effective access.
	 */
	private static void assertTheChecksAnswerWhatTheHistorySays(TestOrganization org, ProjectRulesChecker checker,
			List<Long> users, List<String> projects, long lastVersion) {
		List<String[]> items = new ArrayList<>();
		for (long user : users) {
			for (String project : projects) {
				for (String action : List.of("project_read", "access_review_workflow")) {
					items.add(new String[] { Long.toString(user), project, action });
				}
			}
		}
		for (int from = 0; from < items.size(); from += 100) {
			List<String[]> chunk = items.subList(from, Math.min(items.size(), from + 100));
			String body = chunk.stream()
				.map((item) -> "{\"correlation_id\":\"" + item[0] + "/" + item[1] + "/" + item[2] + "\",\"user_id\":"
						+ item[0] + ",\"action\":\"" + item[2] + "\",\"project_id\":\"" + item[1] + "\"}")
				.collect(Collectors.joining(",", "{\"checks\":[", "]}"));
			Answer answer = org.owner().post(org.path() + "/permissions/check-batch?min_version=" + lastVersion, body);
			assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
			assertThat(answer.json().path("version").asLong()).isEqualTo(lastVersion);
			JsonNode results = answer.json().path("results");
			for (int index = 0; index < chunk.size(); index++) {
				String[] item = chunk.get(index);
				JsonNode result = results.get(index);
				String expected = checker.expectedCheck(Long.parseLong(item[0]), item[1], item[2]);
				String actual = result.path("allowed").asBoolean() + " " + text(result.path("role")) + " "
						+ text(result.path("scope")) + " " + text(result.path("reason"));
				assertThat(actual).as(result.toString()).isEqualTo(expected);
			}
		}
	}

	private static String text(JsonNode node) {
		return (node.isMissingNode() || node.isNull()) ? null : node.asString();
	}

	/**
	 * Replays an organization's stored events and fails on the first that breaks a rule
	 * of API.md's "Projects and project roles": only active members are added to a
	 * project; a project role other than Inherit only for a member whose organization
	 * role is then AN or RE; nothing happens in a removed or unknown project; project
	 * members are managed only by AD, OW and a Manager with access to the project (its
	 * workspace assigned to them, or a member of it) at that version; a project is
	 * registered, moved or removed only by AD, OW or a Manager assigned to its
	 * workspaces. It tracks roles, workspaces, projects and project memberships itself,
	 * from the events alone, and what each member's role history must then show.
	 */
	static final class ProjectRulesChecker {

		private static final Set<String> ACTIVE = Set.of("AN", "RE", "MA", "AD", "OW");

		private static final Set<String> PROJECT_ROLES = Set.of("AN", "RE");

		private final Map<Long, String> roles = new HashMap<>();

		private final Map<Long, Set<String>> workspacesOf = new HashMap<>();

		private final Set<String> workspaces = new HashSet<>();

		/** Project id to its workspace; removed projects are kept in {@link #removed}. */
		private final Map<String, String> projects = new HashMap<>();

		private final Set<String> removed = new HashSet<>();

		/** Project id to its members and their project roles (null: Inherit). */
		private final Map<String, Map<Long, String>> memberships = new HashMap<>();

		private final Map<Long, List<String>> roleHistory = new HashMap<>();

		void apply(Stored stored) {
			String at = stored.toString();
			JsonNode event = stored.payload();
			long actor = event.path("actor_user_id").asLong();
			switch (stored.type()) {
				case "OrganizationCreated" -> join(stored, event.path("owner_user_id").asLong(), "OW", List.of());
				case "UserInvited", "InvitationRevoked", "InviteLinkReset" -> requireActive(actor, at);
				case "MemberJoined" -> {
					List<String> assigned = new ArrayList<>();
					event.path("workspaces").forEach((workspace) -> assigned.add(workspace.asString()));
					join(stored, event.path("user_id").asLong(), event.path("role").asString(), assigned);
				}
				case "MemberActivated", "MemberRoleChanged" -> {
					requireRoleAdministrator(actor, at);
					long user = event.path("user_id").asLong();
					assertThat(this.roles.get(user)).as("the role the event says they had: " + at)
						.isEqualTo(event.path("from_role").asString());
					changeRole(stored, user, event.path("to_role").asString());
				}
				case "MemberDeactivated" -> {
					requireRoleAdministrator(actor, at);
					long user = event.path("user_id").asLong();
					assertThat(this.roles.get(user)).as(at).isEqualTo(event.path("from_role").asString());
					changeRole(stored, user, "DI");
				}
				case "OwnershipTransferred" -> {
					changeRole(stored, event.path("previous_owner_user_id").asLong(), "AD");
					changeRole(stored, event.path("new_owner_user_id").asLong(), "OW");
				}
				case "WorkspaceCreated" -> this.workspaces.add(event.path("workspace_id").asString());
				case "MemberAssignedToWorkspace" -> {
					long user = event.path("user_id").asLong();
					requireActive(user, at);
					this.workspacesOf.get(user).add(event.path("workspace_id").asString());
				}
				case "MemberRemovedFromWorkspace" ->
					this.workspacesOf.get(event.path("user_id").asLong()).remove(event.path("workspace_id").asString());
				case "ProjectRegistered" -> {
					String project = event.path("project_id").asString();
					String workspace = event.path("workspace_id").asString();
					assertThat(this.projects).as("a project id is registered once: " + at).doesNotContainKey(project);
					assertThat(this.workspaces).as("in a workspace that exists: " + at).contains(workspace);
					requireManagesWorkspace(actor, workspace, at);
					this.projects.put(project, workspace);
					this.memberships.put(project, new HashMap<>());
				}
				case "ProjectUpdated" -> {
					String project = requireLiveProject(event, at);
					String from = event.path("previous_workspace_id").asString();
					String to = event.path("workspace_id").asString();
					assertThat(from).as("the workspace it was in: " + at).isEqualTo(this.projects.get(project));
					assertThat(this.workspaces).as(at).contains(to);
					requireManagesWorkspace(actor, from, at);
					requireManagesWorkspace(actor, to, at);
					this.projects.put(project, to);
				}
				case "ProjectRemoved" -> {
					String project = requireLiveProject(event, at);
					requireManagesWorkspace(actor, this.projects.get(project), at);
					this.removed.add(project);
					this.memberships.remove(project);
				}
				case "MemberAddedToProject" -> {
					String project = requireLiveProject(event, at);
					long user = event.path("user_id").asLong();
					requireManagesMembers(actor, project, at);
					requireActive(user, at);
					assertThat(this.memberships.get(project)).as("added once: " + at).doesNotContainKey(user);
					String projectRole = text(event.path("project_role"));
					requireProjectRoleApplies(user, projectRole, at);
					this.memberships.get(project).put(user, projectRole);
					history(stored, user, project, null, projectRole);
				}
				case "ProjectRoleChanged" -> {
					String project = requireLiveProject(event, at);
					long user = event.path("user_id").asLong();
					requireManagesMembers(actor, project, at);
					assertThat(this.memberships.get(project)).as("a member of the project: " + at).containsKey(user);
					assertThat(this.memberships.get(project).get(user)).as(at).isEqualTo(text(event.path("from_role")));
					String projectRole = text(event.path("to_role"));
					requireProjectRoleApplies(user, projectRole, at);
					this.memberships.get(project).put(user, projectRole);
					history(stored, user, project, text(event.path("from_role")), projectRole);
				}
				case "MemberRemovedFromProject" -> {
					String project = requireLiveProject(event, at);
					long user = event.path("user_id").asLong();
					requireManagesMembers(actor, project, at);
					assertThat(this.memberships.get(project)).as(at).containsKey(user);
					String projectRole = this.memberships.get(project).remove(user);
					assertThat(text(event.path("project_role"))).as(at).isEqualTo(projectRole);
					history(stored, user, project, projectRole, null);
				}
				default -> fail("the checker does not know " + at);
			}
		}

		private void join(Stored stored, long user, String role, List<String> assigned) {
			assertThat(this.roles).as("a member joins once: " + stored).doesNotContainKey(user);
			this.roles.put(user, role);
			this.workspacesOf.put(user, new HashSet<>(assigned));
			this.roleHistory.put(user, new ArrayList<>());
			history(stored, user, null, null, role);
		}

		private void changeRole(Stored stored, long user, String role) {
			String from = this.roles.put(user, role);
			if (!Objects.equals(from, role)) {
				history(stored, user, null, from, role);
			}
		}

		private void history(Stored stored, long user, String project, String from, String to) {
			this.roleHistory.get(user).add(historyEntry(stored.version(), stored.type(), project, from, to));
		}

		static String historyEntry(long version, String type, String project, String from, String to) {
			return version + " " + type + " project " + project + ": " + from + " -> " + to;
		}

		List<String> roleHistory(long user) {
			return this.roleHistory.getOrDefault(user, List.of());
		}

		private String requireLiveProject(JsonNode event, String at) {
			String project = event.path("project_id").asString();
			assertThat(this.projects).as("the project was registered: " + at).containsKey(project);
			assertThat(this.removed).as("the project was not removed: " + at).doesNotContain(project);
			return project;
		}

		private String requireActive(long user, String at) {
			String role = this.roles.get(user);
			assertThat(role).as("a member: " + at).isNotNull();
			assertThat(ACTIVE).as("%s is active (%s) at %s", user, role, at).contains(role);
			return role;
		}

		private void requireRoleAdministrator(long actor, String at) {
			assertThat(requireActive(actor, at)).as("only AD and OW change roles: " + at).isIn("AD", "OW");
		}

		private void requireProjectRoleApplies(long user, String projectRole, String at) {
			if (projectRole != null) {
				assertThat(PROJECT_ROLES).as("a project role is AN or RE: " + at).contains(projectRole);
				assertThat(this.roles.get(user)).as("a project role only for an Annotator or Reviewer: " + at)
					.isIn("AN", "RE");
			}
		}

		private void requireManagesWorkspace(long actor, String workspace, String at) {
			String role = requireActive(actor, at);
			if (role.equals("MA")) {
				assertThat(this.workspacesOf.get(actor)).as("a Manager assigned to " + workspace + ": " + at)
					.contains(workspace);
			}
			else {
				assertThat(role).as("only AD, OW and Managers manage projects: " + at).isIn("AD", "OW");
			}
		}

		private void requireManagesMembers(long actor, String project, String at) {
			String role = requireActive(actor, at);
			if (role.equals("MA")) {
				boolean reaches = this.workspacesOf.get(actor).contains(this.projects.get(project))
						|| this.memberships.get(project).containsKey(actor);
				assertThat(reaches).as("a Manager with access to " + project + " at that version: " + at).isTrue();
			}
			else {
				assertThat(role).as("only AD, OW and Managers manage project members: " + at).isIn("AD", "OW");
			}
		}

		/**
		 * What the check must answer now, as {@code "allowed role scope reason"}, for
		 * {@code project_read} or {@code access_review_workflow}.
		 */
		String expectedCheck(long user, String project, String action) {
			String role = this.roles.get(user);
			if (!this.projects.containsKey(project) || this.removed.contains(project)) {
				return "false " + role + " null unknown_project";
			}
			if (!ACTIVE.contains(role)) {
				return "false " + role + " null member_not_active";
			}
			Map<Long, String> members = this.memberships.get(project);
			String acting;
			String via;
			if (role.equals("OW") || role.equals("AD")) {
				acting = role;
				via = "organization";
			}
			else if (role.equals("MA")) {
				acting = role;
				via = this.workspacesOf.get(user).contains(this.projects.get(project)) ? "workspace"
						: members.containsKey(user) ? "project" : null;
			}
			else {
				acting = (members.get(user) != null) ? members.get(user) : role;
				via = members.containsKey(user) ? "project" : null;
			}
			if (via == null) {
				return "false " + role + " null no_project_access";
			}
			if (action.equals("access_review_workflow") && acting.equals("AN")) {
				return "false AN null not_granted_to_role";
			}
			return "true " + acting + " " + via + " granted_by_role";
		}

	}

}
