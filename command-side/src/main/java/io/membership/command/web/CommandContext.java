package io.membership.command.web;

import java.util.Set;

import io.membership.events.ids.UserId;

/**
 * What every command request carries besides its body: the authenticated caller (the
 * token's {@code sub}, never a body field), the caller's scopes, the correlation id to
 * record on the events, and the version from {@code If-Match}, if any.
 */
public record CommandContext(UserId actor, String email, Set<String> scopes, String correlationId,
		Long expectedVersion) {

	public static final String INVITATIONS_SCOPE = "membership:invitations";

	public boolean hasScope(String scope) {
		return this.scopes.contains(scope);
	}

}
