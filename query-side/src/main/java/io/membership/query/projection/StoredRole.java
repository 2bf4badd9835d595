package io.membership.query.projection;

import io.membership.events.access.Role;

/**
 * How the tables store a role that may be absent (a project role of Inherit, an
 * invitation without a role, a role history entry's side that is no role): its code, or
 * NULL.
 */
final class StoredRole {

	private StoredRole() {
	}

	static String code(Role role) {
		return (role != null) ? role.code() : null;
	}

}
