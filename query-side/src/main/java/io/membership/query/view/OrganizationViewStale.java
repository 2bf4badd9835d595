package io.membership.query.view;

import io.membership.events.ids.OrganizationId;

/**
 * The organization's views are known to be behind its events (the projection set it
 * aside), so nothing may be answered from them: a check must fail closed rather than
 * allow what a later event may have revoked. Answered 503 {@code view_stale}.
 */
public class OrganizationViewStale extends RuntimeException {

	private final OrganizationId organization;

	public OrganizationViewStale(OrganizationId organization) {
		super("The views of " + organization + " are set aside until they are rebuilt", null, false, false);
		this.organization = organization;
	}

	public OrganizationId organization() {
		return this.organization;
	}

}
