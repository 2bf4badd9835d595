package io.membership.query.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.membership.events.Limits;
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
import io.membership.query.view.PermissionView;
import io.membership.query.read.Timelines;
import io.membership.web.Problems;

/**
 * Who may do what: the check, a member's effective permissions, who-can, and the matrix.
 * Answers about now come from the in-memory {@link PermissionView} with no database round
 * trip; answers {@code as_of} an instant come from the members' timelines.
 *
 * <p>
 * What a member may do is read about others by the roles that grant
 * {@code assign_user_roles}, which decide it; a member checks and reads their own; the
 * matrix, the same for every organization, is for every member.
 */
@RestController
@RequestMapping(path = "/api/organizations/{organizationId}", produces = MediaType.APPLICATION_JSON_VALUE)
class PermissionQueryController {

	/** The most checks one batch may hold (API.md). */
	static final int MAX_BATCH = 100;

	private final PermissionView view;

	private final Timelines timelines;

	private final CheckMeters meters;

	PermissionQueryController(PermissionView view, Timelines timelines, CheckMeters meters) {
		this.view = view;
		this.timelines = timelines;
		this.meters = meters;
	}

	@GetMapping("/permissions/check")
	ResponseEntity<CheckAnswer> check(@PathVariable String organizationId,
			@RequestParam(name = "user_id", required = false) String userId,
			@RequestParam(required = false) String action,
			@RequestParam(name = "workspace_id", required = false) String workspaceId,
			@RequestParam(name = "project_id", required = false) String projectId,
			@RequestParam(name = "as_of", required = false) String asOf, QueryContext context) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		context.memberOf(organization, (caller) -> mayCheck(caller, checkedUser(context, userId)));
		UserId subject = checkedUser(context, userId);
		Action checked = QueryParameters.action(action);
		WorkspaceId workspace = existingWorkspace(organization, workspaceId);
		ProjectId project = QueryParameters.project(projectId);
		Instant instant = QueryParameters.instant("as_of", asOf);
		if (instant == null) {
			PermissionView.Answer answer = this.view.decide(organization, subject, checked, workspace, project)
				.orElseThrow(() -> Problems.memberNotFound(subject));
			this.meters.answered(answer.decision().allowed());
			return QueryAnswers.versioned(CheckAnswer.of(answer.decision(), answer.version()), answer.version());
		}
		long version = this.timelines.versionAt(organization, instant);
		Optional<MemberState> then = this.timelines.stateAt(organization, subject, instant);
		ProjectAccess.Project projectThen = projectAt(organization, project, checked, instant);
		CheckAnswer answer = then
			.map((state) -> CheckAnswer.of(PermissionMatrix.decide(state.role(), state.workspaces(), state.projects(),
					checked, workspace, project, projectThen), version))
			.orElseGet(() -> new CheckAnswer(false, null, null, "not_a_member", version));
		this.meters.answered(answer.allowed());
		return QueryAnswers.versioned(answer, version);
	}

	/**
	 * Up to 100 checks in one request, each answered exactly as the single check answers
	 * it about now, all at one version; a user who is not a member is
	 * {@code not_a_member}. The caller must be allowed every check, else the whole
	 * request is 403.
	 */
	@PostMapping(path = "/permissions/check-batch", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<BatchAnswer> checkBatch(@PathVariable String organizationId, @RequestBody CheckBatch body,
			QueryContext context) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		List<CheckItem> items = (body != null) ? body.checks() : null;
		if (items == null || items.isEmpty() || items.size() > MAX_BATCH) {
			throw QueryProblems.invalid("invalid_checks", "checks must hold 1 to " + MAX_BATCH + " checks.");
		}
		List<PermissionView.Question> questions = new ArrayList<>(items.size());
		for (CheckItem item : items) {
			questions.add(question(item));
		}
		context.memberOf(organization, (caller) -> questions.forEach((question) -> mayCheck(caller, question.user())));
		for (CheckItem item : items) {
			existingWorkspace(organization, item.workspaceId());
		}
		PermissionView.Answers answers = this.view.decideAll(organization, questions)
			.orElseThrow(Problems::organizationNotFound);
		List<BatchResult> results = new ArrayList<>(items.size());
		for (int index = 0; index < items.size(); index++) {
			AccessDecision decision = answers.decisions().get(index);
			String correlationId = items.get(index).correlationId();
			results.add((decision != null)
					? new BatchResult(correlationId, decision.allowed(), decision.role(), decision.scope(),
							decision.reason().code())
					: new BatchResult(correlationId, false, null, null, "not_a_member"));
			this.meters.answered(decision != null && decision.allowed());
		}
		return QueryAnswers.versioned(new BatchAnswer(answers.version(), results), answers.version());
	}

	/** One item of a batch, held to the single check's rules for its parameters. */
	private static PermissionView.Question question(CheckItem item) {
		if (item == null) {
			throw QueryProblems.invalid("invalid_checks", "A check must be an object.");
		}
		String correlationId = item.correlationId();
		if (correlationId == null || correlationId.isBlank() || correlationId.length() > Limits.CORRELATION_ID) {
			throw QueryProblems.invalid("invalid_correlation_id",
					"Every check needs a correlation_id of 1 to " + Limits.CORRELATION_ID + " characters.");
		}
		if (item.userId() == null || item.userId() <= 0) {
			throw QueryProblems.invalid("invalid_user_id", "user_id must be a positive integer.");
		}
		return new PermissionView.Question(UserId.of(item.userId()), QueryParameters.action(item.action()),
				QueryParameters.workspace(item.workspaceId()), QueryParameters.project(item.projectId()));
	}

	@GetMapping("/memberships/{userId}/permissions")
	ResponseEntity<PermissionsAnswer> permissions(@PathVariable String organizationId, @PathVariable String userId,
			@RequestParam(name = "project_id", required = false) String projectId,
			@RequestParam(name = "as_of", required = false) String asOf, QueryContext context) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		context.memberAllowedToReadAbout(organization, QueryParameters.user(userId), Action.ASSIGN_USER_ROLES);
		UserId subject = QueryParameters.user(userId);
		ProjectId project = QueryParameters.project(projectId);
		Instant instant = QueryParameters.instant("as_of", asOf);
		MemberState state;
		long version;
		ProjectAccess.Project projectState;
		if (instant == null) {
			version = this.view.version(organization);
			state = this.view.member(organization, subject).orElseThrow(() -> Problems.memberNotFound(subject));
			projectState = (project != null)
					? this.view.project(organization, project).map(PermissionView.ProjectState::access).orElse(null)
					: null;
		}
		else {
			version = this.timelines.versionAt(organization, instant);
			state = this.timelines.stateAt(organization, subject, instant)
				.orElseThrow(() -> Problems.memberNotFound(subject));
			projectState = (project != null) ? this.timelines.projectAt(organization, project, instant).orElse(null)
					: null;
		}
		List<Grant> grants = new ArrayList<>();
		for (Action action : Action.values()) {
			AccessDecision decision = PermissionMatrix.decide(state.role(), state.workspaces(), state.projects(),
					action, null, project, projectState);
			if (decision.allowed()) {
				grants.add(new Grant(action, decision.scope(),
						(decision.scope() == Scope.WORKSPACE) ? decision.workspaces() : null));
			}
		}
		return QueryAnswers.versioned(new PermissionsAnswer(subject.value(), state.role(), version, grants), version);
	}

	@GetMapping("/permissions/subjects")
	ResponseEntity<List<Subject>> subjects(@PathVariable String organizationId,
			@RequestParam(required = false) String action,
			@RequestParam(name = "workspace_id", required = false) String workspaceId, QueryContext context) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		context.memberAllowedTo(organization, Action.ASSIGN_USER_ROLES);
		Action asked = QueryParameters.action(action);
		WorkspaceId workspace = existingWorkspace(organization, workspaceId);
		long version = this.view.version(organization);
		List<Subject> subjects = this.view.members(organization)
			.values()
			.stream()
			.map((member) -> Map.entry(member,
					PermissionMatrix.decide(member.role(), member.workspaces(), asked, workspace)))
			.filter((entry) -> entry.getValue().allowed())
			.map((entry) -> new Subject(entry.getKey().userId().value(), entry.getKey().role(),
					entry.getValue().scope()))
			.sorted((a, b) -> Long.compare(a.userId(), b.userId()))
			.toList();
		return QueryAnswers.versioned(subjects, version);
	}

	@GetMapping("/permissions/matrix")
	ResponseEntity<MatrixAnswer> matrix(@PathVariable String organizationId, QueryContext context) {
		OrganizationId organization = QueryParameters.organization(organizationId);
		context.memberOf(organization);
		List<MatrixRow> rows = Arrays.stream(Action.values()).map((action) -> {
			Map<String, Scope> grants = new LinkedHashMap<>();
			PermissionMatrix.row(action).forEach((role, scope) -> grants.put(role.code(), scope));
			return new MatrixRow(action, action.group(), action.label(), grants);
		}).toList();
		long version = this.view.version(organization);
		return QueryAnswers.versioned(new MatrixAnswer(Arrays.asList(Role.values()), rows, version), version);
	}

	/**
	 * The project as it stood at the instant, for a project-scoped action that names one;
	 * null otherwise (an action not about a project never reads it).
	 */
	private ProjectAccess.Project projectAt(OrganizationId organization, ProjectId project, Action action,
			Instant instant) {
		if (project == null || !action.isAboutProject()) {
			return null;
		}
		return this.timelines.projectAt(organization, project, instant).orElse(null);
	}

	/** The member a check is about: {@code user_id}, or the caller. */
	private static UserId checkedUser(QueryContext context, String userId) {
		return (userId != null) ? QueryParameters.user(userId) : context.caller();
	}

	/**
	 * An active member checks their own permissions; a role that grants
	 * {@code assign_user_roles} anyone's.
	 */
	private static void mayCheck(MemberState caller, UserId subject) {
		if (subject.equals(caller.userId())) {
			if (!caller.role().isActive()) {
				throw Problems.actionNotPermitted("Only active members may check their own permissions.");
			}
		}
		else if (!PermissionMatrix.grantsOrganizationWide(caller.role(), Action.ASSIGN_USER_ROLES)) {
			throw Problems.actionNotPermitted("Checking another member needs assign_user_roles, which the "
					+ caller.role().label() + " role does not grant.");
		}
	}

	/**
	 * The workspace named by the request, if any; 404 if the organization has no such
	 * workspace.
	 */
	private WorkspaceId existingWorkspace(OrganizationId organization, String raw) {
		WorkspaceId workspace = QueryParameters.workspace(raw);
		if (workspace != null && !this.view.hasWorkspace(organization, workspace)) {
			throw Problems.workspaceNotFound(workspace);
		}
		return workspace;
	}

	record CheckBatch(List<CheckItem> checks) {
	}

	record CheckItem(String correlationId, Long userId, String action, String workspaceId, String projectId) {
	}

	record BatchResult(String correlationId, boolean allowed, Role role, Scope scope, String reason) {
	}

	record BatchAnswer(long version, List<BatchResult> results) {
	}

	record CheckAnswer(boolean allowed, Role role, Scope scope, String reason, long version) {

		static CheckAnswer of(AccessDecision decision, long version) {
			return new CheckAnswer(decision.allowed(), decision.role(), decision.scope(), decision.reason().code(),
					version);
		}

	}

	/** {@code workspaces} only for workspace-scoped grants, as API.md shows it. */
	record Grant(Action action, Scope scope, @JsonInclude(JsonInclude.Include.NON_NULL) Set<WorkspaceId> workspaces) {
	}

	record PermissionsAnswer(long userId, Role role, long version, List<Grant> permissions) {
	}

	record Subject(long userId, Role role, Scope scope) {
	}

	record MatrixRow(Action action, String group, String label, Map<String, Scope> grants) {
	}

	record MatrixAnswer(List<Role> roles, List<MatrixRow> actions, long version) {
	}

}
