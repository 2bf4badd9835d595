package io.membership.events.access;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a granted action applies. Without a project, only {@link #ORGANIZATION} and
 * {@link #WORKSPACE} are enforced by this service; the narrower scopes name a restriction
 * the calling application still applies. A check that names a project is decided for it
 * (a grant there answers the path that gives it, or {@link #OWN}, never
 * {@link #CONDITIONAL}); only tasks remain the application's.
 */
public enum Scope {

	/** Everywhere in the organization. */
	ORGANIZATION("organization"),
	/** Only in the workspaces the member is assigned to. */
	WORKSPACE("workspace"),
	/** Only in projects the member takes part in (tasks assigned to them). */
	PROJECT("project"),
	/** Only the member's own work. */
	OWN("own"),
	/** Only if a project setting permits it (Annotator's "view own project data"). */
	CONDITIONAL("conditional");

	private final String id;

	Scope(String id) {
		this.id = id;
	}

	@JsonValue
	public String id() {
		return this.id;
	}

}
