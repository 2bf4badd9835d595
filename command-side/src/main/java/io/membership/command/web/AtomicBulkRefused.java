package io.membership.command.web;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

import io.membership.web.Problems;

/**
 * An atomic bulk request with a refused item: 409 with every item's result, so the caller
 * sees which items to fix; nothing was stored.
 */
class AtomicBulkRefused extends ErrorResponseException {

	AtomicBulkRefused(List<CommandResponses.BulkItem> results) {
		super(HttpStatus.CONFLICT, problem(results), null);
	}

	private static ProblemDetail problem(List<CommandResponses.BulkItem> results) {
		ProblemDetail problem = Problems.problem(HttpStatus.CONFLICT, "bulk_item_refused", "Bulk request refused",
				"At least one item was refused and the request is atomic, so nothing was stored; each item's "
						+ "result says which.");
		problem.setProperty("results", results);
		return problem;
	}

}
