package io.membership.events.access;

/**
 * The refusals more than one door answers (a command, a query, the audit trail), spelled
 * once so that every door answers alike. A caller who is not a member of the organization
 * is told that it does not exist, exactly as if it did not, so that its existence is not
 * leaked; a member whose role does not grant what they ask for ({@link PermissionMatrix})
 * is told so; a member, a workspace or a project the request names that the organization
 * does not have is not found, whether a command or a query names it.
 */
public enum AccessRefusal {

	ORGANIZATION_NOT_FOUND("organization_not_found", "No such organization."),
	ACTION_NOT_PERMITTED("action_not_permitted", "The caller's role does not grant this action."),
	MEMBER_NOT_FOUND("member_not_found", "No such member in this organization."),
	WORKSPACE_NOT_FOUND("workspace_not_found", "No such workspace in this organization."),
	PROJECT_NOT_FOUND("project_not_found", "No such project in this organization.");

	private final String code;

	private final String title;

	AccessRefusal(String code, String title) {
		this.code = code;
		this.title = title;
	}

	/** The machine-readable code a problem answer carries. */
	public String code() {
		return this.code;
	}

	/** The same for every occurrence, as RFC 9457 asks of a problem's title. */
	public String title() {
		return this.title;
	}

}
