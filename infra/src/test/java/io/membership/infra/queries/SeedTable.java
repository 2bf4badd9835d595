package io.membership.infra.queries;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

import io.membership.infra.support.ApiClient.Answer;

/**
 * Seed 000's permission table read straight out of a verbatim copy of the seed (test
 * resource {@code seed-000-roles-and-permissions.md}), with the reading rules of the
 * README and {@code SeedMatrixTest}, in the API's own words: role codes, action ids and
 * scope ids as strings. It deliberately does not use {@code PermissionMatrix}, the
 * {@code Role}, {@code Action} or {@code Scope} types: the tests that use it hold the
 * service to the seed, not to itself.
 */
final class SeedTable {

	/**
	 * The seed's row labels and API.md's action ids for them (workspace and project
	 * access are split into a read and a manage action).
	 */
	private static final Map<String, List<String>> ROWS = Map.ofEntries(
			Map.entry("Assign user roles", List.of("assign_user_roles")),
			Map.entry("View the Organization page", List.of("view_organization_page")),
			Map.entry("Invite users", List.of("invite_users")),
			Map.entry("View system-wide activity log", List.of("view_activity_log")),
			Map.entry("Workspace access", List.of("workspace_read", "workspace_manage")),
			Map.entry("Project access", List.of("project_read", "project_manage")),
			Map.entry("Save custom project templates", List.of("save_project_templates")),
			Map.entry("View project data", List.of("view_project_data")),
			Map.entry("Import data", List.of("import_data")), Map.entry("Export data", List.of("export_data")),
			Map.entry("Assign annotators to tasks", List.of("assign_annotators")),
			Map.entry("Access labeling workflow", List.of("access_labeling_workflow")),
			Map.entry("Access review workflow", List.of("access_review_workflow")),
			Map.entry("Monitor annotator agreement", List.of("monitor_annotator_agreement")),
			Map.entry("Review annotator performance", List.of("review_annotator_performance")),
			Map.entry("Verify annotation results", List.of("verify_annotation_results")),
			Map.entry("Assign reviewers to tasks", List.of("assign_reviewers")),
			Map.entry("API access to equivalent Label Studio functionality", List.of("api_access")),
			Map.entry("Track what happens and when on annotation dashboards", List.of("view_dashboards")),
			Map.entry("View annotator dashboard", List.of("view_annotator_dashboard")));

	/** API.md's 22 action ids, in the order of the seed's rows. */
	static final List<String> ACTIONS;

	/** The role codes of the seed's column headings. */
	static final Map<String, String> ROLE_CODES = Map.of("Annotator", "AN", "Reviewer", "RE", "Manager", "MA",
			"Administrator", "AD", "Owner", "OW");

	/** The labels of the codes, including the two states, as API.md names them. */
	static final Map<String, String> LABELS = Map.of("AN", "Annotator", "RE", "Reviewer", "MA", "Manager", "AD",
			"Administrator", "OW", "Owner", "NO", "Not Activated", "DI", "Deactivated");

