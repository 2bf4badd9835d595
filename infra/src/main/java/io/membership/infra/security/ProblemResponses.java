package io.membership.infra.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.stereotype.Component;

import io.membership.audit.security.SecurityEventKind;
import io.membership.infra.web.ProblemWriter;
import io.membership.web.Caller;

/**
 * Security's refusals as RFC 9457 problem details, like every other error of the API. The
 * {@code WWW-Authenticate} challenge is still set as RFC 6750 asks.
 */
@Component
public class ProblemResponses {

	private final BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();

	private final ProblemWriter problems;

	private final ObjectProvider<RefusedRequests> refused;

	/**
	 * The refused requests are looked up when the first is recorded: the security events'
	 * beans need the database and Kafka, which the filter chain must not wait for.
	 */
	ProblemResponses(ProblemWriter problems, ObjectProvider<RefusedRequests> refused) {
		this.problems = problems;
		this.refused = refused;
	}

	/**
	 * 401. A request that presented a bearer token which was not valid (malformed,
	 * wrongly signed, expired, against the token rules) is a security event; one that
	 * presented none is not.
	 */
	void unauthorized(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
			throws IOException {
		if (request.getHeader(HttpHeaders.AUTHORIZATION) != null && request.getRequestURI().startsWith("/api/")) {
			this.refused.getObject().invalidToken(request, "unauthorized");
		}
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
		Authentication caller = SecurityContextHolder.getContext().getAuthentication();
		if (caller != null && caller.isAuthenticated() && request.getRequestURI().startsWith("/api/")) {
			this.refused.getObject().refused(request, SecurityEventKind.FORBIDDEN, Caller.current(), 403);
		}
		this.problems.write(response, HttpStatus.FORBIDDEN, "forbidden", "The token does not grant this request.");
	}

}
