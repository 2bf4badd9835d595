package io.membership.infra.security;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * A rule of this service that a token broke (no expiry, a {@code sub} that is not a user
 * id, an unusable {@code email} claim), as opposed to a failure reported by the JWT
 * library: its description is written for the caller and becomes the problem's detail.
 */
final class TokenRuleError extends OAuth2Error {

	private static final long serialVersionUID = 1L;

	TokenRuleError(String description) {
		super(OAuth2ErrorCodes.INVALID_TOKEN, description, null);
	}

}
