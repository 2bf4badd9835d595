package io.membership.query.web;

import java.util.List;
import java.util.function.Predicate;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.membership.events.access.Action;
import io.membership.events.access.PermissionMatrix;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.state.MemberState;
import io.membership.query.read.ReadSnapshot;
import io.membership.query.read.WorkspaceReads;
import io.membership.query.read.WorkspaceReads.WorkspaceMember;
import io.membership.query.read.WorkspaceReads.WorkspaceRecord;
import io.membership.query.read.Timelines;
import io.membership.web.Problems;

/**
 * An organization's workspaces and their members, for every member. Managers,
 * Administrators and the Owner see every workspace; Annotators and Reviewers only those
 * they are assigned to, and any other reads to them like one that does not exist; members
 * who are not active (NO, DI) see none, as their assignments confer nothing.
 */
@RestController
@RequestMapping(path = "/api/organizations/{organizationId}/workspaces", produces = MediaType.APPLICATION_JSON_VALUE)
class WorkspaceQueryController {

	private final ReadSnapshot snapshot;

	private final WorkspaceReads workspaces;

	private final Timelines timelines;

	WorkspaceQueryController(ReadSnapshot snapshot, WorkspaceReads workspaces, Timelines timelines) {
		this.snapshot = snapshot;
		this.workspaces = workspaces;
		this.timelines = timelines;
	}

	@GetMapping
	ResponseEntity<WorkspacesAnswer> workspaces(@PathVariable String organizationId, QueryContext context) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		MemberState caller = context.memberOf(organization);
		WorkspacesAnswer answer = this.snapshot.read(() -> {
			Predicate<WorkspaceId> visible = visibleTo(organization, caller);
			List<WorkspaceRecord> all = this.workspaces.all(organization)
				.stream()
				.filter((workspace) -> visible.test(workspace.workspaceId()))
				.toList();
			return new WorkspacesAnswer(all, this.timelines.versionOf(organization));
		});
		return QueryAnswers.versioned(answer, answer.version());
	}

	@GetMapping("/{workspaceId}/memberships")
	ResponseEntity<WorkspaceMembersAnswer> members(@PathVariable String organizationId,
			@PathVariable String workspaceId, QueryContext context) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		MemberState caller = context.memberOf(organization);
		WorkspaceId workspace = QueryParameters.workspace(workspaceId);
		WorkspaceMembersAnswer answer = this.snapshot.read(() -> {
			if (this.workspaces.one(organization, workspace).isEmpty()
					|| !visibleTo(organization, caller).test(workspace)) {
				throw Problems.workspaceNotFound(workspace);
			}
			return new WorkspaceMembersAnswer(workspace, this.workspaces.members(organization, workspace),
					this.timelines.versionOf(organization));
		});
		return QueryAnswers.versioned(answer, answer.version());
	}

	/**
	 * Which workspaces the caller sees, by their role and assignments in the same
	 * snapshot as the workspaces (the in-memory view may be a moment behind the tables).
	 * {@code workspace_read} decides, except that a role that may view the organization
	 * page sees every workspace listed there: a Manager's {@code workspace_read} is for
	 * their own workspaces only, but API.md lets Managers list them all.
	 */
	private Predicate<WorkspaceId> visibleTo(OrganizationId organization, MemberState caller) {
		MemberState now = this.timelines.latestState(organization, caller.userId()).orElse(caller);
		if (PermissionMatrix.grantsOrganizationWide(now.role(), Action.VIEW_ORGANIZATION_PAGE)) {
			return (workspace) -> true;
		}
		return (workspace) -> PermissionMatrix.decide(now.role(), now.workspaces(), Action.WORKSPACE_READ, workspace)
			.allowed();
	}

	record WorkspacesAnswer(List<WorkspaceRecord> workspaces, long version) {
	}

	record WorkspaceMembersAnswer(WorkspaceId workspaceId, List<WorkspaceMember> members, long version) {
	}

}
