package io.membership.query.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

import io.membership.web.Problems;

/**
 * The query side's own refusals, as problem details with a machine-readable code; those
 * every door shares (an unknown organization, member or workspace, a role that does not
 * grant the query) are {@link Problems}'.
 */
final class QueryProblems {

	private QueryProblems() {
	}

	static ErrorResponseException invalid(String code, String detail) {
		return problem(HttpStatus.BAD_REQUEST, code, "Invalid request", detail);
	}

	static ErrorResponseException notYet(long wanted, long reached) {
		ErrorResponseException problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "version_not_reached",
				"The view has not caught up yet.",
				"Asked for version " + wanted + "; the view is at version " + reached + ". Retry shortly.");
		problem.getHeaders().set("Retry-After", "1");
		return problem;
	}

	/**
	 * A caller who already waits with as many requests as they may: one of them is
	 * answered within the configured wait, and frees its place.
	 */
	static ErrorResponseException tooManyWaiting(int limit) {
		ErrorResponseException problem = problem(HttpStatus.TOO_MANY_REQUESTS, "too_many_waiting",
				"Too many requests waiting for a version.", "At most " + limit
						+ " requests of one caller wait for min_version at a time. Retry once one of them is answered.");
		problem.getHeaders().set("Retry-After", "1");
		return problem;
	}

	static ErrorResponseException problem(HttpStatus status, String code, String title, String detail) {
		return Problems.exception(status, code, title, detail);
	}

}
