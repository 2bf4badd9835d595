package io.membership.command.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

import io.membership.web.Problems;

/**
 * A request this service cannot even try: a 400 problem with a machine-readable
 * {@code code}, rendered by Spring MVC as {@code application/problem+json}.
 */
public class InvalidRequestException extends ErrorResponseException {

	public InvalidRequestException(String code, String detail) {
		super(HttpStatus.BAD_REQUEST, Problems.problem(HttpStatus.BAD_REQUEST, code, "Invalid request", detail), null);
	}

}
