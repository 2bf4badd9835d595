package io.membership.command.organization;

import io.membership.events.access.Role;

/**
 * What the Organization decided for one item of a bulk command: accepted, with the
 * organization's version after it (and, for a membership change, the member's role after
 * it), or refused as the single command would have been.
 */
public record BulkOutcome(Refusal refusal, String detail, long version, Role role) {

	static BulkOutcome accepted(long version, Role role) {
		return new BulkOutcome(null, null, version, role);
	}

	static BulkOutcome refused(CommandRefusedException refused) {
		return new BulkOutcome(refused.refusal(), refused.getMessage(), 0, null);
	}

	public boolean accepted() {
		return this.refusal == null;
	}

}
