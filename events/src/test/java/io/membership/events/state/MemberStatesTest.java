package io.membership.events.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import io.membership.events.InviteLinkReset;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MembershipEvent;
import io.membership.events.OwnershipTransferred;
import io.membership.events.access.Role;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class MemberStatesTest {

	private static final OrganizationId ORG = new OrganizationId("org_1");

	private static final UserId OWNER = UserId.of(1);

	private static final UserId MEMBER = UserId.of(2);

	private static final WorkspaceId WS = new WorkspaceId("ws_1");

	private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

	private final Map<UserId, MemberState> members = Map.of(OWNER, new MemberState(OWNER, Role.OWNER, Set.of()), MEMBER,
			new MemberState(MEMBER, Role.MANAGER, Set.of(WS)));

	@Test
	void a_transfer_changes_two_members_the_old_owner_first() {
		MembershipEvent transfer = new OwnershipTransferred(ORG, OWNER, MEMBER, Role.MANAGER, OWNER, AT, "c");

		assertThat(MemberStates.next(transfer, this.members::get)).containsExactly(
				new MemberState(OWNER, Role.ADMINISTRATOR, Set.of()), new MemberState(MEMBER, Role.OWNER, Set.of(WS)));
	}

	@Test
	void deactivation_keeps_the_workspaces() {
		MembershipEvent deactivated = new MemberDeactivated(ORG, MEMBER, Role.MANAGER, null, OWNER, AT, "c");

		assertThat(MemberStates.next(deactivated, this.members::get))
			.containsExactly(new MemberState(MEMBER, Role.DEACTIVATED, Set.of(WS)));
	}

	@Test
	void an_assignment_keeps_the_role() {
		WorkspaceId other = new WorkspaceId("ws_2");
		MembershipEvent assigned = new MemberAssignedToWorkspace(ORG, other, MEMBER, OWNER, AT, "c");

		assertThat(MemberStates.next(assigned, this.members::get))
			.containsExactly(new MemberState(MEMBER, Role.MANAGER, Set.of(WS, other)));
	}

	@Test
	void events_about_no_member_change_nobody() {
		MembershipEvent reset = new InviteLinkReset(ORG, new InviteLinkId("lnk_2"), OWNER, AT, "c");

		assertThat(MemberStates.next(reset, (user) -> {
			throw new AssertionError("no member should be looked up");
		})).isEmpty();
	}

	@Test
	void a_published_type_name_finds_its_event_class() {
		assertThat(MembershipEvent.typeNamed("membership.MemberRoleChanged.v1"))
			.contains(io.membership.events.MemberRoleChanged.class);
		assertThat(MembershipEvent.typeNamed("OwnershipTransferred")).contains(OwnershipTransferred.class);
		assertThat(MembershipEvent.typeNamed("membership.Unknown.v1")).isEmpty();
	}

}
