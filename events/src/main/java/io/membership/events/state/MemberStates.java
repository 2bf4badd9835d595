package io.membership.events.state;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

import io.membership.events.MemberActivated;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.access.Role;
import io.membership.events.ids.UserId;

/**
 * How events change members' states, in one place for every reader of the stream (the
 * roles topic, the query side's views, a downstream cache): given an event and a way to
 * look up a member's current state, the new states of the members the event is about.
 */
public final class MemberStates {

	private MemberStates() {
	}

	/**
	 * The changed states, in the order they change; empty for events about no member's
	 * role or workspaces (invitations, workspace creation, the invite link).
	 * @param current a member's state before the event; only asked for members the event
	 * names
	 */
	public static List<MemberState> next(MembershipEvent event, Function<UserId, MemberState> current) {
		if (event instanceof OrganizationCreated created) {
			return List.of(new MemberState(created.ownerUserId(), Role.OWNER, Set.of()));
		}
		if (event instanceof MemberJoined joined) {
			return List.of(new MemberState(joined.userId(), joined.role(), joined.workspaces()));
		}
		if (event instanceof MemberActivated activated) {
			return List.of(current.apply(activated.userId()).withRole(activated.toRole()));
		}
		if (event instanceof MemberRoleChanged changed) {
			return List.of(current.apply(changed.userId()).withRole(changed.toRole()));
		}
		if (event instanceof MemberDeactivated deactivated) {
			return List.of(current.apply(deactivated.userId()).withRole(Role.DEACTIVATED));
		}
		if (event instanceof OwnershipTransferred transferred) {
			return List.of(current.apply(transferred.previousOwnerUserId()).withRole(Role.ADMINISTRATOR),
					current.apply(transferred.newOwnerUserId()).withRole(Role.OWNER));
		}
		if (event instanceof MemberAssignedToWorkspace assigned) {
			return List.of(current.apply(assigned.userId()).withWorkspace(assigned.workspaceId()));
		}
		if (event instanceof MemberRemovedFromWorkspace removed) {
			return List.of(current.apply(removed.userId()).withoutWorkspace(removed.workspaceId()));
		}
		return List.of();
	}

}
