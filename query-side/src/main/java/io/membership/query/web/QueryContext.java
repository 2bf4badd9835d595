package io.membership.query.web;

import java.time.Duration;
import java.util.Set;

import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.state.MemberState;
import io.membership.query.view.PermissionView;

/**
 * The authenticated caller of a query and the consistency it asked for: the token's
 * {@code sub}, its scopes, and {@code min_version}, the version the caller needs the view
 * to have reached (for instance the one its last command answered with).
 */
public record QueryContext(UserId caller, Set<String> scopes, Long minVersion, PermissionView view, Duration maxWait) {

	public static final String AUDIT_SCOPE = "membership:audit";

	/**
	 * Waits for {@code min_version} if one was asked for, then returns the caller's
	 * current membership. A caller who is not a member gets the same 404 as for an
	 * unknown organization.
	 */
	public MemberState memberOf(OrganizationId organization) {
		awaitMinVersion(organization);
		return this.view.member(organization, this.caller).orElseThrow(QueryProblems::organizationNotFound);
	}

	/** Like {@link #memberOf}, and the caller's role must be one of these. */
	public MemberState memberWithRole(OrganizationId organization, Role... allowed) {
		MemberState member = memberOf(organization);
		for (Role role : allowed) {
			if (member.role() == role) {
				return member;
			}
		}
		throw QueryProblems.forbidden(member.role().label() + " may not read this.");
	}

	public boolean hasScope(String scope) {
		return this.scopes.contains(scope);
	}

	public void awaitMinVersion(OrganizationId organization) {
		if (this.minVersion == null) {
			return;
		}
		try {
			if (!this.view.awaitVersion(organization, this.minVersion, this.maxWait)) {
				throw notYet(organization);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw notYet(organization);
		}
	}

	/**
	 * 503 with the version reached, for a member only: a caller who is not one (yet, as
	 * far as the view knows) gets the 404 of an unknown organization, which also times
	 * out, rather than learning that the organization exists and its version.
	 */
	private RuntimeException notYet(OrganizationId organization) {
		if (this.view.member(organization, this.caller).isEmpty()) {
			return QueryProblems.organizationNotFound();
		}
		return QueryProblems.notYet(this.minVersion, this.view.version(organization));
	}

}
