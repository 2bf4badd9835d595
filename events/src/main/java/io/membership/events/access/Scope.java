package io.membership.events.access;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a granted action applies. Only {@link #ORGANIZATION} and {@link #WORKSPACE} are
 * enforced by this service, which knows workspace assignments; the narrower scopes name a
 * restriction the calling application still applies, because only it knows projects and
 * tasks.
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
