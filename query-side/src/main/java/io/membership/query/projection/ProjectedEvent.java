package io.membership.query.projection;

import io.membership.events.MembershipEvent;
import io.membership.events.ids.OrganizationId;

/**
 * An event as the query side receives it from {@code membership.events.v1}: the body and
 * the two CloudEvents attributes the projections need, its id and its organization's
 * version.
 */
public record ProjectedEvent(MembershipEvent event, long version, String eventId) {

	public OrganizationId organizationId() {
		return this.event.organizationId();
	}

}
