package io.membership.command.organization;

import java.util.List;

/**
 * The outcome of every item of a bulk command, in request order, and the organization's
 * version after the last of them.
 */
public record BulkResult(List<BulkOutcome> outcomes, long version) {

	public BulkResult {
		outcomes = List.copyOf(outcomes);
	}

}
