package io.membership.infra.queries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;

/**
 * The seed-matrix test for projects: the single check with {@code project_id} answers,
 * for every role, every project-scoped action and every way a member can stand to a
 * project, what seed 000's table (read by {@link SeedTable}) and the effective access of
 * API.md's "Projects and project roles" say together. The expectations are computed here,
 * from the seed's cells and the section's rules, never from the service's own
 * {@code PermissionMatrix} or {@code ProjectAccess}:
 * <ul>
 * <li>{@code OW}, {@code AD}: every project, with their role, reached via the
 * organization;</li>
 * <li>{@code MA}: the projects of their workspaces (via the workspace) and the projects
 * they are a member of (invited, via the project), as Manager;</li>
 * <li>{@code AN}, {@code RE}: only the projects they are a member of (via the project),
 * as their project role if one is set, else as their organization role; a project role
 * confers nothing once the organization role is another;</li>
 * <li>{@code NO}, {@code DI}: nothing;</li>
 * <li>an allowed answer's scope is {@code own} where the seed says "Own", else how the
 * member reaches the project (docs/API.md); the seed's "If permitted in project settings,
 * can view own" is {@code own} where the project's {@code annotators_view_own_data} is
 * true and refused otherwise; a removed project is {@code unknown_project}.</li>
 * </ul>
 *
 * <p>
 * One organization for the class, built through the command API: two workspaces, every
 * active member (and the Deactivated one, before deactivation) assigned to the first; for
 * each situation a project (two, one per value of {@code annotators_view_own_data}, where
 * someone has access to it as a project member). The Manager and the Administrator joined
 * as Annotators and were given a Reviewer project role before their promotion; the
 * Deactivated member was an Annotator with the same project memberships as the Annotator.
 * Every check carries {@code min_version} of the last command.
 */
@PostgresServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectPermissionMatrixTest {

	private static final List<String> ROLES = List.of("AN", "RE", "MA", "AD", "OW", "NO", "DI");

	/**
	 * API.md's project-scoped actions: "project_read, project_manage, view_project_data,
	 * import_data, export_data, the labeling, review and dashboard actions" (seed 000's
	 * rows under "Data Labeling Workflows" and "Analytics").
	 */
	static final List<String> PROJECT_ACTIONS = List.of("project_read", "project_manage", "view_project_data",
			"import_data", "export_data", "assign_annotators", "access_labeling_workflow", "access_review_workflow",
			"monitor_annotator_agreement", "review_annotator_performance", "verify_annotation_results",
			"assign_reviewers", "view_dashboards", "view_annotator_dashboard");

	/**
	 * The project role each member holds in the {@link Situation#OVERRIDE} project: the
	 * other of AN and RE for the Annotator and the Reviewer; a Reviewer role given while
	 * they were Annotators for the Manager, the Administrator and the Deactivated member.
	 */
	private static final Map<String, String> OVERRIDES = Map.of("AN", "RE", "RE", "AN", "MA", "RE", "AD", "RE", "DI",
			"RE");

	@LocalServerPort
	int port;

	private TestOrganization organization;

	private final Map<String, Long> members = new LinkedHashMap<>();

	private String assignedWorkspace;

	private String otherWorkspace;

	/** How the member stands to the project asked about. */
	enum Situation {

		MEMBER("a project of an assigned workspace they are a member of (Inherit)", true, true, true),
		OVERRIDE("a project of another workspace they are a member of with a project role", false, true, true),
		NOT_MEMBER("a project of another workspace they are not a member of", false, false, false),
		ASSIGNED_WORKSPACE("a project of an assigned workspace they are not a member of", true, false, false),
		INVITED("a project of another workspace they are a member of (Inherit): invited", false, true, true),
		REMOVED("a removed project they were a member of", true, true, false);

		private final String description;

		private final boolean inAssignedWorkspace;

		private final boolean member;

		/** Whether it matters for someone: a project for each setting value. */
		private final boolean bothSettings;

		Situation(String description, boolean inAssignedWorkspace, boolean member, boolean bothSettings) {
			this.description = description;
			this.inAssignedWorkspace = inAssignedWorkspace;
			this.member = member;
			this.bothSettings = bothSettings;
		}

		List<Boolean> settings() {
			return this.bothSettings ? List.of(true, false) : List.of(true);
		}

		String projectId(boolean annotatorsViewOwnData) {
			return name().toLowerCase().replace('_', '-') + (annotatorsViewOwnData ? "-own-data" : "-no-own-data");
		}

	}

	/**
	 * The situations a role can be in: an Owner has no project role (only Annotators and
	 * Reviewers get one, and the Owner's role never changes); a Not Activated member is
	 * neither assigned to a workspace nor added to a project.
	 */
	static Set<Situation> situations(String role) {
		return switch (role) {
			case "OW" -> EnumSet.complementOf(EnumSet.of(Situation.OVERRIDE));
			case "NO" -> EnumSet.of(Situation.NOT_MEMBER, Situation.REMOVED);
			default -> EnumSet.allOf(Situation.class);
		};
	}

	/** One named check: a member of this role asks about this action in this project. */
	record Case(String role, String action, Situation situation, boolean annotatorsViewOwnData) {

		String projectId() {
			return this.situation.projectId(this.annotatorsViewOwnData);
		}

		@Override
		public String toString() {
			return SeedTable.LABELS.get(this.role) + " / " + this.action + " in " + this.situation.description
					+ ((this.situation == Situation.OVERRIDE) ? " (" + OVERRIDES.get(this.role) + ")" : "")
					+ ", annotators_view_own_data " + this.annotatorsViewOwnData;
		}

	}

	@BeforeAll
	void an_organization_with_a_project_for_every_situation_and_a_member_of_every_role() {
		this.organization = TestOrganization.create(this.port);
		this.assignedWorkspace = this.organization.createWorkspace("Assigned");
		this.otherWorkspace = this.organization.createWorkspace("Not assigned");
		for (Situation situation : Situation.values()) {
			for (boolean annotatorsViewOwnData : situation.settings()) {
				this.organization.recorded(this.organization.owner()
					.send("PUT", this.organization.path() + "/projects/" + situation.projectId(annotatorsViewOwnData),
							"{\"workspace_id\":\""
									+ (situation.inAssignedWorkspace ? this.assignedWorkspace : this.otherWorkspace)
									+ "\",\"title\":\"" + situation.description + "\",\"annotators_view_own_data\":"
									+ annotatorsViewOwnData + "}"));
			}
		}
		this.members.put("OW", this.organization.ownerId());
		this.members.put("AN", this.organization.join("AN").userId());
		this.members.put("RE", this.organization.join("RE").userId());
		this.members.put("MA", this.organization.join("AN").userId());
		this.members.put("AD", this.organization.join("AN").userId());
		this.members.put("DI", this.organization.join("AN").userId());
		this.members.put("NO", this.organization.join(null).userId());
		for (String role : List.of("OW", "AN", "RE", "MA", "AD", "DI")) {
			this.organization.recorded(this.organization.owner()
				.post(this.organization.path() + "/workspaces/" + this.assignedWorkspace + "/memberships",
						"{\"user_id\":" + this.members.get(role) + "}"));
			for (Situation situation : situations(role)) {
				if (situation.member) {
					for (boolean annotatorsViewOwnData : situation.settings()) {
						String projectRole = (situation == Situation.OVERRIDE) ? "\"" + OVERRIDES.get(role) + "\""
								: "null";
						this.organization.recorded(this.organization.owner()
							.post(this.organization.path() + "/projects/" + situation.projectId(annotatorsViewOwnData)
									+ "/members",
									"{\"user_id\":" + this.members.get(role) + ",\"role\":" + projectRole + "}"));
					}
				}
			}
		}
		for (String role : List.of("MA", "AD")) {
			this.organization.recorded(this.organization.owner()
				.post(this.organization.path() + "/memberships/" + this.members.get(role) + "/role",
						"{\"role\":\"" + role + "\"}"));
		}
		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/memberships/" + this.members.get("DI") + "/deactivate", "{}"));
		this.organization.recorded(this.organization.owner()
			.delete(this.organization.path() + "/projects/" + Situation.REMOVED.projectId(true)));
	}

	static Stream<Case> cases() {
		List<Case> cases = new ArrayList<>();
		for (String role : ROLES) {
			for (String action : SeedTable.ACTIONS) {
				for (Situation situation : situations(role)) {
					for (boolean annotatorsViewOwnData : situation.settings()) {
						// An action not about a project ignores the project: asked once,
						// in
						// a project that no longer exists.
						if (PROJECT_ACTIONS.contains(action) || situation == Situation.REMOVED) {
							cases.add(new Case(role, action, situation, annotatorsViewOwnData));
						}
					}
				}
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void the_check_with_a_project_answers_what_seed_000_and_the_effective_access_say(Case check) {
		Answer answer = single(check);

		SeedTable.Expected expected = expected(check);
		expected.assertAnswered(answer, expected.role(), this.organization.version(),
				describe(check) + ": " + answer.text());
	}

	@Test
	void the_batch_check_answers_every_item_exactly_as_the_single_check_does() {
		List<Case> all = cases().toList();
		for (int from = 0; from < all.size(); from += 100) {
			List<Case> chunk = all.subList(from, Math.min(from + 100, all.size()));
			List<String> items = new ArrayList<>();
			for (int index = 0; index < chunk.size(); index++) {
				Case check = chunk.get(index);
				items.add("{\"correlation_id\":\"item-" + (from + index) + "\",\"user_id\":"
						+ this.members.get(check.role()) + ",\"action\":\"" + check.action() + "\",\"project_id\":\""
						+ check.projectId() + "\"}");
			}
			Answer batch = this.organization.owner()
				.post(this.organization.path() + "/permissions/check-batch?min_version=" + this.organization.version(),
						"{\"checks\":[" + String.join(",", items) + "]}");
			assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
			JsonNode results = batch.json().path("results");
			assertThat(results.size()).as(batch.toString()).isEqualTo(chunk.size());
			for (int index = 0; index < chunk.size(); index++) {
				Case check = chunk.get(index);
				JsonNode result = results.get(index);
				JsonNode single = single(check).json();
				String description = describe(check) + ": batch " + result + ", single " + single;
				assertThat(result.path("correlation_id").asString()).as(description)
					.isEqualTo("item-" + (from + index));
				for (String field : List.of("allowed", "role", "scope", "reason")) {
					assertThat(result.path(field)).as(field + " of " + description).isEqualTo(single.path(field));
				}
				assertThat(result.path("allowed").asBoolean()).as(description).isEqualTo(expected(check).allowed());
			}
		}
	}

	@Test
	void the_cases_cover_every_role_project_scoped_action_and_situation() {
		assertThat(SeedTable.ACTIONS).containsAll(PROJECT_ACTIONS);
		assertThat(PROJECT_ACTIONS).hasSize(14).doesNotHaveDuplicates();
		List<Case> all = cases().toList();
		for (String role : ROLES) {
			for (String action : PROJECT_ACTIONS) {
				assertThat(all).as(role + " / " + action)
					.filteredOn((check) -> check.role().equals(role) && check.action().equals(action))
					.extracting(Case::situation)
					.containsAll(situations(role));
			}
		}
		// Both answers of the project setting are asked where an Annotator can reach.
		assertThat(all)
			.filteredOn((check) -> expected(check).scope() != null && expected(check).scope().equals("own")
					&& check.action().equals("view_project_data"))
			.extracting(Case::role)
			.contains("AN", "RE");
		assertThat(all).filteredOn((check) -> expected(check).reason().equals("not_permitted_by_project"))
			.extracting(Case::role)
			.contains("AN", "RE");
		// Every path and every refusal is expected somewhere.
		assertThat(all).extracting((check) -> expected(check).scope())
			.contains("organization", "workspace", "project", "own");
		assertThat(all).extracting((check) -> expected(check).reason())
			.contains("granted_by_role", "not_granted_to_role", "no_project_access", "unknown_project",
					"member_not_active");
	}

	/**
	 * What seed 000 and the section's effective access say the check must answer.
	 */
	private SeedTable.Expected expected(Case check) {
		String role = check.role();
		if (!PROJECT_ACTIONS.contains(check.action())) {
			return SeedTable.expected(role, check.action(), null,
					role.equals("NO") ? Set.of() : Set.of(this.assignedWorkspace));
		}
		if (check.situation() == Situation.REMOVED) {
			return new SeedTable.Expected(false, role, null, "unknown_project");
		}
		if (!SeedTable.ROLE_CODES.containsValue(role)) {
			return new SeedTable.Expected(false, role, null, "member_not_active");
		}
		Optional<Access> access = access(role, check.situation());
		if (access.isEmpty()) {
			return new SeedTable.Expected(false, role, null, "no_project_access");
		}
		String acting = access.get().role();
		Optional<String> seedScope = SeedTable.scope(acting, check.action());
		if (seedScope.isEmpty()) {
			return new SeedTable.Expected(false, acting, null, "not_granted_to_role");
		}
		return switch (seedScope.get()) {
			case "conditional" ->
				check.annotatorsViewOwnData() ? new SeedTable.Expected(true, acting, "own", "granted_by_role")
						: new SeedTable.Expected(false, acting, null, "not_permitted_by_project");
			case "own" -> new SeedTable.Expected(true, acting, "own", "granted_by_role");
			default -> new SeedTable.Expected(true, acting, access.get().via(), "granted_by_role");
		};
	}

	/** How an active member reaches a project, and as which role. */
	record Access(String role, String via) {
	}

	/** API.md's effective access of an active member in the situation. */
	private static Optional<Access> access(String role, Situation situation) {
		return switch (role) {
			case "OW", "AD" -> Optional.of(new Access(role, "organization"));
			case "MA" -> situation.inAssignedWorkspace ? Optional.of(new Access(role, "workspace"))
					: situation.member ? Optional.of(new Access(role, "project")) : Optional.empty();
			case "AN", "RE" -> situation.member
					? Optional.of(new Access((situation == Situation.OVERRIDE) ? OVERRIDES.get(role) : role, "project"))
					: Optional.empty();
			default -> throw new IllegalArgumentException("not an active role: " + role);
		};
	}

	private Answer single(Case check) {
		return this.organization.owner()
			.get(this.organization.path() + "/permissions/check?user_id=" + this.members.get(check.role()) + "&action="
					+ check.action() + "&project_id=" + check.projectId() + "&min_version="
					+ this.organization.version());
	}

	private static String describe(Case check) {
		String seedCell = SeedTable.ROLE_CODES.containsValue(check.role())
				? "seed cell '" + SeedTable.cell(check.role(), check.action()).text() + "'" : "an inactive member";
		return check + " (" + seedCell + ")";
	}

}
