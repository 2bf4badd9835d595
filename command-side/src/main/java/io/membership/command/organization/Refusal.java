package io.membership.command.organization;

import io.membership.events.access.AccessRefusal;

/**
 * Every reason the Organization can refuse a command, with the machine-readable code that
 * becomes the problem+json {@code code} and the kind of refusal that picks the HTTP
 * status.
 */
public enum Refusal {

	// The actor: unknown to the organization reads as an unknown organization (existence
	// is not leaked). These two read as every other door's refusals do.
	ORGANIZATION_NOT_FOUND(AccessRefusal.ORGANIZATION_NOT_FOUND, Kind.NOT_FOUND),
	ACTOR_NOT_ACTIVE("actor_not_active", Kind.FORBIDDEN, "Only an active member may do this."),
	ACTION_NOT_PERMITTED(AccessRefusal.ACTION_NOT_PERMITTED, Kind.FORBIDDEN),
	OWNER_PROTECTED("owner_protected", Kind.FORBIDDEN, "Only the Owner may change the Owner's membership."),
	EMAIL_NOT_VERIFIED("email_not_verified", Kind.FORBIDDEN, "The invite link does not prove this e-mail address."),

	// The subject of the command; a member or workspace that is not found reads as it
	// does to a query.
	MEMBER_NOT_FOUND(AccessRefusal.MEMBER_NOT_FOUND, Kind.NOT_FOUND),
	WORKSPACE_NOT_FOUND(AccessRefusal.WORKSPACE_NOT_FOUND, Kind.NOT_FOUND),
	INVITATION_NOT_FOUND("invitation_not_found", Kind.NOT_FOUND, "No such invitation."),
	PROJECT_NOT_FOUND(AccessRefusal.PROJECT_NOT_FOUND, Kind.NOT_FOUND),
	PROJECT_MEMBER_NOT_FOUND("project_member_not_found", Kind.NOT_FOUND, "The member is not in this project."),

	// Domain rules.
	OWNER_ROLE_IMMUTABLE("owner_role_immutable", Kind.CONFLICT,
			"The Owner cannot be demoted, deactivated or removed; transfer ownership first."),
	OWNERSHIP_TRANSFER_REQUIRED("ownership_transfer_required", Kind.CONFLICT,
			"The Owner role is never assigned; it moves only by ownership transfer."),
	ROLE_NOT_ASSIGNABLE("role_not_assignable", Kind.CONFLICT,
			"Only AD, MA, RE or AN can be given; NO and DI are reached by joining and deactivating."),
	MEMBER_NOT_ACTIVE("member_not_active", Kind.CONFLICT, "The member is not active."),
	MEMBER_ALREADY_ACTIVE("member_already_active", Kind.CONFLICT,
			"The member is already active with another role; change their role instead."),
	ALREADY_MEMBER("already_member", Kind.CONFLICT, "The user is already a member of this organization."),
	DUPLICATE_EMAIL("duplicate_email", Kind.CONFLICT,
			"An earlier item of this request already invites this e-mail address."),
	WORKSPACES_REQUIRE_ROLE("workspaces_require_role", Kind.CONFLICT,
			"Only active members are assigned to workspaces: give the invitation a role."),
	PROJECTS_REQUIRE_ROLE("projects_require_role", Kind.CONFLICT,
			"Only active members are added to projects: give the invitation a role."),
	INVITATION_REVOKED("invitation_revoked", Kind.CONFLICT, "The invitation was revoked."),
	INVITATION_EXPIRED("invitation_expired", Kind.CONFLICT, "The invitation has expired."),
	INVITATION_ALREADY_ACCEPTED("invitation_already_accepted", Kind.CONFLICT, "The invitation was already accepted."),
	INVITATION_EMAIL_MISMATCH("invitation_email_mismatch", Kind.CONFLICT,
			"The invitation was sent to another email address."),
	INVITE_LINK_OUTDATED("invite_link_outdated", Kind.CONFLICT,
			"The organization's invite link was reset; ask for the new one."),
	PROJECT_ROLE_NOT_APPLICABLE("project_role_not_applicable", Kind.CONFLICT,
			"A project role (AN or RE) is given only to a member whose organization role is AN or RE."),
	ALREADY_PROJECT_MEMBER("already_project_member", Kind.CONFLICT,
			"The member is already in this project with another project role; change their project role instead."),
	PROJECT_REMOVED("project_removed", Kind.CONFLICT, "The project was removed; its id is not registered again."),
	VERSION_MISMATCH("version_mismatch", Kind.PRECONDITION_FAILED,
			"The organization has changed since the version given in If-Match.");

	private final String code;

	private final Kind kind;

	private final String title;

	Refusal(String code, Kind kind, String title) {
		this.code = code;
		this.kind = kind;
		this.title = title;
	}

	Refusal(AccessRefusal shared, Kind kind) {
		this(shared.code(), kind, shared.title());
	}

	public String code() {
		return this.code;
	}

	public Kind kind() {
		return this.kind;
	}

	public String title() {
		return this.title;
	}

	/**
	 * The families of refusal an adapter maps to its own statuses (HTTP 404, 403, 409,
	 * 412).
	 */
	public enum Kind {

		NOT_FOUND, FORBIDDEN, CONFLICT, PRECONDITION_FAILED

	}

}
