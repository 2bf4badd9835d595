package io.membership.infra.security;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import io.membership.infra.web.Problems;

/**
 * Security's refusals as RFC 9457 problem details, like every other error of the API. The
 * {@code WWW-Authenticate} challenge is still set as RFC 6750 asks.
 */
@Component
public class ProblemResponses {

	private final BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();

	private final JsonMapper json;

	ProblemResponses(JsonMapper json) {
		this.json = json;
	}

	void unauthorized(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
			throws IOException {
		this.challenge.commence(request, response, failure);
		write(response, HttpStatus.UNAUTHORIZED, "unauthorized",
				"A valid bearer token is required: " + failure.getMessage());
	}

	void forbidden(HttpServletRequest request, HttpServletResponse response, AccessDeniedException failure)
			throws IOException {
		write(response, HttpStatus.FORBIDDEN, "forbidden", "The token does not grant this request.");
	}

	private void write(HttpServletResponse response, HttpStatus status, String code, String detail) throws IOException {
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		Map<String, Object> body = Problems.body(status, code, detail);
		this.json.writeValue(response.getOutputStream(), body);
	}

}
