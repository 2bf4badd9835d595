package io.membership.events.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads the permission table straight out of seed 000 (a verbatim copy in the test
 * resources) and checks every cell against {@link PermissionMatrix}. The scope each cell
 * text stands for is spelled out in {@link #expectedScope}, the same rules the README
 * documents, so a wrong cell in the matrix fails exactly one named test.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SeedMatrixTest {

	private static final List<Role> SEED_COLUMNS = List.of(Role.ANNOTATOR, Role.REVIEWER, Role.MANAGER,
			Role.ADMINISTRATOR, Role.OWNER);

	private static final Pattern ROW = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL);

	private static final Pattern CELL = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL);

	record SeedCell(String rowLabel, Role role, Action action, String text) {

		@Override
		public String toString() {
			return this.role.label() + " / " + this.action.id() + " (seed row '" + this.rowLabel + "', cell '"
					+ this.text + "')";
		}

	}

	static Stream<SeedCell> seedCells() throws IOException {
		List<SeedCell> cells = new ArrayList<>();
		Matcher rows = ROW.matcher(seedText());
		while (rows.find()) {
			List<String> texts = new ArrayList<>();
			Matcher cell = CELL.matcher(rows.group(1));
			while (cell.find()) {
				texts.add(cell.group(1).trim());
			}
			if (texts.size() != 6) {
				continue; // section headings span the whole row
			}
			String label = texts.get(0);
			for (Action action : actionsOfRow(label)) {
				for (int column = 0; column < SEED_COLUMNS.size(); column++) {
					cells.add(new SeedCell(label, SEED_COLUMNS.get(column), action, texts.get(column + 1)));
				}
			}
		}
		return cells.stream();
	}

	private static String seedText() throws IOException {
		try (InputStream in = SeedMatrixTest.class.getResourceAsStream("/seed-000-roles-and-permissions.md")) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	/** Workspace and project access are one row in the seed and two actions in API.md. */
	private static List<Action> actionsOfRow(String label) {
		return switch (label) {
			case "Workspace access" -> List.of(Action.WORKSPACE_READ, Action.WORKSPACE_MANAGE);
			case "Project access" -> List.of(Action.PROJECT_READ, Action.PROJECT_MANAGE);
			default -> List.of(Action.values())
				.stream()
				.filter((action) -> action.label().equals(label))
				.findFirst()
				.map(List::of)
				.orElseThrow(() -> new AssertionError("seed row '" + label + "' has no action id"));
		};
	}

	/** The documented reading of a seed cell. */
	static Optional<Scope> expectedScope(SeedCell cell) {
		String text = cell.text();
		boolean managesSomething = cell.action() == Action.WORKSPACE_MANAGE || cell.action() == Action.PROJECT_MANAGE;
		if (text.isEmpty()) {
			return Optional.empty();
		}
		if (text.equals("R")) {
			if (managesSomething) {
				return Optional.empty();
			}
			return Optional.of((cell.action() == Action.WORKSPACE_READ) ? Scope.WORKSPACE : Scope.PROJECT);
		}
		if (text.contains("[^1]") || text.equals("Workspace and invited projects")) {
			return Optional.of(Scope.WORKSPACE);
		}
		if (text.equals("CRUD")) {
			// "Managers must be assigned to a workspace ... once assigned, they have full
			// administrative access in the assigned workspaces" (seed 000, roles table).
			boolean managerInWorkspace = cell.role() == Role.MANAGER
					&& (cell.action() == Action.WORKSPACE_READ || cell.action() == Action.WORKSPACE_MANAGE);
			return Optional.of(managerInWorkspace ? Scope.WORKSPACE : Scope.ORGANIZATION);
		}
		return Optional.of(switch (text) {
			case "✅", "Organization" -> Scope.ORGANIZATION;
			case "Own" -> Scope.OWN;
			case "Project" -> Scope.PROJECT;
			case "If permitted in project settings, can view own." -> Scope.CONDITIONAL;
			default -> throw new AssertionError("unrecognised seed cell " + cell);
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("seedCells")
	void every_seed_cell_is_granted_in_the_scope_it_reads(SeedCell cell) {
		assertThat(PermissionMatrix.scopeOf(cell.role(), cell.action())).as(cell.toString())
			.isEqualTo(expectedScope(cell));
	}

	@Test
	void the_seed_table_covers_every_action_and_role_of_the_matrix() throws IOException {
		List<SeedCell> cells = seedCells().toList();
		assertThat(cells).extracting(SeedCell::action).containsOnly(Action.values()).hasSize(22 * 5);
		assertThat(cells.stream().map(SeedCell::action).distinct()).containsExactlyInAnyOrder(Action.values());
	}

	@ParameterizedTest
	@EnumSource(value = Role.class, names = { "NOT_ACTIVATED", "DEACTIVATED" })
	void not_activated_and_deactivated_members_are_granted_nothing(Role state) {
		assertThat(Action.values())
			.allSatisfy((action) -> assertThat(PermissionMatrix.grants(state, action)).isFalse());
	}

}
