package io.membership.query.projection;

import io.membership.events.InvitationRevoked;
import io.membership.events.InviteLinkReset;
import io.membership.events.MemberActivated;
import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemoved;
import io.membership.events.MemberRemovedFromProject;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.MemberRoleChanged;
import io.membership.events.MembershipEvent;
import io.membership.events.MembershipEventVisitor;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.PersonalDataErased;
import io.membership.events.ProjectRegistered;
import io.membership.events.ProjectRemoved;
import io.membership.events.ProjectRoleChanged;
import io.membership.events.ProjectUpdated;
import io.membership.events.UserInvited;
import io.membership.events.WorkspaceCreated;
import io.membership.events.access.Role;
import io.membership.events.text.TextRules;

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

	/** No address in any summary: the entry shows it beside, while it is known. */

	@Override
	public String on(OrganizationCreated created) {
		return actor(created) + " created the organization \"" + created.name() + "\" and is its Owner";
	}

	@Override
	public String on(UserInvited invited) {
		return actor(invited) + " sent invitation " + invited.invitationId().value()
				+ ((invited.role() != null) ? " as " + invited.role().code() : " (joins as NO)");
	}

	@Override
	public String on(InvitationRevoked revoked) {
		return actor(revoked) + " revoked invitation " + revoked.invitationId().value();
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

	@Override
	public String on(ProjectRegistered registered) {
		return actor(registered) + " registered the project " + registered.projectId() + " \"" + registered.title()
				+ "\" in workspace " + registered.workspaceId();
	}

	@Override
	public String on(ProjectUpdated updated) {
		return actor(updated) + " updated the project " + updated.projectId()
				+ (updated.previousWorkspaceId().equals(updated.workspaceId()) ? ""
						: ", moving it from workspace " + updated.previousWorkspaceId() + " to workspace "
								+ updated.workspaceId())
				+ ": \"" + updated.title() + "\", annotators view own data "
				+ (updated.annotatorsViewOwnData() ? "on" : "off");
	}

	@Override
	public String on(ProjectRemoved removed) {
		return actor(removed) + " removed the project " + removed.projectId();
	}

	@Override
	public String on(MemberAddedToProject added) {
		return actor(added) + " added user " + added.userId() + " to project " + added.projectId() + " as "
				+ projectRole(added.projectRole());
	}

	@Override
	public String on(ProjectRoleChanged changed) {
		return actor(changed) + " changed the project role of user " + changed.userId() + " in project "
				+ changed.projectId() + " from " + projectRole(changed.fromRole()) + " to "
				+ projectRole(changed.toRole());
	}

	@Override
	public String on(MemberRemovedFromProject removed) {
		return actor(removed) + " removed user " + removed.userId() + " from project " + removed.projectId();
	}

	@Override
	public String on(MemberRemoved removed) {
		return actor(removed) + " removed user " + removed.userId() + " (" + removed.fromRole().code()
				+ ") from the organization, with their workspaces and projects";
	}

	@Override
	public String on(PersonalDataErased erased) {
		String requester = (erased.actorUserId() != null) ? actor(erased)
				: "Client " + TextRules.escape(erased.requestedBy());
		return requester + " had the e-mail addresses of user " + erased.userId() + " erased"
				+ (erased.invitationIds().isEmpty() ? "" : ", with those of " + erased.invitationIds().size()
						+ " invitation" + ((erased.invitationIds().size() == 1) ? "" : "s"));
	}

	private static String projectRole(Role role) {
		return (role != null) ? role.code() : "Inherit";
	}

}
