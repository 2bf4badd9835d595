package io.membership.query.projection;

import io.membership.events.InvitationRevoked;
import io.membership.events.InviteLinkReset;
import io.membership.events.MemberActivated;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.UserInvited;
import io.membership.events.WorkspaceCreated;

/** One sentence per activity-log entry, for people reading the log. */
final class ActivitySummaries {

	private ActivitySummaries() {
	}

	static String describe(MembershipEvent event) {
		String actor = "User " + event.actorUserId();
		if (event instanceof OrganizationCreated created) {
			return actor + " created the organization \"" + created.name() + "\" and is its Owner";
		}
		if (event instanceof UserInvited invited) {
			return actor + " invited " + invited.email()
					+ ((invited.role() != null) ? " as " + invited.role().code() : " (joins as NO)");
		}
		if (event instanceof InvitationRevoked revoked) {
			return actor + " revoked the invitation of " + revoked.email();
		}
		if (event instanceof InviteLinkReset) {
			return actor + " reset the organization's invite link";
		}
		if (event instanceof MemberJoined joined) {
			return "User " + joined.userId() + " joined as " + joined.role().code()
					+ ((joined.invitationId() != null) ? " by invitation" : " by the invite link");
		}
		if (event instanceof MemberActivated activated) {
			return actor + " activated user " + activated.userId() + " as " + activated.toRole().code();
		}
		if (event instanceof MemberRoleChanged changed) {
			return actor + " changed the role of user " + changed.userId() + " from " + changed.fromRole().code()
					+ " to " + changed.toRole().code();
		}
		if (event instanceof MemberDeactivated deactivated) {
			return actor + " deactivated user " + deactivated.userId();
		}
		if (event instanceof OwnershipTransferred transferred) {
			return actor + " transferred ownership from user " + transferred.previousOwnerUserId() + " to user "
					+ transferred.newOwnerUserId();
		}
		if (event instanceof WorkspaceCreated created) {
			return actor + " created the workspace \"" + created.title() + "\"";
		}
		if (event instanceof MemberAssignedToWorkspace assigned) {
			return actor + " assigned user " + assigned.userId() + " to workspace " + assigned.workspaceId();
		}
		if (event instanceof MemberRemovedFromWorkspace removed) {
			return actor + " removed user " + removed.userId() + " from workspace " + removed.workspaceId();
		}
		return actor + " recorded " + event.typeName();
	}

}
