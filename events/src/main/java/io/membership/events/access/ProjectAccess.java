package io.membership.events.access;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonValue;

import io.membership.events.ids.ProjectId;
import io.membership.events.ids.WorkspaceId;

/**
 * Who may act in a project, and as which role (API.md, "Projects and project roles"): the
 * one definition the Organization decides project commands with and every project check
 * answers from.
 * <ul>
 * <li>{@code OW}, {@code AD}: every project, with their role.</li>
 * <li>{@code MA}: the projects of the workspaces assigned to them, and the projects they
 * are a member of (seed 000's "invited projects"), as Manager.</li>
 * <li>{@code AN}, {@code RE}: only the projects they are a member of, as their project
 * role if one is set, else as their organization role (Inherit).</li>
 * <li>{@code NO}, {@code DI}: nothing; their memberships stay and confer nothing.</li>
 * </ul>
 * A project role is set only for Annotators and Reviewers, and confers nothing while the
 * organization role is any other.
 */
public final class ProjectAccess {

	private ProjectAccess() {
	}

	/**
	 * The member's access to the project, or empty when they have none.
	 * @param role the member's organization role
	 * @param workspaces the workspaces assigned to the member
	 * @param projects the member's project memberships and their project roles (a null
	 * role is Inherit)
	 * @param project the project asked about
	 * @param projectWorkspace the workspace the project is in
	 */
	public static Optional<Grant> of(Role role, Set<WorkspaceId> workspaces, Map<ProjectId, Role> projects,
			ProjectId project, WorkspaceId projectWorkspace) {
		boolean member = projects.containsKey(project);
		return switch (role) {
			case OWNER, ADMINISTRATOR -> Optional.of(new Grant(role, Via.ORGANIZATION));
			case MANAGER -> workspaces.contains(projectWorkspace) ? Optional.of(new Grant(role, Via.WORKSPACE))
					: member ? Optional.of(new Grant(role, Via.MEMBERSHIP)) : Optional.empty();
			case ANNOTATOR,
					REVIEWER ->
				member ? Optional
					.of(new Grant((projects.get(project) != null) ? projects.get(project) : role, Via.MEMBERSHIP))
						: Optional.empty();
			case NOT_ACTIVATED, DEACTIVATED -> Optional.empty();
		};
	}

	/** Whether a project role may be given to a member of this organization role. */
	public static boolean projectRoleApplies(Role organizationRole) {
		return organizationRole == Role.ANNOTATOR || organizationRole == Role.REVIEWER;
	}

	/** Whether the role can be a project role: {@code AN} or {@code RE}. */
	public static boolean isProjectRole(Role role) {
		return role == Role.ANNOTATOR || role == Role.REVIEWER;
	}

	/**
	 * What a check needs to know of a project: the workspace it is in, and whether its
	 * Annotators may view their own data.
	 */
	public record Project(ProjectId projectId, WorkspaceId workspaceId, boolean annotatorsViewOwnData) {
	}

	/**
	 * A member's access to a project: the role they act as there, and the path that gives
	 * it (the broadest one, when several do).
	 */
	public record Grant(Role effectiveRole, Via via) {
	}

	/** How a member reaches a project. */
	public enum Via {

		/** They are a member of the project. */
		MEMBERSHIP("membership"),
		/** The project is in a workspace assigned to them. */
		WORKSPACE("workspace"),
		/** Their organization role reaches every project. */
		ORGANIZATION("organization");

		private final String id;

		Via(String id) {
			this.id = id;
		}

		@JsonValue
		public String id() {
			return this.id;
		}

	}

}
