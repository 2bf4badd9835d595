package io.membership.query.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.membership.events.access.AccessDecision;
import io.membership.events.access.Action;
import io.membership.events.access.PermissionMatrix;
import io.membership.events.access.ProjectAccess;
import io.membership.events.access.Role;
import io.membership.events.access.Scope;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.state.MemberState;
import io.membership.query.read.ProjectReads;
import io.membership.query.read.ProjectReads.ProjectRecord;
import io.membership.query.read.ReadSnapshot;
import io.membership.query.read.Timelines;
import io.membership.query.read.WorkspaceReads;
import io.membership.web.Problems;

/**
 * Projects, both ways (API.md, "Projects and project roles"): the projects a member may
 * read, one project, everyone with access to a project and the path that gives it, and
 * the projects where a member may do an action (as SpiceDB's LookupResources and
 * OpenFGA's ListObjects). Every answer is read from one snapshot of the projection
 * tables, now or {@code as_of} an instant, and carries the version of that snapshot.
 *
 * <p>
 * Who may read is decided by the caller's access now, through {@link PermissionMatrix}
 * actions: the projects a caller cannot read ({@code project_read}) read to them like
 * ones that do not exist, and a project's members are read by those who may manage it
 * ({@code project_manage}). Asked {@code as_of} an instant, the caller sees, of the
 * projects as they stood then, those they may read now: a right revoked since is not
 * given back for the past.
 */
@RestController
@RequestMapping(path = "/api/organizations/{organizationId}", produces = MediaType.APPLICATION_JSON_VALUE)
class ProjectQueryController {

	private final ReadSnapshot snapshot;

	private final ProjectReads projects;

	private final WorkspaceReads workspaces;

	private final Timelines timelines;

	ProjectQueryController(ReadSnapshot snapshot, ProjectReads projects, WorkspaceReads workspaces,
			Timelines timelines) {
		this.snapshot = snapshot;
		this.projects = projects;
		this.workspaces = workspaces;
		this.timelines = timelines;
	}

