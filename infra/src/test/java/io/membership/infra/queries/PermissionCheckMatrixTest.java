package io.membership.infra.queries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;

/**
 * The check endpoint answers what seed 000 says, for every role and every action, in a
 * workspace the member is assigned to, in one they are not assigned to, and without a
 * workspace. The expected answers are read out of the seed itself ({@link SeedTable}),
 * never from the service's own matrix. {@link ProjectPermissionMatrixTest} holds the
 * checks that name a project to the same table.
 *
 * <p>
 * One organization for the whole class, built through the command API: the Owner, one
 * member of each assignable role, a Not Activated member and a Deactivated one (who was
 * an assigned Annotator); two workspaces, every active member assigned to the first only.
 * Every check carries {@code min_version} of the organization's last command, so it never
 * reads a view that has not caught up.
 */
@PostgresServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PermissionCheckMatrixTest {

	private static final List<String> ROLES = List.of("AN", "RE", "MA", "AD", "OW", "NO", "DI");

	@LocalServerPort
	int port;

	private TestOrganization organization;

	private final Map<String, Long> members = new LinkedHashMap<>();

	private String assignedWorkspace;

	private String otherWorkspace;

	/** Where the check asks about. */
	enum Where {

		ASSIGNED("in an assigned workspace"), NOT_ASSIGNED("in a workspace not assigned to them"),
		ANYWHERE("without workspace_id");

		private final String description;

		Where(String description) {
			this.description = description;
		}

	}

	/** One named check: a member of this role asks about this action, here. */
	record Case(String role, String action, Where where) {

		@Override
		public String toString() {
			return SeedTable.LABELS.get(this.role) + " / " + this.action + " " + this.where.description;
		}

	}

	@BeforeAll
	void an_organization_with_a_member_of_every_role_assigned_to_the_first_of_two_workspaces() {
		this.organization = TestOrganization.create(this.port);
		this.assignedWorkspace = this.organization.createWorkspace("Assigned");
		this.otherWorkspace = this.organization.createWorkspace("Not assigned");
		this.members.put("OW", this.organization.ownerId());
		for (String role : List.of("AN", "RE", "MA", "AD")) {
			this.members.put(role, this.organization.join(role).userId());
		}
		this.members.put("NO", this.organization.join(null).userId());
		long deactivated = this.organization.join("AN").userId();
		for (long member : List.of(this.members.get("OW"), this.members.get("AN"), this.members.get("RE"),
				this.members.get("MA"), this.members.get("AD"), deactivated)) {
			this.organization.recorded(this.organization.owner()
				.post(this.organization.path() + "/workspaces/" + this.assignedWorkspace + "/memberships",
						"{\"user_id\":" + member + "}"));
		}
		this.organization.recorded(this.organization.owner()
			.post(this.organization.path() + "/memberships/" + deactivated + "/deactivate", "{}"));
		this.members.put("DI", deactivated);
	}

	static Stream<Case> cases() {
		List<Case> cases = new ArrayList<>();
		for (String role : ROLES) {
			for (String action : SeedTable.ACTIONS) {
				for (Where where : Where.values()) {
					cases.add(new Case(role, action, where));
				}
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void the_check_answers_what_seed_000_says(Case check) {
		String workspace = switch (check.where()) {
			case ASSIGNED -> "&workspace_id=" + this.assignedWorkspace;
			case NOT_ASSIGNED -> "&workspace_id=" + this.otherWorkspace;
			case ANYWHERE -> "";
		};
		Answer answer = this.organization.owner()
			.get(this.organization.path() + "/permissions/check?user_id=" + this.members.get(check.role()) + "&action="
					+ check.action() + workspace + "&min_version=" + this.organization.version());

		String seedCell = SeedTable.ROLE_CODES.containsValue(check.role())
				? "seed cell '" + SeedTable.cell(check.role(), check.action()).text() + "'" : "an inactive member";
		expected(check).assertAnswered(answer, check.role(), this.organization.version(),
				check + " (" + seedCell + "): " + answer.text());
	}

	@Test
	void the_seed_table_has_a_cell_for_every_role_and_every_action_of_the_api() {
		assertThat(SeedTable.ACTIONS).hasSize(22).doesNotHaveDuplicates();
		assertThat(SeedTable.cells()).hasSize(5 * 22);
		assertThat(cases()).hasSize(7 * 22 * 3);
	}

	/** What the seed says the check must answer. */
	private SeedTable.Expected expected(Case check) {
		String workspace = switch (check.where()) {
			case ASSIGNED -> this.assignedWorkspace;
			case NOT_ASSIGNED -> this.otherWorkspace;
			case ANYWHERE -> null;
		};
		return SeedTable.expected(check.role(), check.action(), workspace, Set.of(this.assignedWorkspace));
	}

}
