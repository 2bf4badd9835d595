package io.membership.query.projection;

import java.time.OffsetDateTime;
import java.util.List;

import io.membership.events.MembershipEvent;
import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.state.MemberState;

/**
 * An event the version gate let through, as every writer is given it.
 *
 * @param projected the event with its version and id
 * @param at when it occurred, as the tables store instants
 * @param changes the member states it changes, derived before any table changed
 * @param batch where the insert-only rows wait until the events being applied are done
 */
record Applying(ProjectedEvent projected, OffsetDateTime at, List<MemberChange> changes, Batch batch) {

	MembershipEvent event() {
		return this.projected.event();
	}

	OrganizationId organization() {
		return this.projected.organizationId();
	}

	long version() {
		return this.projected.version();
	}

	String eventId() {
		return this.projected.eventId();
	}

	/** The state a member had before the event removed them. */
	MemberState stateBeforeRemoval(UserId user) {
		return this.changes.stream()
			.filter((change) -> change.after() == null && change.userId().equals(user))
			.map(MemberChange::before)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("The event removes no member " + user));
	}

	/**
	 * A member's state before and after the event.
	 *
	 * @param before null for a member the event makes one
	 * @param after null for a member the event removes
	 */
	record MemberChange(UserId userId, MemberState before, MemberState after) {

		/** The organization role before the event; null for a new member. */
		Role fromRole() {
			return (this.before != null) ? this.before.role() : null;
		}

		/** The organization role after the event; null for a removed member. */
		Role toRole() {
			return (this.after != null) ? this.after.role() : null;
		}

	}

}
