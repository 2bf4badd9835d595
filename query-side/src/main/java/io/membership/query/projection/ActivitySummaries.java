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
import io.membership.events.MembershipEventVisitor;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.UserInvited;
import io.membership.events.WorkspaceCreated;

/** One sentence per activity-log entry, for people reading the log. */
final class ActivitySummaries implements MembershipEventVisitor<String> {

	private static final ActivitySummaries SUMMARIES = new ActivitySummaries();

	private ActivitySummaries() {
	}

	static String describe(MembershipEvent event) {
		return event.accept(SUMMARIES);
	}

	private static String actor(MembershipEvent event) {
		return "User " + event.actorUserId();
	}

	@Override
	public String on(OrganizationCreated created) {
		return actor(created) + " created the organization \"" + created.name() + "\" and is its Owner";
	}

	@Override
	public String on(UserInvited invited) {
		return actor(invited) + " invited " + invited.email()
				+ ((invited.role() != null) ? " as " + invited.role().code() : " (joins as NO)");
	}

	@Override
	public String on(InvitationRevoked revoked) {
		return actor(revoked) + " revoked the invitation of " + revoked.email();
	}

	@Override
	public String on(InviteLinkReset reset) {
		return actor(reset) + " reset the organization's invite link";
	}

	@Override
	public String on(MemberJoined joined) {
		return "User " + joined.userId() + " joined as " + joined.role().code()
				+ ((joined.invitationId() != null) ? " by invitation" : " by the invite link");
	}

	@Override
	public String on(MemberActivated activated) {
		return actor(activated) + " activated user " + activated.userId() + " as " + activated.toRole().code();
	}

	@Override
	public String on(MemberRoleChanged changed) {
		return actor(changed) + " changed the role of user " + changed.userId() + " from " + changed.fromRole().code()
				+ " to " + changed.toRole().code();
	}

	@Override
	public String on(MemberDeactivated deactivated) {
		return actor(deactivated) + " deactivated user " + deactivated.userId();
	}

	@Override
	public String on(OwnershipTransferred transferred) {
		return actor(transferred) + " transferred ownership from user " + transferred.previousOwnerUserId()
				+ " to user " + transferred.newOwnerUserId();
	}

	@Override
	public String on(WorkspaceCreated created) {
		return actor(created) + " created the workspace \"" + created.title() + "\"";
	}

	@Override
	public String on(MemberAssignedToWorkspace assigned) {
		return actor(assigned) + " assigned user " + assigned.userId() + " to workspace " + assigned.workspaceId();
	}

	@Override
	public String on(MemberRemovedFromWorkspace removed) {
		return actor(removed) + " removed user " + removed.userId() + " from workspace " + removed.workspaceId();
	}

}
