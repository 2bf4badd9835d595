package io.membership.infra.queries;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.membership.infra.queries.StoredEvents.StoredEvent;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;

/**
 * Answers {@code as_of} an instant are what stood then. A scripted history of one member
 * (joins as NO, activated as AN, assigned to a workspace, made RE, deactivated,
 * reactivated as MA) is recorded through the command API; the instant of every step is
 * the {@code occurred_at} the command side stored. Then {@code check} and
 * {@code permissions} are asked as of the first instant of every interval between two
 * events, its middle and its last microsecond, and as of instants before the organization
 * existed and after its last event: each answers the member's role and workspaces of that
 * interval and the organization's version then.
 */
@PostgresServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsOfTest {

	/** The actions every instant is checked for, with the workspace asked about. */
	private static final List<String> PROBES = List.of("access_labeling_workflow", "workspace_read@",
			"access_review_workflow", "workspace_manage@", "view_annotator_dashboard", "workspace_read", "import_data");

	@LocalServerPort
	int port;

	private TestOrganization organization;

	private long member;

	private String workspace;

	/**
	 * The member's state from each version on: role (null: not a member) and workspaces.
	 */
	private final TreeMap<Long, MemberThen> script = new TreeMap<>();

	private List<StoredEvent> events;

	record MemberThen(String role, Set<String> workspaces) {
	}

	/** One instant to ask about, what the organization's version was then, and why. */
	record Probe(Instant instant, long version, String description) {
	}

	@BeforeAll
	void a_scripted_history() throws InterruptedException {
		this.organization = TestOrganization.create(this.port);
		this.script.put(0L, new MemberThen(null, Set.of()));
		pause();
		this.workspace = this.organization.createWorkspace("Scripted");
		pause();
		this.member = this.organization.join(null).userId();
		this.script.put(this.organization.version(), new MemberThen("NO", Set.of()));
		pause();
		step("/memberships/" + this.member + "/activate", "{\"role\":\"AN\"}", new MemberThen("AN", Set.of()));
		step("/workspaces/" + this.workspace + "/memberships", "{\"user_id\":" + this.member + "}",
				new MemberThen("AN", Set.of(this.workspace)));
		step("/memberships/" + this.member + "/role", "{\"role\":\"RE\"}",
				new MemberThen("RE", Set.of(this.workspace)));
		step("/memberships/" + this.member + "/deactivate", "{\"reason\":\"on leave\"}",
				new MemberThen("DI", Set.of(this.workspace)));
		step("/memberships/" + this.member + "/activate", "{\"role\":\"MA\"}",
				new MemberThen("MA", Set.of(this.workspace)));
		this.events = StoredEvents.of(this.organization.id());
		assertThat(this.events).extracting(StoredEvent::version)
			.as("the history is the organization's whole history")
			.containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
		for (int i = 1; i < this.events.size(); i++) {
			assertThat(Duration.between(this.events.get(i - 1).occurredAt(), this.events.get(i).occurredAt()))
				.as("events apart by more than a microsecond, so each interval has a middle")
				.isGreaterThan(Duration.ofNanos(2_000));
		}
	}

	private void step(String path, String body, MemberThen after) throws InterruptedException {
		this.organization.recorded(this.organization.owner().post(this.organization.path() + path, body));
		this.script.put(this.organization.version(), after);
		pause();
	}

	/** Keeps the steps' instants apart. */
	private static void pause() throws InterruptedException {
		Thread.sleep(5);
	}

	/**
	 * Instants before the organization, then the first microsecond, the middle and the
	 * last microsecond of every interval between two events, and after the last one.
	 */
	private List<Probe> probes() {
		List<Probe> probes = new ArrayList<>();
		Instant created = this.events.get(0).occurredAt();
		probes.add(new Probe(created.minus(1, ChronoUnit.DAYS), 0, "a day before the organization existed"));
		probes.add(new Probe(created.minus(1, ChronoUnit.MICROS), 0, "just before the organization existed"));
		for (int i = 0; i < this.events.size(); i++) {
			StoredEvent event = this.events.get(i);
			String after = "after version " + event.version() + " (" + event.type() + ")";
			Instant from = event.occurredAt();
			Instant until = (i + 1 < this.events.size()) ? this.events.get(i + 1).occurredAt()
					: Instant.now().plus(1, ChronoUnit.HOURS);
			probes.add(new Probe(from, event.version(),
					"at the instant of version " + event.version() + " (" + event.type() + ")"));
			probes.add(new Probe(from.plus(Duration.between(from, until).dividedBy(2)).truncatedTo(ChronoUnit.MICROS),
					event.version(), "midway " + after));
			probes.add(new Probe(until.minus(1, ChronoUnit.MICROS), event.version(),
					"just before the next event " + after));
		}
		return probes;
	}

	/**
	 * {@code min_version} of the script's last command: answers as of the past are read
	 * from the projections, which must have caught up with the whole script first.
	 */
	private String caughtUp() {
		return "&min_version=" + this.organization.version();
	}

	private MemberThen memberAt(long version) {
		return this.script.floorEntry(version).getValue();
	}

	@Test
	void a_check_as_of_any_instant_answers_as_things_stood_then() {
		List<String> mismatches = new ArrayList<>();
		int asked = 0;
		for (Probe probe : probes()) {
			MemberThen then = memberAt(probe.version());
			for (String probeAction : PROBES) {
				boolean inWorkspace = probeAction.endsWith("@");
				String action = inWorkspace ? probeAction.substring(0, probeAction.length() - 1) : probeAction;
				String workspace = inWorkspace ? this.workspace : null;
				Answer answer = this.organization.owner()
					.get(this.organization.path() + "/permissions/check?user_id=" + this.member + "&action=" + action
							+ (inWorkspace ? "&workspace_id=" + workspace : "") + "&as_of=" + probe.instant()
							+ caughtUp());
				asked++;
				SeedTable.Expected expected = SeedTable.expected(then.role(), action, workspace, then.workspaces());
				Map<String, Object> wanted = new LinkedHashMap<>();
				wanted.put("allowed", expected.allowed());
				wanted.put("role", expected.role());
				wanted.put("scope", expected.scope());
				wanted.put("reason", expected.reason());
				wanted.put("version", probe.version());
				Map<String, Object> got = (answer.status() == 200) ? checkAnswer(answer.json())
						: Map.of("status", answer.status());
				if (!wanted.equals(got)) {
					mismatches.add(probe.description() + " (" + probe.instant() + "), " + action
							+ (inWorkspace ? " in the workspace" : "") + ": expected " + wanted + " but got " + answer);
				}
			}
		}
		assertThat(asked).isEqualTo(probes().size() * PROBES.size());
		assertThat(mismatches).as("checks as of an instant that did not answer as things stood then").isEmpty();
	}

	@Test
	void permissions_as_of_any_instant_are_those_of_the_role_and_workspaces_then() {
		List<String> mismatches = new ArrayList<>();
		for (Probe probe : probes()) {
			MemberThen then = memberAt(probe.version());
			Answer answer = this.organization.owner()
				.get(this.organization.path() + "/memberships/" + this.member + "/permissions?as_of=" + probe.instant()
						+ caughtUp());
			String where = probe.description() + " (" + probe.instant() + ")";
			if (then.role() == null) {
				if (answer.status() != 404) {
					mismatches.add(where + ": expected 404 for a user who was not a member yet, got " + answer);
				}
				else {
					assertProblem(answer, 404, "member_not_found");
				}
				continue;
			}
			Map<String, Object> wanted = new LinkedHashMap<>();
			wanted.put("user_id", this.member);
			wanted.put("role", then.role());
			wanted.put("version", probe.version());
			wanted.put("permissions", expectedPermissions(then));
			Map<String, Object> got = (answer.status() == 200) ? permissionsAnswer(answer.json())
					: Map.of("status", answer.status());
			if (!wanted.equals(got)) {
				mismatches.add(where + ": expected " + wanted + " but got " + answer);
			}
		}
		assertThat(mismatches).as("permissions as of an instant that were not those of then").isEmpty();
	}

	@Test
	void without_as_of_and_as_of_a_later_instant_the_answers_are_the_current_ones() {
		long last = this.events.get(this.events.size() - 1).version();
		MemberThen now = memberAt(last);
		for (String asOf : List.of("", "&as_of=" + Instant.now().plus(1, ChronoUnit.DAYS))) {
			Answer check = this.organization.owner()
				.get(this.organization.path() + "/permissions/check?user_id=" + this.member
						+ "&action=workspace_manage&workspace_id=" + this.workspace + "&min_version=" + last + asOf);
			assertThat(checkAnswer(check.json())).as(check.toString())
				.containsEntry("allowed", true)
				.containsEntry("role", "MA")
				.containsEntry("version", last);
			Answer permissions = this.organization.owner()
				.get(this.organization.path() + "/memberships/" + this.member + "/permissions?min_version=" + last
						+ asOf);
			assertThat(permissionsAnswer(permissions.json())).as(permissions.toString())
				.containsEntry("role", "MA")
				.containsEntry("version", last)
				.containsEntry("permissions", expectedPermissions(now));
		}
	}

	@Test
	void the_member_asks_about_their_own_past() {
		Instant whileReviewer = this.events.get(6).occurredAt().plus(1, ChronoUnit.MICROS);
		Instant whileDeactivated = this.events.get(7).occurredAt().plus(1, ChronoUnit.MICROS);
		ApiClient self = ApiClient.as(this.port, this.member);
		Answer reviewer = self.get(this.organization.path() + "/permissions/check?action=access_review_workflow&as_of="
				+ whileReviewer + caughtUp());
		assertThat(checkAnswer(reviewer.json())).as(reviewer.toString())
			.containsEntry("allowed", true)
			.containsEntry("role", "RE")
			.containsEntry("version", 7L);
		Answer deactivated = self.get(this.organization.path()
				+ "/permissions/check?action=access_labeling_workflow&as_of=" + whileDeactivated + caughtUp());
		assertThat(checkAnswer(deactivated.json())).as(deactivated.toString())
			.containsEntry("allowed", false)
			.containsEntry("role", "DI")
			.containsEntry("reason", "member_not_active")
			.containsEntry("version", 8L);
	}

	/**
	 * Every action the seed grants the member then, as the permissions answer lists it.
	 */
	private static List<Map<String, Object>> expectedPermissions(MemberThen then) {
		List<Map<String, Object>> permissions = new ArrayList<>();
		for (String action : SeedTable.ACTIONS) {
			SeedTable.Expected expected = SeedTable.expected(then.role(), action, null, then.workspaces());
			if (expected.allowed()) {
				Map<String, Object> grant = new LinkedHashMap<>();
				grant.put("action", action);
				grant.put("scope", expected.scope());
				grant.put("workspaces", expected.scope().equals("workspace") ? Set.copyOf(then.workspaces()) : null);
				permissions.add(grant);
			}
		}
		return permissions;
	}

	private static Map<String, Object> checkAnswer(JsonNode body) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("allowed", body.path("allowed").asBoolean());
		answer.put("role", text(body.path("role")));
		answer.put("scope", text(body.path("scope")));
		answer.put("reason", text(body.path("reason")));
		answer.put("version", body.path("version").asLong());
		return answer;
	}

	private static Map<String, Object> permissionsAnswer(JsonNode body) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("user_id", body.path("user_id").asLong());
		answer.put("role", text(body.path("role")));
		answer.put("version", body.path("version").asLong());
		List<Map<String, Object>> permissions = new ArrayList<>();
		for (JsonNode permission : body.path("permissions")) {
			Map<String, Object> grant = new LinkedHashMap<>();
			grant.put("action", text(permission.path("action")));
			grant.put("scope", text(permission.path("scope")));
			Set<String> workspaces = null;
			if (!permission.path("workspaces").isMissingNode() && !permission.path("workspaces").isNull()) {
				workspaces = new HashSet<>();
				for (JsonNode workspace : permission.path("workspaces")) {
					workspaces.add(workspace.asString());
				}
			}
			grant.put("workspaces", (workspaces != null) ? Set.copyOf(workspaces) : null);
			permissions.add(grant);
		}
		answer.put("permissions", permissions);
		return answer;
	}

	private static String text(JsonNode node) {
		return (node.isMissingNode() || node.isNull()) ? null : node.asString();
	}

}
