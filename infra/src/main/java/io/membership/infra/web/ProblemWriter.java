package io.membership.infra.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import io.membership.web.Problems;

/**
 * Writes problem details from servlet filters, which answer before Spring MVC and its
 * exception handlers are reached.
 */
@Component
public class ProblemWriter {

	private final JsonMapper json;

	ProblemWriter(JsonMapper json) {
		this.json = json;
	}

	/**
	 * As {@link #write(HttpServletResponse, HttpStatus, String, String)}, and leaves the
	 * code on the request ({@link Problems#CODE_ATTRIBUTE}) for the filters that look at
	 * the answer once it is made.
	 */
	public void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String code,
			String detail) throws IOException {
		request.setAttribute(Problems.CODE_ATTRIBUTE, code);
		write(response, status, code, detail);
	}

	public void write(HttpServletResponse response, HttpStatus status, String code, String detail) throws IOException {
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		this.json.writeValue(response.getOutputStream(), Problems.body(status, code, detail));
	}

}
