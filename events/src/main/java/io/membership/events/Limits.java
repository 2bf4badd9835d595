package io.membership.events;

/**
 * The one definition of how long each text the service accepts may be, in UTF-16 code
 * units as Java counts them (a character outside the Basic Multilingual Plane counts
 * twice). The command side refuses anything longer, and the query side's columns are at
 * least this wide (checked by a test on both databases), so everything the command side
 * accepts the query side can store.
 */
public final class Limits {

	/** An organization's name. */
	public static final int NAME = 200;

	/** A workspace's title. */
	public static final int TITLE = 200;

	/** An e-mail address (RFC 5321's path limit), in a body or a token's claim. */
	public static final int EMAIL = 254;

	/** A reason given for a change of role or status. */
	public static final int REASON = 1000;

	/** A request's correlation id ({@code X-Correlation-Id}). */
	public static final int CORRELATION_ID = 128;

	/** An id the service generates: organization, workspace, invitation, event. */
	public static final int ID = 64;

	/** Workspaces named in one invitation. */
	public static final int WORKSPACES_PER_INVITATION = 100;

	private Limits() {
	}

}