	@GetMapping("/projects")
	ResponseEntity<ProjectPage> list(@PathVariable String organizationId,
			@RequestParam(name = "workspace_id", required = false) String workspaceId,
			@RequestParam(required = false) String page,
			@RequestParam(name = "page_size", required = false) String pageSize,
			@RequestParam(name = "as_of", required = false) String asOf, QueryContext context,
			HttpServletRequest request) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		context.memberOf(organization, ProjectQueryController::mayReadProjects);
		WorkspaceId workspace = QueryParameters.workspace(workspaceId);
		PageRequest paged = PageRequest.of(page, pageSize);
		Instant instant = QueryParameters.instant("as_of", asOf);
		ProjectPage answer = this.snapshot.read(() -> {
			if (workspace != null && this.workspaces.one(organization, workspace).isEmpty()) {
				throw Problems.workspaceNotFound(workspace);
			}
			Stood stood = stood(organization, instant, context.caller());
			List<ProjectAnswer> readable = stood.projects()
				.stream()
				.filter((project) -> workspace == null || project.workspaceId().equals(workspace))
				.filter((project) -> stood.callerMayRead(project))
				.map((project) -> ProjectAnswer.of(project, stood.memberCount(project.projectId())))
				.toList();
			long count = readable.size();
			List<ProjectAnswer> results = readable.stream().skip(paged.offset()).limit(paged.size()).toList();
			String next = paged.next(request, count);
			String previous = paged.previous(request, count);
			return new ProjectPage(count, next, previous, results, stood.version());
		});
		return QueryAnswers.versioned(answer, answer.version());
	}

	@GetMapping("/projects/{projectId}")
	ResponseEntity<OneProjectAnswer> project(@PathVariable String organizationId, @PathVariable String projectId,
			@RequestParam(name = "as_of", required = false) String asOf, QueryContext context) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		context.memberOf(organization, ProjectQueryController::mayReadProjects);
		ProjectId wanted = requiredProject(projectId);
		Instant instant = QueryParameters.instant("as_of", asOf);
		OneProjectAnswer answer = this.snapshot.read(() -> {
			Stood stood = stood(organization, instant, context.caller());
			ProjectRecord project = stood.readable(wanted);
			return OneProjectAnswer.of(project, stood.memberCount(wanted), stood.version());
		});
		return QueryAnswers.versioned(answer, answer.version());
	}

	@GetMapping("/projects/{projectId}/members")
	ResponseEntity<ProjectMembersAnswer> members(@PathVariable String organizationId, @PathVariable String projectId,
			@RequestParam(name = "as_of", required = false) String asOf, QueryContext context) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		context.memberOf(organization, (caller) -> {
			if (!PermissionMatrix.grants(caller.role(), Action.PROJECT_MANAGE)) {
				throw Problems.actionNotPermitted(
						"A project's members are read by those who may manage it (" + Action.PROJECT_MANAGE.id()
								+ "), which the " + caller.role().label() + " role does not grant.");
			}
		});
		ProjectId wanted = requiredProject(projectId);
		Instant instant = QueryParameters.instant("as_of", asOf);
		ProjectMembersAnswer answer = this.snapshot.read(() -> {
			Stood stood = stood(organization, instant, context.caller());
			ProjectRecord project = stood.readable(wanted);
			if (!stood.callerMay(Action.PROJECT_MANAGE, project)) {
				throw Problems.actionNotPermitted(
						"Reading this project's members needs " + Action.PROJECT_MANAGE.id() + " in it.");
			}
			List<ProjectMember> members = new ArrayList<>();
			stood.members().values().forEach((member) -> {
				ProjectAccess.of(member.role(), member.workspaces(), member.projects(), wanted, project.workspaceId())
					.ifPresent((grant) -> members.add(new ProjectMember(member.userId().value(), member.role(),
							member.projects().get(wanted), grant.effectiveRole(), grant.via())));
			});
			return new ProjectMembersAnswer(wanted, members, stood.version());
		});
		return QueryAnswers.versioned(answer, answer.version());
	}

	@GetMapping("/memberships/{userId}/projects")
	ResponseEntity<MemberProjectsAnswer> memberProjects(@PathVariable String organizationId,
			@PathVariable String userId, @RequestParam(required = false) String action,
			@RequestParam(name = "as_of", required = false) String asOf, QueryContext context) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		UserId subject = QueryParameters.user(userId);
		context.memberAllowedToReadAbout(organization, subject, Action.ASSIGN_USER_ROLES);
		Action asked = (action != null) ? QueryParameters.action(action) : Action.PROJECT_READ;
		if (!asked.isAboutProject()) {
			throw QueryProblems.invalid("action_not_about_projects",
					"The action " + asked.id() + " is not decided per project; ask one such as project_read.");
		}
		Instant instant = QueryParameters.instant("as_of", asOf);
		MemberProjectsAnswer answer = this.snapshot.read(() -> {
			Stood stood = stood(organization, instant, context.caller());
			MemberState member = Optional.ofNullable(stood.members().get(subject))
				.orElseThrow(() -> Problems.memberNotFound(subject));
			List<MemberProject> results = new ArrayList<>();
			for (ProjectRecord project : stood.projects()) {
				AccessDecision decision = PermissionMatrix.decide(member.role(), member.workspaces(), member.projects(),
						asked, null, project.projectId(), project.access());
				if (decision.allowed()) {
					results.add(new MemberProject(project.projectId(), project.workspaceId(), project.title(),
							decision.role(), decision.scope()));
				}
			}
			return new MemberProjectsAnswer(subject.value(), asked, results, stood.version());
		});
		return QueryAnswers.versioned(answer, answer.version());
	}

	/** Projects are read by the roles that grant {@code project_read}: active members. */
	private static void mayReadProjects(MemberState caller) {
		if (!PermissionMatrix.grants(caller.role(), Action.PROJECT_READ)) {
			throw Problems.actionNotPermitted("Projects are read by active members; the " + caller.role().label()
					+ " role does not grant " + Action.PROJECT_READ.id() + ".");
		}
	}

	private static ProjectId requiredProject(String raw) {
		ProjectId project = QueryParameters.project(raw);
		if (project == null) {
			throw QueryProblems.invalid("invalid_project_id", "A project id is required.");
		}
		return project;
	}

	/**
	 * The organization as it stood at the instant (or now, for null), read in the
	 * caller's snapshot, with the caller as they are now.
	 */
	private Stood stood(OrganizationId organization, Instant instant, UserId caller) {
		Map<UserId, MemberState> members = this.timelines.statesAt(organization, instant);
		MemberState callerNow = (instant != null) ? this.timelines.latestState(organization, caller).orElse(null)
				: members.get(caller);
		long version = (instant != null) ? this.timelines.versionAt(organization, instant)
				: this.timelines.versionOf(organization);
		return new Stood(this.projects.at(organization, instant), members, callerNow, version);
	}

	/**
	 * What a project query reads: the projects and members as they stood, and the caller
	 * as they are now (null if the snapshot does not list them yet).
	 */
	private record Stood(List<ProjectRecord> projects, Map<UserId, MemberState> members, MemberState caller,
			long version) {

		Optional<ProjectRecord> project(ProjectId project) {
			return this.projects.stream().filter((each) -> each.projectId().equals(project)).findFirst();
		}

		/**
		 * The project if the caller may read it; 404 otherwise, exactly as for one that
		 * does not exist.
		 */
		ProjectRecord readable(ProjectId wanted) {
			return project(wanted).filter(this::callerMayRead).orElseThrow(() -> Problems.projectNotFound(wanted));
		}

		boolean callerMayRead(ProjectRecord project) {
			return callerMay(Action.PROJECT_READ, project);
		}

		boolean callerMay(Action action, ProjectRecord project) {
			return this.caller != null && PermissionMatrix
				.decide(this.caller.role(), this.caller.workspaces(), this.caller.projects(), action, null,
						project.projectId(), project.access())
				.allowed();
		}

		/** How many members the project has (with or without access just now). */
		long memberCount(ProjectId project) {
			return this.members.values().stream().filter((member) -> member.projects().containsKey(project)).count();
		}

	}

	/** Label Studio's paged list, and the version it reflects. */
	record ProjectPage(long count, String next, String previous, List<ProjectAnswer> results, long version) {
	}

	record ProjectAnswer(ProjectId projectId, WorkspaceId workspaceId, String title, boolean annotatorsViewOwnData,
			Instant registeredAt, long memberCount) {

		static ProjectAnswer of(ProjectRecord project, long memberCount) {
			return new ProjectAnswer(project.projectId(), project.workspaceId(), project.title(),
					project.annotatorsViewOwnData(), project.registeredAt(), memberCount);
		}

	}

	record OneProjectAnswer(ProjectId projectId, WorkspaceId workspaceId, String title, boolean annotatorsViewOwnData,
			Instant registeredAt, long memberCount, long version) {

		static OneProjectAnswer of(ProjectRecord project, long memberCount, long version) {
			return new OneProjectAnswer(project.projectId(), project.workspaceId(), project.title(),
					project.annotatorsViewOwnData(), project.registeredAt(), memberCount, version);
		}

	}

	/**
	 * One member with access to a project: their organization role, their project role
	 * (null for Inherit, or when they reach it otherwise than as a member of it), the
	 * role they act as there, and how they reach it.
	 */
	record ProjectMember(long userId, Role role, Role projectRole, Role effectiveRole, ProjectAccess.Via via) {
	}

	record ProjectMembersAnswer(ProjectId projectId, List<ProjectMember> members, long version) {
	}

	record MemberProject(ProjectId projectId, WorkspaceId workspaceId, String title, Role effectiveRole, Scope scope) {
	}

	record MemberProjectsAnswer(long userId, Action action, List<MemberProject> projects, long version) {
	}

}
