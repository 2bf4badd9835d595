package io.membership.infra.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
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
		this.problems.write(response, HttpStatus.UNAUTHORIZED, "unauthorized",
				"A valid bearer token is required: " + failure.getMessage());
	}

	void forbidden(HttpServletRequest request, HttpServletResponse response, AccessDeniedException failure)
			throws IOException {
		this.problems.write(response, HttpStatus.FORBIDDEN, "forbidden", "The token does not grant this request.");
	}

}