	private static final Pattern ROW = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL);

	private static final Pattern HEADING = Pattern.compile("<th[^>]*>(.*?)</th>", Pattern.DOTALL);

	private static final Pattern CELL = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL);

	/** One cell: the role code, the action id and the seed's text. */
	record Cell(String role, String action, String text) {
	}

	private static final Map<String, Map<String, Cell>> CELLS = new LinkedHashMap<>();

	static {
		List<String> actions = new ArrayList<>();
		read(actions);
		ACTIONS = List.copyOf(actions);
	}

	private SeedTable() {
	}

	/** The seed's cell for an active role's action. */
	static Cell cell(String role, String action) {
		Cell cell = CELLS.getOrDefault(role, Map.of()).get(action);
		if (cell == null) {
			throw new IllegalArgumentException("seed 000 has no cell for " + role + " / " + action);
		}
		return cell;
	}

	/** Every cell, role by role in the seed's column order. */
	static List<Cell> cells() {
		return CELLS.values().stream().flatMap((row) -> row.values().stream()).toList();
	}

	/**
	 * The scope id in which seed 000 grants the action to the role, or empty; NO and DI
	 * are granted nothing.
	 */
	static Optional<String> scope(String role, String action) {
		if (!ROLE_CODES.containsValue(role)) {
			return Optional.empty();
		}
		Cell cell = cell(role, action);
		String text = cell.text();
		boolean manages = action.equals("workspace_manage") || action.equals("project_manage");
		if (text.isEmpty()) {
			return Optional.empty();
		}
		if (text.equals("R")) {
			if (manages) {
				return Optional.empty();
			}
			return Optional.of(action.equals("workspace_read") ? "workspace" : "project");
		}
		if (text.contains("[^1]") || text.equals("Workspace and invited projects")) {
			return Optional.of("workspace");
		}
		if (text.equals("CRUD")) {
			// "Managers must be assigned to a workspace ... once assigned, they have full
			// administrative access in the assigned workspaces" (seed 000, roles table).
			boolean managerInWorkspace = role.equals("MA")
					&& (action.equals("workspace_read") || action.equals("workspace_manage"));
			return Optional.of(managerInWorkspace ? "workspace" : "organization");
		}
		return Optional.of(switch (text) {
			case "✅", "Organization" -> "organization";
			case "Own" -> "own";
			case "Project" -> "project";
			case "If permitted in project settings, can view own." -> "conditional";
			default -> throw new IllegalStateException("unrecognised seed cell " + cell);
		});
	}

	/**
	 * What the check must answer when a member with this role (null: not a member) and
	 * these workspace assignments asks about the action in a workspace (null: anywhere),
	 * by API.md's reading of the seed's scope: a workspace-scoped grant covers only
	 * assigned workspaces, anywhere only if some workspace is assigned; every other scope
	 * is allowed and named for the caller to apply.
	 */
	static Expected expected(String role, String action, String workspace, Set<String> assigned) {
		if (role == null) {
			return new Expected(false, null, null, "not_a_member");
		}
		if (!ROLE_CODES.containsValue(role)) {
			return new Expected(false, role, null, "member_not_active");
		}
		Optional<String> scope = scope(role, action);
		if (scope.isEmpty()) {
			return new Expected(false, role, null, "not_granted_to_role");
		}
		if (scope.get().equals("workspace")) {
			if (workspace != null && !assigned.contains(workspace)) {
				return new Expected(false, role, null, "workspace_not_assigned");
			}
			if (workspace == null && assigned.isEmpty()) {
				return new Expected(false, role, null, "no_workspace_assigned");
			}
		}
		return new Expected(true, role, scope.get(), "granted_by_role");
	}

	/**
	 * A check's expected {@code allowed}, {@code role}, {@code scope} and {@code reason}.
	 */
	record Expected(boolean allowed, String role, String scope, String reason) {

		/**
		 * Asserts that a check's answer is this decision, made as the given role, at the
		 * organization's version or later, with that version as its ETag.
		 */
		void assertAnswered(Answer answer, String answeredRole, long version, String description) {
			assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
			JsonNode body = answer.json();
			assertThat(body.path("allowed").isBoolean()).as(description).isTrue();
			assertThat(body.path("allowed").asBoolean()).as(description).isEqualTo(this.allowed);
			assertThat(body.path("role").asString()).as(description).isEqualTo(answeredRole);
			JsonNode scopeNode = body.path("scope");
			assertThat((scopeNode.isMissingNode() || scopeNode.isNull()) ? null : scopeNode.asString()).as(description)
				.isEqualTo(this.scope);
			assertThat(body.path("reason").asString()).as(description).isEqualTo(this.reason);
			assertThat(body.path("version").asLong()).as(description).isGreaterThanOrEqualTo(version);
			assertThat(answer.header("ETag")).as(description).isEqualTo("\"" + body.path("version").asLong() + "\"");
		}

	}

	private static void read(List<String> actions) {
		Map<String, Map<String, Cell>> cells = CELLS;
		Matcher rows = ROW.matcher(seedText());
		List<String> columns = null;
		while (rows.find()) {
			List<String> headings = all(HEADING, rows.group(1));
			if (!headings.isEmpty()) {
				columns = headings.subList(1, headings.size())
					.stream()
					.map((label) -> require(ROLE_CODES.get(label), "column " + label))
					.toList();
				columns.forEach((role) -> cells.put(role, new LinkedHashMap<>()));
				continue;
			}
			List<String> texts = all(CELL, rows.group(1));
			if (texts.size() != 6) {
				continue; // section headings span the whole row
			}
			String label = texts.get(0);
			for (String action : require(ROWS.get(label), "row " + label)) {
				actions.add(action);
				for (int column = 0; column < columns.size(); column++) {
					String role = columns.get(column);
					cells.get(role).put(action, new Cell(role, action, texts.get(column + 1)));
				}
			}
		}
		if (actions.size() != 22 || Set.copyOf(actions).size() != 22) {
			throw new IllegalStateException("seed 000's rows name " + actions + ", not API.md's 22 actions");
		}
	}

	private static List<String> all(Pattern pattern, String text) {
		List<String> found = new ArrayList<>();
		Matcher matcher = pattern.matcher(text);
		while (matcher.find()) {
			found.add(matcher.group(1).trim());
		}
		return found;
	}

	private static <T> T require(T value, String what) {
		if (value == null) {
			throw new IllegalStateException("seed 000: unexpected " + what);
		}
		return value;
	}

	private static String seedText() {
		try (InputStream in = SeedTable.class.getResourceAsStream("/seed-000-roles-and-permissions.md")) {
			if (in == null) {
				throw new IllegalStateException("seed-000-roles-and-permissions.md is not on the test classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
