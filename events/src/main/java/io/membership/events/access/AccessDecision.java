package io.membership.events.access;

import java.util.Set;

import com.fasterxml.jackson.annotation.JsonValue;

import io.membership.events.ids.WorkspaceId;

/**
 * The answer to "may this member do that": when allowed, {@code scope} names the
 * restriction the caller still applies and {@code workspaces} the workspaces a
 * workspace-scoped grant covers.
 */
public record AccessDecision(boolean allowed, Role role, Scope scope, Reason reason, Set<WorkspaceId> workspaces) {

	public AccessDecision {
		workspaces = Set.copyOf(workspaces);
	}

	static AccessDecision allowed(Role role, Scope scope, Set<WorkspaceId> workspaces) {
		return new AccessDecision(true, role, scope, Reason.GRANTED_BY_ROLE, workspaces);
	}

	static AccessDecision denied(Role role, Reason reason) {
		return new AccessDecision(false, role, null, reason, Set.of());
	}

	/** Why a decision came out as it did, as a stable machine-readable code. */
	public enum Reason {

		GRANTED_BY_ROLE("granted_by_role"), MEMBER_NOT_ACTIVE("member_not_active"),
		NOT_GRANTED_TO_ROLE("not_granted_to_role"), WORKSPACE_NOT_ASSIGNED("workspace_not_assigned"),
		NO_WORKSPACE_ASSIGNED("no_workspace_assigned"),
		/** The project named is unknown to the organization, or was removed. */
		UNKNOWN_PROJECT("unknown_project"),
		/** The member has no access to the project named ({@link ProjectAccess}). */
		NO_PROJECT_ACCESS("no_project_access"),
		/**
		 * An Annotator may view their own project data only where the project's
		 * {@code annotators_view_own_data} permits it, and this project's does not.
		 */
		NOT_PERMITTED_BY_PROJECT("not_permitted_by_project");

		private final String code;

		Reason(String code) {
			this.code = code;
		}

		@JsonValue
		public String code() {
			return this.code;
		}

	}

}
