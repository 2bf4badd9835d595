package io.membership.command.organization;

import java.util.List;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.membership.events.access.Role;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * Many membership changes in one command, decided in order against one load of the
 * organization and stored in one unit of work. The request's {@code If-Match}
 * ({@link #expectedVersion}) is held to the organization before the first item; with
 * {@code atomic}, one refused item stores none.
 */
public record ChangeMembershipsInBulkCommand(@TargetAggregateIdentifier OrganizationId organizationId,
		List<BulkItem<Change>> changes, boolean atomic, UserId actorUserId, String correlationId,
		Long expectedVersion) implements OrganizationCommand {

	public ChangeMembershipsInBulkCommand {
		changes = List.copyOf(changes);
	}

	/**
	 * What to change about one member, each part as its single command decides it: the
	 * role (Label Studio's PATCH: activates, changes or deactivates as fits), then the
	 * workspaces removed and added, then the projects removed and added. A null role
	 * leaves the role as it is.
	 */
	public record Change(UserId userId, Role role, List<WorkspaceId> addWorkspaces, List<WorkspaceId> removeWorkspaces,
			List<ProjectMembership> addProjects, List<ProjectId> removeProjects) {

		public Change {
			addWorkspaces = (addWorkspaces != null) ? List.copyOf(addWorkspaces) : List.of();
			removeWorkspaces = (removeWorkspaces != null) ? List.copyOf(removeWorkspaces) : List.of();
			addProjects = (addProjects != null) ? List.copyOf(addProjects) : List.of();
			removeProjects = (removeProjects != null) ? List.copyOf(removeProjects) : List.of();
		}

	}

	/**
	 * A project to add the member to, with a project role ({@code AN}, {@code RE}) or
	 * none (Inherit).
	 */
	public record ProjectMembership(ProjectId projectId, Role projectRole) {

	}

}
