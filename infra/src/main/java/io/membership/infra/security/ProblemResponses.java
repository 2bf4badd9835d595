package io.membership.infra.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.stereotype.Component;

import io.membership.infra.web.ProblemWriter;

/**
 * Security's refusals as RFC 9457 problem details, like every other error of the API. The
 * {@code WWW-Authenticate} challenge is still set as RFC 6750 asks.
 */
@Component
public class ProblemResponses {

	private final BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();

	private final ProblemWriter problems;

	ProblemResponses(ProblemWriter problems) {
		this.problems = problems;
	}

	void unauthorized(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
			throws IOException {
		this.challenge.commence(request, response, failure);
		this.problems.write(response, HttpStatus.UNAUTHORIZED, "unauthorized", detailOf(failure));
	}

	/**
	 * Why the token was refused, in the service's words: the description of a rule of its
	 * own ({@link TokenRuleError}), otherwise a sentence by kind. The JWT library's
	 * messages (parser errors, claim dumps) are not passed on.
	 */
	static String detailOf(AuthenticationException failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof JwtValidationException invalid) {
				for (OAuth2Error error : invalid.getErrors()) {
					if (error instanceof TokenRuleError rule) {
						return rule.getDescription();
					}
				}
			}
		}
		if (failure instanceof OAuth2AuthenticationException oauth
				&& OAuth2ErrorCodes.INVALID_REQUEST.equals(oauth.getError().getErrorCode())) {
			return "The Authorization header is malformed; send one header: Bearer and the token.";
		}
		if (failure instanceof OAuth2AuthenticationException) {
			return "The bearer token is not valid: it is malformed, not signed with a trusted key, expired or "
					+ "not valid yet.";
		}
		return "A bearer token is required.";
	}

	void forbidden(HttpServletRequest request, HttpServletResponse response, AccessDeniedException failure)
			throws IOException {
		this.problems.write(response, HttpStatus.FORBIDDEN, "forbidden", "The token does not grant this request.");
	}

}
