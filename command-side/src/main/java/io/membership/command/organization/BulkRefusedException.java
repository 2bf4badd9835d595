package io.membership.command.organization;

import java.util.List;

/**
 * An atomic bulk command with at least one refused item: thrown out of the command
 * handler so that Axon rolls the unit of work back and none of the accepted items is
 * stored. Carries every item's outcome, so the caller learns which items to fix.
 */
public class BulkRefusedException extends RuntimeException {

	private final transient List<BulkOutcome> outcomes;

	public BulkRefusedException(List<BulkOutcome> outcomes) {
		super("At least one item of an atomic bulk request was refused; nothing was stored.");
		this.outcomes = List.copyOf(outcomes);
	}

	public List<BulkOutcome> outcomes() {
		return this.outcomes;
	}

}
