package io.membership.command.web;

import io.membership.events.ids.UserId;
import io.membership.web.Caller;

/**
 * What every command request carries besides its body: the authenticated caller (the
 * token's {@code sub}, never a body field, with its scopes and {@code email} claim), the
 * correlation id to record on the events, and the version from {@code If-Match}, if any.
 */
public record CommandContext(Caller caller, String correlationId, Long expectedVersion) {

	/**
	 * The acting user, recorded on every event the command produces; a service principal
	 * without a user id is refused (403).
	 */
	public UserId actor() {
		return this.caller.user();
	}

	/** The address the token's {@code email} claim vouches for, or null. */
	public String email() {
		return this.caller.email();
	}

	public boolean hasScope(String scope) {
		return this.caller.hasScope(scope);
	}

}
