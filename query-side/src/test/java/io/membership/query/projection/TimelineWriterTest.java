package io.membership.query.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.membership.events.Limits;
import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberJoined;
import io.membership.events.access.Role;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.state.MemberState;
import io.membership.query.support.OrganizationHistory;

/**
 * Every member's timeline, which the queries and checks "as of" an instant answer from:
 * the role, workspaces and project memberships a member had then.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TimelineWriterTest {

	private static final UserId ANN = UserId.of(2);

	private static final WorkspaceId IMAGES = new WorkspaceId("ws_images");

	private static final ProjectId CATS = new ProjectId("17");

	@RegisterExtension
	final ProjectedTables tables = new ProjectedTables();

	private Optional<MemberState> stateAt(OrganizationHistory history, UserId user, long version) {
		return this.tables.timelines().stateAt(history.id(), user, history.occurredAt(version));
	}

	private static Map<ProjectId, Role> projects(ProjectId project, Role projectRole) {
		Map<ProjectId, Role> projects = new TreeMap<>();
		projects.put(project, projectRole);
		return projects;
	}

	@Test
	void a_members_state_as_of_an_instant_is_the_one_they_were_in_then() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.joined(ANN.value(), Role.ANNOTATOR)
			.workspaceCreated(IMAGES.value())
			.assigned(IMAGES.value(), ANN.value())
			.roleChanged(ANN.value(), Role.ANNOTATOR, Role.REVIEWER)
			.removedFromWorkspace(IMAGES.value(), ANN.value());
		this.tables.given(acme);

		assertThat(stateAt(acme, ANN, 1)).isEmpty();
		assertThat(stateAt(acme, ANN, 3)).contains(new MemberState(ANN, Role.ANNOTATOR, Set.of()));
		assertThat(stateAt(acme, ANN, 4)).contains(new MemberState(ANN, Role.ANNOTATOR, Set.of(IMAGES)));
		assertThat(stateAt(acme, ANN, 5)).contains(new MemberState(ANN, Role.REVIEWER, Set.of(IMAGES)));
		assertThat(this.tables.timelines().latestState(acme.id(), ANN))
			.contains(new MemberState(ANN, Role.REVIEWER, Set.of()));
	}

	@Test
	void project_memberships_are_on_the_timeline_with_their_project_roles_inherit_as_none() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.workspaceCreated(IMAGES.value())
			.joined(ANN.value(), Role.ANNOTATOR)
			.projectRegistered(CATS.value(), IMAGES.value(), "Cats", true)
			.addedToProject(CATS.value(), ANN.value(), null)
			.projectRoleChanged(CATS.value(), ANN.value(), null, Role.REVIEWER)
			.removedFromProject(CATS.value(), ANN.value(), Role.REVIEWER);
		this.tables.given(acme);

		assertThat(stateAt(acme, ANN, 5))
			.contains(new MemberState(ANN, Role.ANNOTATOR, Set.of(), projects(CATS, null)));
		assertThat(stateAt(acme, ANN, 6))
			.contains(new MemberState(ANN, Role.ANNOTATOR, Set.of(), projects(CATS, Role.REVIEWER)));
		assertThat(stateAt(acme, ANN, 7)).contains(new MemberState(ANN, Role.ANNOTATOR, Set.of()));
	}

	@Test
	void a_removed_project_leaves_its_members_timelines_so_no_later_instant_shows_the_membership() {
		UserId bob = UserId.of(43);
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.workspaceCreated(IMAGES.value())
			.joined(ANN.value(), Role.ANNOTATOR)
			.joined(bob.value(), Role.REVIEWER)
			.projectRegistered(CATS.value(), IMAGES.value(), "Cats", true)
			.addedToProject(CATS.value(), ANN.value(), Role.REVIEWER)
			.addedToProject(CATS.value(), bob.value(), null)
			.projectRemoved(CATS.value(), IMAGES.value());
		this.tables.givenOneByOne(acme);

		assertThat(stateAt(acme, ANN, 7))
			.contains(new MemberState(ANN, Role.ANNOTATOR, Set.of(), projects(CATS, Role.REVIEWER)));
		assertThat(stateAt(acme, ANN, 8)).contains(new MemberState(ANN, Role.ANNOTATOR, Set.of()));
		assertThat(stateAt(acme, bob, 8)).contains(new MemberState(bob, Role.REVIEWER, Set.of()));
	}

	@Test
	void a_project_removed_in_the_batch_that_added_its_members_leaves_them_too() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.workspaceCreated(IMAGES.value())
			.joined(ANN.value(), Role.ANNOTATOR)
			.projectRegistered(CATS.value(), IMAGES.value(), "Cats", true)
			.addedToProject(CATS.value(), ANN.value(), null)
			.projectRemoved(CATS.value(), IMAGES.value());
		this.tables.given(acme);

		assertThat(this.tables.timelines().latestState(acme.id(), ANN))
			.contains(new MemberState(ANN, Role.ANNOTATOR, Set.of()));
	}

	@Test
	void a_transfer_of_ownership_is_a_new_state_of_both_members() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.joined(ANN.value(), Role.ADMINISTRATOR)
			.ownershipTransferred(ANN.value(), Role.ADMINISTRATOR);
		this.tables.given(acme);

		assertThat(stateAt(acme, OrganizationHistory.OWNER, 2)).map(MemberState::role).contains(Role.OWNER);
		assertThat(stateAt(acme, OrganizationHistory.OWNER, 3)).map(MemberState::role).contains(Role.ADMINISTRATOR);
		assertThat(stateAt(acme, ANN, 3)).map(MemberState::role).contains(Role.OWNER);
	}

	@Test
	void an_event_about_no_members_role_workspaces_or_projects_adds_no_state() {
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.invited("later@acme.test", Role.MANAGER)
			.inviteLinkReset()
			.workspaceCreated(IMAGES.value())
			.projectRegistered(CATS.value(), IMAGES.value(), "Cats", true)
			.projectUpdated(CATS.value(), IMAGES.value(), IMAGES.value(), "Purrs", false);
		this.tables.given(acme);

		assertThat(
				this.tables.rows("SELECT version FROM qs_member_timeline WHERE organization_id = ?", acme.id().value()))
			.extracting("version")
			.containsExactly(1L);
	}

	@Test
	void the_most_workspaces_an_invitation_may_name_and_the_longest_project_id_come_back_unchanged() {
		Set<WorkspaceId> workspaces = Stream.generate(WorkspaceId::generate)
			.limit(Limits.WORKSPACES_PER_INVITATION)
			.collect(Collectors.toCollection(TreeSet::new));
		ProjectId longest = new ProjectId("Az09._-".repeat(10).substring(0, Limits.ID));
		OrganizationHistory acme = OrganizationHistory.created("Acme")
			.then((organization, occurredAt, correlationId) -> new MemberJoined(organization, ANN, "ann@acme.test",
					Role.ANNOTATOR, null, workspaces, ANN, occurredAt, correlationId))
			.then((organization, occurredAt, correlationId) -> new MemberAddedToProject(organization, longest, ANN,
					Role.REVIEWER, null, OrganizationHistory.OWNER, occurredAt, correlationId));
		this.tables.given(acme);

		assertThat(this.tables.timelines().latestState(acme.id(), ANN))
			.contains(new MemberState(ANN, Role.ANNOTATOR, workspaces, projects(longest, Role.REVIEWER)));
	}

}
