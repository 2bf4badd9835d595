package io.membership.events.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import io.membership.events.InviteLinkReset;
import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberRemoved;
import io.membership.events.MemberRemovedFromProject;
import io.membership.events.MembershipEvent;
import io.membership.events.OwnershipTransferred;
import io.membership.events.ProjectRegistered;
import io.membership.events.ProjectRemoved;
import io.membership.events.ProjectRoleChanged;
import io.membership.events.access.Role;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MemberStatesTest {

	private static final OrganizationId ORG = new OrganizationId("org_1");

	private static final UserId OWNER = UserId.of(1);

	private static final UserId MEMBER = UserId.of(2);

	private static final WorkspaceId WS = new WorkspaceId("ws_1");

	private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

	private static final Function<ProjectId, Collection<UserId>> NO_PROJECT_MEMBERS = (project) -> {
		throw new AssertionError("no project's members should be looked up");
	};

	private final Map<UserId, MemberState> members = Map.of(OWNER, new MemberState(OWNER, Role.OWNER, Set.of()), MEMBER,
			new MemberState(MEMBER, Role.MANAGER, Set.of(WS)));

	@Test
	void a_transfer_changes_two_members_the_old_owner_first() {
		MembershipEvent transfer = new OwnershipTransferred(ORG, OWNER, MEMBER, Role.MANAGER, OWNER, AT, "c");

		assertThat(MemberStates.next(transfer, this.members::get, NO_PROJECT_MEMBERS)).containsExactly(
				new MemberState(OWNER, Role.ADMINISTRATOR, Set.of()), new MemberState(MEMBER, Role.OWNER, Set.of(WS)));
	}

	@Test
	void deactivation_keeps_the_workspaces() {
		MembershipEvent deactivated = new MemberDeactivated(ORG, MEMBER, Role.MANAGER, null, OWNER, AT, "c");

		assertThat(MemberStates.next(deactivated, this.members::get, NO_PROJECT_MEMBERS))
			.containsExactly(new MemberState(MEMBER, Role.DEACTIVATED, Set.of(WS)));
	}

	@Test
	void a_removed_member_has_no_state_after_the_removal() {
		MembershipEvent removed = new MemberRemoved(ORG, MEMBER, Role.MANAGER, OWNER, AT, "c");

		assertThat(MemberStates.next(removed, this.members::get, NO_PROJECT_MEMBERS)).isEmpty();
		assertThat(MemberStates.removed(removed)).contains(MEMBER);
	}

	@Test
	void no_other_event_ends_a_membership() {
		MembershipEvent deactivated = new MemberDeactivated(ORG, MEMBER, Role.MANAGER, null, OWNER, AT, "c");

		assertThat(MemberStates.removed(deactivated)).isEmpty();
	}

	@Test
	void an_assignment_keeps_the_role() {
		WorkspaceId other = new WorkspaceId("ws_2");
		MembershipEvent assigned = new MemberAssignedToWorkspace(ORG, other, MEMBER, OWNER, AT, "c");

		assertThat(MemberStates.next(assigned, this.members::get, NO_PROJECT_MEMBERS))
			.containsExactly(new MemberState(MEMBER, Role.MANAGER, Set.of(WS, other)));
	}

	@Test
	void events_about_no_member_change_nobody() {
		MembershipEvent reset = new InviteLinkReset(ORG, new InviteLinkId("lnk_2"), OWNER, AT, "c");

		assertThat(MemberStates.next(reset, (user) -> {
			throw new AssertionError("no member should be looked up");
		}, NO_PROJECT_MEMBERS)).isEmpty();
	}

	@Test
	void joining_a_project_records_its_project_role_or_inherit() {
		ProjectId project = new ProjectId("17");
		MembershipEvent added = new MemberAddedToProject(ORG, project, MEMBER, Role.REVIEWER, null, OWNER, AT, "c");

		assertThat(MemberStates.next(added, this.members::get, NO_PROJECT_MEMBERS))
			.containsExactly(new MemberState(MEMBER, Role.MANAGER, Set.of(WS), Map.of(project, Role.REVIEWER)));
	}

	@Test
	void a_project_role_change_replaces_the_project_role_and_keeps_the_organization_role() {
		ProjectId project = new ProjectId("17");
		Map<ProjectId, Role> inherit = new HashMap<>();
		inherit.put(project, null);
		MemberState annotator = new MemberState(MEMBER, Role.ANNOTATOR, Set.of(), Map.of(project, Role.REVIEWER));
		MembershipEvent changed = new ProjectRoleChanged(ORG, project, MEMBER, Role.REVIEWER, null, null, OWNER, AT,
				"c");

		assertThat(MemberStates.next(changed, (user) -> annotator, NO_PROJECT_MEMBERS))
			.containsExactly(new MemberState(MEMBER, Role.ANNOTATOR, Set.of(), inherit));
	}

	@Test
	void leaving_a_project_forgets_it() {
		ProjectId project = new ProjectId("17");
		MemberState member = new MemberState(MEMBER, Role.ANNOTATOR, Set.of(), Map.of(project, Role.REVIEWER));
		MembershipEvent removed = new MemberRemovedFromProject(ORG, project, MEMBER, Role.REVIEWER, OWNER, AT, "c");

		assertThat(MemberStates.next(removed, (user) -> member, NO_PROJECT_MEMBERS))
			.containsExactly(new MemberState(MEMBER, Role.ANNOTATOR, Set.of(), Map.of()));
	}

	@Test
	void removing_a_project_takes_it_from_every_member_of_it() {
		ProjectId project = new ProjectId("17");
		ProjectId other = new ProjectId("18");
		MemberState first = new MemberState(OWNER, Role.OWNER, Set.of(), Map.of(project, Role.REVIEWER));
		MemberState second = new MemberState(MEMBER, Role.ANNOTATOR, Set.of(),
				Map.of(project, Role.REVIEWER, other, Role.ANNOTATOR));
		Map<UserId, MemberState> states = Map.of(OWNER, first, MEMBER, second);
		MembershipEvent removed = new ProjectRemoved(ORG, project, WS, OWNER, AT, "c");

		assertThat(MemberStates.next(removed, states::get, (id) -> Set.of(MEMBER, OWNER))).containsExactly(
				new MemberState(OWNER, Role.OWNER, Set.of(), Map.of()),
				new MemberState(MEMBER, Role.ANNOTATOR, Set.of(), Map.of(other, Role.ANNOTATOR)));
	}

	@Test
	void registering_a_project_changes_nobody() {
		MembershipEvent registered = new ProjectRegistered(ORG, new ProjectId("17"), WS, "Cats", false, OWNER, AT, "c");

		assertThat(MemberStates.next(registered, (user) -> {
			throw new AssertionError("no member should be looked up");
		}, NO_PROJECT_MEMBERS)).isEmpty();
	}

	@Test
	void a_published_type_name_finds_its_event_class() {
		assertThat(MembershipEvent.typeNamed("membership.MemberRoleChanged.v1"))
			.contains(io.membership.events.MemberRoleChanged.class);
		assertThat(MembershipEvent.typeNamed("OwnershipTransferred")).contains(OwnershipTransferred.class);
		assertThat(MembershipEvent.typeNamed("membership.Unknown.v1")).isEmpty();
	}

}
