package io.membership.query.web;

import java.util.function.Consumer;

import io.membership.events.access.Action;
import io.membership.events.access.PermissionMatrix;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.state.MemberState;
import io.membership.query.view.PermissionView;
import io.membership.web.Problems;

/**
 * The authenticated caller of a query and the consistency it asked for: the token's
 * {@code sub}, and {@code min_version}, the version the caller needs the view to have
 * reached (for instance the one its last command answered with). No query depends on a
 * scope.
 *
 * @param mayWait false once the request has waited for {@code min_version}
 */
public record QueryContext(UserId caller, Long minVersion, PermissionView view, MinVersionWaits waits,
		boolean mayWait) {

	/**
	 * The caller's current membership. A caller who is not a member gets the same 404 as
	 * for an unknown organization; with {@code min_version}, see
	 * {@link #memberOf(OrganizationId, Consumer)}.
	 */
	public MemberState memberOf(OrganizationId organization) {
		return memberOf(organization, (member) -> {
		});
	}

	/**
	 * Like {@link #memberOf(OrganizationId)}, and {@code mayRead} refuses (throws the
	 * 403) a member who may not read this query.
	 *
	 * <p>
	 * Who may read is decided on the view as it stands now, before any wait for
	 * {@code min_version}: a caller who may not read is answered at once, whatever
	 * version they name, so waiting costs the service nothing for them and tells a
	 * non-member neither that the organization exists nor its version. A caller the view
	 * does not know as a member yet (they joined a moment ago) therefore gets the 404
	 * too, and asks again. A caller who may read then waits ({@link MinVersionWaits},
	 * without a request thread), and the query runs again once the view has reached the
	 * version: membership and {@code mayRead} are then decided on the view at that
	 * version.
	 */
	public MemberState memberOf(OrganizationId organization, Consumer<MemberState> mayRead) {
		boolean caughtUp = this.minVersion == null || this.view.version(organization) >= this.minVersion;
		MemberState member = this.view.member(organization, this.caller).orElseThrow(Problems::organizationNotFound);
		mayRead.accept(member);
		if (!caughtUp) {
			throw this.waits.waitFor(this, organization);
		}
		return member;
	}

	/**
	 * Like {@link #memberOf(OrganizationId)}, and the caller's role must grant the action
	 * the query reads by, everywhere in the organization ({@link PermissionMatrix}).
	 */
	public MemberState memberAllowedTo(OrganizationId organization, Action action) {
		return memberOf(organization, (member) -> {
			if (!PermissionMatrix.grantsOrganizationWide(member.role(), action)) {
				throw Problems.actionNotPermitted("This query needs " + action.id() + ", which the "
						+ member.role().label() + " role does not grant.");
			}
		});
	}

	/**
	 * Like {@link #memberOf(OrganizationId)} for a query about one member: the member
	 * themself may read it, anyone else only with a role that grants the action.
	 */
	public MemberState memberAllowedToReadAbout(OrganizationId organization, UserId subject, Action action) {
		return memberOf(organization, (member) -> {
			if (!subject.equals(member.userId()) && !PermissionMatrix.grantsOrganizationWide(member.role(), action)) {
				throw Problems.actionNotPermitted(
						"Only the member themself, or a role that grants " + action.id() + ", may read this.");
			}
		});
	}

}
