package io.membership.command.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A request this service cannot even try: a 400 problem with a machine-readable
 * {@code code}, rendered by Spring MVC as {@code application/problem+json}.
 */
public class InvalidRequestException extends ErrorResponseException {

	public InvalidRequestException(String code, String detail) {
		super(HttpStatus.BAD_REQUEST, problem(code, detail), null);
	}

	private static ProblemDetail problem(String code, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		problem.setTitle("Invalid request");
		problem.setProperty("code", code);
		return problem;
	}

}
