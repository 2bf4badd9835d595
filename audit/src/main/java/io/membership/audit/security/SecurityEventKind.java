package io.membership.audit.security;

import java.util.Arrays;
import java.util.Optional;

/**
 * What kind of refusal a security event records (API.md, "Security events"): the 403 of
 * an authenticated caller, a command's 409 or 412, or a request whose bearer token was
 * not valid (401).
 */
public enum SecurityEventKind {

	FORBIDDEN("forbidden"), REFUSED("refused"), PRECONDITION_FAILED("precondition_failed"),
	INVALID_TOKEN("invalid_token");

	private final String id;

	SecurityEventKind(String id) {
		this.id = id;
	}

	/** The kind as the API and the topic name it. */
	public String id() {
		return this.id;
	}

	public static Optional<SecurityEventKind> fromId(String id) {
		return Arrays.stream(values()).filter((kind) -> kind.id.equals(id)).findFirst();
	}

}
