package io.membership.query.projection;

import io.membership.events.MembershipEvent;
import io.membership.events.access.Role;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.query.projection.Applying.MemberChange;

/**
 * Every change of a member's role ({@code qs_role_history}), with who decided it, why,
 * and in which request. A change of the organization role is read off the member states
 * before and after the event, whichever event made it; a change of a project role is said
 * by the event itself: joining a project (from nothing), a new project role, leaving it
 * (to nothing). Null roles are Inherit or nothing; the entry's type tells which. A
 * member's removal is an organization-level entry to nothing: the membership ended, and
 * the history stays, to be continued if they join again.
 */
final class RoleHistoryWriter {

	private final Applying applying;

	RoleHistoryWriter(Applying applying) {
		this.applying = applying;
	}

	/** The changes of organization role, read off the member states. */
	void write() {
		for (MemberChange change : this.applying.changes()) {
			if (change.fromRole() != change.toRole()) {
				addEntry(change.userId(), null, change.fromRole(), change.toRole());
			}
		}
	}

	/**
	 * A change of a project role, as its event says it: joining the project from nothing,
	 * a new project role, leaving it to nothing.
	 */
	void projectRoleChanged(UserId user, ProjectId project, Role from, Role to) {
		addEntry(user, project, from, to);
	}

	/**
	 * @param project null for the organization role
	 */
	private void addEntry(UserId user, ProjectId project, Role from, Role to) {
		MembershipEvent event = this.applying.event();
		this.applying.batch()
			.add("INSERT INTO qs_role_history (organization_id, user_id, version, event_id, occurred_at, "
					+ "actor_user_id, type, project_id, from_role, to_role, reason, correlation_id) "
					+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", event.organizationId().value(), user.value(),
					this.applying.version(), this.applying.eventId(), this.applying.at(), event.actorUserId().value(),
					event.typeName(), (project != null) ? project.value() : null, StoredRole.code(from),
					StoredRole.code(to), event.givenReason().orElse(null), event.correlationId());
	}

}
