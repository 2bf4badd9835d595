package io.membership.command.web;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.validation.Valid;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.membership.command.organization.AcceptInvitationCommand;
import io.membership.command.organization.ActivateMemberCommand;
import io.membership.command.organization.AddProjectMemberCommand;
import io.membership.command.organization.AssignToWorkspaceCommand;
import io.membership.command.organization.ChangeProjectRoleCommand;
import io.membership.command.organization.BulkItem;
import io.membership.command.organization.BulkOutcome;
import io.membership.command.organization.BulkRefusedException;
import io.membership.command.organization.BulkResult;
import io.membership.command.organization.ChangeMembershipsInBulkCommand;
import io.membership.command.organization.ChangeRoleCommand;
import io.membership.command.organization.CommandRefusedException;
import io.membership.command.organization.CreateOrganizationCommand;
import io.membership.command.organization.CreateWorkspaceCommand;
import io.membership.command.organization.DeactivateMemberCommand;
import io.membership.command.organization.InviteInBulkCommand;
import io.membership.command.organization.InviteUserCommand;
import io.membership.command.organization.Refusal;
import io.membership.command.organization.RegisterProjectCommand;
import io.membership.command.organization.RemoveFromWorkspaceCommand;
import io.membership.command.organization.RemoveMemberCommand;
import io.membership.command.organization.RemoveProjectCommand;
import io.membership.command.organization.RemoveProjectMemberCommand;
import io.membership.command.organization.ResetInviteLinkCommand;
import io.membership.command.organization.RevealInviteLinkCommand;
import io.membership.command.organization.RevokeInvitationCommand;
import io.membership.command.organization.SetMemberRoleCommand;
import io.membership.command.organization.TransferOwnershipCommand;
import io.membership.events.access.ProjectAccess;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.web.Caller;

/**
 * The command endpoints of API.md. Each one turns a request into one command, sends it
 * and waits for the Organization's decision; refusals surface as exceptions that the
 * application renders as problem details.
 */
@RestController
@RequestMapping(path = "/api", produces = MediaType.APPLICATION_JSON_VALUE)
class OrganizationCommandController {

	private final CommandGateway commands;

	private final InvitationTokens tokens;

	private final InvitationSettings invitations;

	private final Clock clock;

	OrganizationCommandController(CommandGateway commands, InvitationTokens tokens, InvitationSettings invitations,
			Clock clock) {
		this.commands = commands;
		this.tokens = tokens;
		this.invitations = invitations;
		this.clock = clock;
	}

	@PostMapping(path = "/organizations", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<CommandResponses.OrganizationCreated> createOrganization(
			@Valid @RequestBody CommandRequests.CreateOrganization body, CommandContext context) {
		OrganizationId organization = OrganizationId.generate();
		this.commands.sendAndWait(new CreateOrganizationCommand(organization, body.name().strip(), context.email(),
				InviteLinkId.generate(), context.actor(), context.correlationId(), null));
		long version = 1;
		return ResponseEntity.created(URI.create("/api/organizations/" + organization))
			.eTag(etag(version))
			.body(new CommandResponses.OrganizationCreated(organization.value(), body.name().strip(),
					context.actor().value(), version));
	}

	@PostMapping(path = "/organizations/{organizationId}/invitations", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<CommandResponses.Invitation> invite(@PathVariable String organizationId,
			@Valid @RequestBody CommandRequests.InviteUser body, CommandContext context) {
		OrganizationId organization = organization(organizationId);
		InvitationId invitation = InvitationId.generate();
		Instant expiresAt = this.clock.instant().plus(this.invitations.timeToLive());
		Set<ProjectId> projects = projects(body.projects());
		long version = this.commands.sendAndWait(new InviteUserCommand(organization, invitation, body.email().strip(),
				body.role(), workspaces(body.workspaces()), projects, expiresAt, context.actor(),
				context.correlationId(), context.expectedVersion()));
		String token = this.tokens.forInvitation(organization, invitation);
		return answer(HttpStatus.CREATED, version, new CommandResponses.Invitation(invitation.value(), token,
				this.invitations.urlFor(token), expiresAt, version));
	}

	/**
	 * Invitations in bulk: one command for the whole request, so the Organization decides
	 * the items in order and they are stored together. Each accepted item answers what
	 * the single invitation answers, its token included.
	 */
	@PostMapping(path = "/organizations/{organizationId}/invitations/bulk", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<CommandResponses.Bulk> inviteInBulk(@PathVariable String organizationId,
			@RequestParam(defaultValue = "false") boolean atomic, @Valid @RequestBody CommandRequests.InviteInBulk body,
			CommandContext context) {
		OrganizationId organization = organization(organizationId);
		Instant expiresAt = this.clock.instant().plus(this.invitations.timeToLive());
		List<BulkItem<InviteUserCommand>> items = new ArrayList<>(body.invitations().size());
		for (CommandRequests.BulkInvitation invitation : body.invitations()) {
			items.add(invitationItem(organization, invitation, expiresAt, context));
		}
		List<String> emails = body.invitations().stream().map((invitation) -> invitation.email().strip()).toList();
		BulkResult result;
		try {
			result = this.commands.sendAndWait(new InviteInBulkCommand(organization, items, atomic, context.actor(),
					context.correlationId(), context.expectedVersion()));
		}
		catch (BulkRefusedException refused) {
			throw new AtomicBulkRefused(results(refused.outcomes(),
					(index, outcome) -> CommandResponses.BulkItem.notStored(201, emails.get(index), null), emails,
					null));
		}
		return answer(HttpStatus.OK, result.version(),
				new CommandResponses.Bulk(result.version(), results(result.outcomes(), (index, outcome) -> {
					InvitationId invitation = items.get(index).command().invitationId();
					String token = this.tokens.forInvitation(organization, invitation);
					return CommandResponses.BulkItem.invited(emails.get(index), invitation.value(), token,
							this.invitations.urlFor(token), expiresAt, outcome.version());
				}, emails, null)));
	}

	/**
	 * A workspace id that cannot be one of ours is refused for its item only, as the
	 * single invitation refuses it (404); a project id of the wrong shape makes the whole
	 * request 400, as the single invitation answers it.
	 */
	private static BulkItem<InviteUserCommand> invitationItem(OrganizationId organization,
			CommandRequests.BulkInvitation invitation, Instant expiresAt, CommandContext context) {
		Set<ProjectId> projects = projects(invitation.projects());
		Set<WorkspaceId> workspaces;
		try {
			workspaces = workspaces(invitation.workspaces());
		}
		catch (CommandRefusedException refused) {
			return BulkItem.refused(refused);
		}
		return BulkItem.of(new InviteUserCommand(organization, InvitationId.generate(), invitation.email().strip(),
				invitation.role(), workspaces, projects, expiresAt, context.actor(), context.correlationId(), null));
	}

	/**
	 * Membership changes in bulk: each item's role, workspaces and projects, decided in
	 * order by the Organization in one command; an item is stored whole or not at all.
	 */
	@PostMapping(path = "/organizations/{organizationId}/memberships/bulk", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<CommandResponses.Bulk> changeMembershipsInBulk(@PathVariable String organizationId,
			@RequestParam(defaultValue = "false") boolean atomic,
			@Valid @RequestBody CommandRequests.ChangeMembershipsInBulk body, CommandContext context) {
		OrganizationId organization = organization(organizationId);
		List<BulkItem<ChangeMembershipsInBulkCommand.Change>> items = new ArrayList<>(body.changes().size());
		List<Long> users = new ArrayList<>(body.changes().size());
		for (CommandRequests.MembershipChange change : body.changes()) {
			users.add(userId(change.userId()).value());
			items.add(changeItem(change));
		}
		BulkResult result;
		try {
			result = this.commands.sendAndWait(new ChangeMembershipsInBulkCommand(organization, items, atomic,
					context.actor(), context.correlationId(), context.expectedVersion()));
		}
		catch (BulkRefusedException refused) {
			throw new AtomicBulkRefused(results(refused.outcomes(),
					(index, outcome) -> CommandResponses.BulkItem.notStored(200, null, users.get(index)), null, users));
		}
		return answer(HttpStatus.OK, result.version(),
				new CommandResponses.Bulk(result.version(),
						results(result.outcomes(), (index, outcome) -> CommandResponses.BulkItem
							.changed(users.get(index), outcome.role(), outcome.version()), null, users)));
	}

	/**
	 * What the single commands' doors refuse as 400 (a project id or project role of the
	 * wrong shape) makes the request 400; a workspace id that cannot be one of ours is
	 * refused for its item only, as the single command refuses it (404).
	 */
	private static BulkItem<ChangeMembershipsInBulkCommand.Change> changeItem(CommandRequests.MembershipChange change) {
		List<ChangeMembershipsInBulkCommand.ProjectMembership> addProjects = (change.addProjects() != null)
				? change.addProjects()
					.stream()
					.map((add) -> new ChangeMembershipsInBulkCommand.ProjectMembership(project(add.projectId()),
							projectRole(add.role())))
					.toList()
				: List.of();
		List<ProjectId> removeProjects = (change.removeProjects() != null)
				? change.removeProjects().stream().map(OrganizationCommandController::project).toList() : List.of();
		try {
			return BulkItem.of(new ChangeMembershipsInBulkCommand.Change(userId(change.userId()), change.role(),
					workspaceList(change.addWorkspaces()), workspaceList(change.removeWorkspaces()), addProjects,
					removeProjects));
		}
		catch (CommandRefusedException refused) {
			return BulkItem.refused(refused);
		}
	}

	private static List<WorkspaceId> workspaceList(List<String> raw) {
		return (raw != null) ? raw.stream().map(OrganizationCommandController::workspace).toList() : List.of();
	}

	/** How an accepted item is answered, given its place in the request. */
	private interface AcceptedItem {

		CommandResponses.BulkItem answer(int index, BulkOutcome outcome);

	}

	private static List<CommandResponses.BulkItem> results(List<BulkOutcome> outcomes, AcceptedItem accepted,
			List<String> emails, List<Long> users) {
		List<CommandResponses.BulkItem> results = new ArrayList<>(outcomes.size());
		for (int index = 0; index < outcomes.size(); index++) {
			BulkOutcome outcome = outcomes.get(index);
			if (outcome.accepted()) {
				results.add(accepted.answer(index, outcome));
			}
			else {
				results.add(CommandResponses.BulkItem.refused(RefusalStatus.of(outcome.refusal()).value(),
						(emails != null) ? emails.get(index) : null, (users != null) ? users.get(index) : null,
						outcome.refusal().code(), outcome.detail()));
			}
		}
		return results;
	}

	@DeleteMapping("/organizations/{organizationId}/invitations/{invitationId}")
	ResponseEntity<CommandResponses.Version> revokeInvitation(@PathVariable String organizationId,
			@PathVariable String invitationId, CommandContext context) {
		long version = this.commands.sendAndWait(new RevokeInvitationCommand(organization(organizationId),
				invitation(invitationId), context.actor(), context.correlationId(), context.expectedVersion()));
		return answer(HttpStatus.OK, version, new CommandResponses.Version(version));
	}

	@GetMapping("/organizations/{organizationId}/invite-link")
	ResponseEntity<CommandResponses.InviteLink> inviteLink(@PathVariable String organizationId,
			CommandContext context) {
		OrganizationId organization = organization(organizationId);
		RevealInviteLinkCommand.InviteLink link = this.commands.sendAndWait(new RevealInviteLinkCommand(organization,
				context.actor(), context.correlationId(), context.expectedVersion()));
		return inviteLinkAnswer(organization, link.inviteLinkId(), link.version());
	}

	@PostMapping("/organizations/{organizationId}/invite-link/reset")
	ResponseEntity<CommandResponses.InviteLink> resetInviteLink(@PathVariable String organizationId,
			CommandContext context) {
		OrganizationId organization = organization(organizationId);
		InviteLinkId link = InviteLinkId.generate();
		long version = this.commands.sendAndWait(new ResetInviteLinkCommand(organization, link, context.actor(),
				context.correlationId(), context.expectedVersion()));
		return inviteLinkAnswer(organization, link, version);
	}

	/**
	 * Called by the upstream app when an invited user signs up: either by that user (the
	 * token's {@code sub} is the joining user id) or by a service trusted with the
	 * {@code membership:invitations} scope. Which address the user may join with is the
	 * Organization's to decide, so the token's {@code email} claim and that scope go with
	 * the command.
	 */
	@PostMapping(path = "/invitations/{token}/accept", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<CommandResponses.Joined> acceptInvitation(@PathVariable String token,
			@Valid @RequestBody CommandRequests.AcceptInvitation body, CommandContext context) {
		InvitationTokens.Admission admission = this.tokens.read(token)
			.orElseThrow(() -> new CommandRefusedException(Refusal.INVITATION_NOT_FOUND,
					"The invitation token is not valid."));
		UserId joining = userId(body.userId());
		if (!joining.equals(context.caller().userId()) && !context.hasScope(Caller.INVITATIONS_SCOPE)) {
			throw new CommandRefusedException(Refusal.ACTION_NOT_PERMITTED, "Only user " + joining
					+ " or a service with scope " + Caller.INVITATIONS_SCOPE + " may accept for them.");
		}
		// A service principal without a user id acts for the user who joins.
		UserId actor = (context.caller().userId() != null) ? context.actor() : joining;
		AcceptInvitationCommand.Joined joined = this.commands
			.sendAndWait(new AcceptInvitationCommand(admission.organizationId(), admission.invitationId(),
					admission.inviteLinkId(), joining, body.email().strip(), actor, context.email(),
					context.hasScope(Caller.INVITATIONS_SCOPE), context.correlationId(), context.expectedVersion()));
		return answer(HttpStatus.OK, joined.version(), new CommandResponses.Joined(admission.organizationId().value(),
				joining.value(), joined.role(), joined.version()));
	}

	/** Label Studio's call: activates, changes the role of or deactivates, as fits. */
	@PatchMapping(path = "/organizations/{organizationId}/memberships", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<CommandResponses.Membership> setRole(@PathVariable String organizationId,
			@Valid @RequestBody CommandRequests.SetMemberRole body, CommandContext context) {
		UserId member = userId(body.userId());
		long version = this.commands.sendAndWait(new SetMemberRoleCommand(organization(organizationId), member,
				body.role(), context.actor(), context.correlationId(), context.expectedVersion()));
		return membershipAnswer(member, body.role(), version);
	}

	@PostMapping(path = "/organizations/{organizationId}/memberships/{userId}/activate",
			consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<CommandResponses.Membership> activate(@PathVariable String organizationId, @PathVariable long userId,
			@Valid @RequestBody CommandRequests.ChangeRole body, CommandContext context) {
		UserId member = userId(userId);
		long version = this.commands.sendAndWait(new ActivateMemberCommand(organization(organizationId), member,
				body.role(), body.reason(), context.actor(), context.correlationId(), context.expectedVersion()));
		return membershipAnswer(member, body.role(), version);
	}

	@PostMapping(path = "/organizations/{organizationId}/memberships/{userId}/role",
			consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<CommandResponses.Membership> changeRole(@PathVariable String organizationId,
			@PathVariable long userId, @Valid @RequestBody CommandRequests.ChangeRole body, CommandContext context) {
		UserId member = userId(userId);
		long version = this.commands.sendAndWait(new ChangeRoleCommand(organization(organizationId), member,
				body.role(), body.reason(), context.actor(), context.correlationId(), context.expectedVersion()));
		return membershipAnswer(member, body.role(), version);
	}

	@PostMapping(path = "/organizations/{organizationId}/memberships/{userId}/deactivate")
	ResponseEntity<CommandResponses.Membership> deactivate(@PathVariable String organizationId,
			@PathVariable long userId, @Valid @RequestBody(required = false) CommandRequests.Deactivate body,
			CommandContext context) {
		UserId member = userId(userId);
		String reason = (body != null) ? body.reason() : null;
		long version = this.commands.sendAndWait(new DeactivateMemberCommand(organization(organizationId), member,
				reason, context.actor(), context.correlationId(), context.expectedVersion()));
		return membershipAnswer(member, Role.DEACTIVATED, version);
	}

	/**
	 * The member leaves the organization with all their workspace and project
	 * memberships; the history stays.
	 */
	@DeleteMapping("/organizations/{organizationId}/memberships/{userId}")
	ResponseEntity<CommandResponses.MemberRemoved> removeMember(@PathVariable String organizationId,
			@PathVariable long userId, CommandContext context) {
		UserId member = userId(userId);
		long version = this.commands.sendAndWait(new RemoveMemberCommand(organization(organizationId), member,
				context.actor(), context.correlationId(), context.expectedVersion()));
		return answer(HttpStatus.OK, version, new CommandResponses.MemberRemoved(member.value(), true, version));
	}

	@PostMapping(path = "/organizations/{organizationId}/ownership", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<CommandResponses.Ownership> transferOwnership(@PathVariable String organizationId,
			@Valid @RequestBody CommandRequests.TransferOwnership body, CommandContext context) {
		UserId newOwner = userId(body.userId());
		long version = this.commands.sendAndWait(new TransferOwnershipCommand(organization(organizationId), newOwner,
				context.actor(), context.correlationId(), context.expectedVersion()));
		return answer(HttpStatus.OK, version,
				new CommandResponses.Ownership(newOwner.value(), context.actor().value(), version));
	}

	@PostMapping(path = "/organizations/{organizationId}/workspaces", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<CommandResponses.Workspace> createWorkspace(@PathVariable String organizationId,
			@Valid @RequestBody CommandRequests.CreateWorkspace body, CommandContext context) {
		OrganizationId organization = organization(organizationId);
		WorkspaceId workspace = WorkspaceId.generate();
		long version = this.commands.sendAndWait(new CreateWorkspaceCommand(organization, workspace,
				body.title().strip(), context.actor(), context.correlationId(), context.expectedVersion()));
		return ResponseEntity.created(URI.create("/api/organizations/" + organization + "/workspaces/" + workspace))
			.eTag(etag(version))
			.body(new CommandResponses.Workspace(workspace.value(), body.title().strip(), version));
	}

	@PostMapping(path = "/organizations/{organizationId}/workspaces/{workspaceId}/memberships",
			consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<CommandResponses.WorkspaceMembership> assignToWorkspace(@PathVariable String organizationId,
			@PathVariable String workspaceId, @Valid @RequestBody CommandRequests.AssignToWorkspace body,
			CommandContext context) {
		WorkspaceId workspace = workspace(workspaceId);
		UserId member = userId(body.userId());
		long version = this.commands.sendAndWait(new AssignToWorkspaceCommand(organization(organizationId), workspace,
				member, context.actor(), context.correlationId(), context.expectedVersion()));
		return answer(HttpStatus.OK, version,
				new CommandResponses.WorkspaceMembership(workspace.value(), member.value(), true, version));
	}

	@DeleteMapping("/organizations/{organizationId}/workspaces/{workspaceId}/memberships/{userId}")
	ResponseEntity<CommandResponses.WorkspaceMembership> removeFromWorkspace(@PathVariable String organizationId,
			@PathVariable String workspaceId, @PathVariable long userId, CommandContext context) {
		WorkspaceId workspace = workspace(workspaceId);
		UserId member = userId(userId);
		long version = this.commands.sendAndWait(new RemoveFromWorkspaceCommand(organization(organizationId), workspace,
				member, context.actor(), context.correlationId(), context.expectedVersion()));
		return answer(HttpStatus.OK, version,
				new CommandResponses.WorkspaceMembership(workspace.value(), member.value(), false, version));
	}

	/**
	 * The upstream app's project under its own id: registered the first time (201),
	 * brought to these values afterwards (200, also when nothing changed).
	 */
	@PutMapping(path = "/organizations/{organizationId}/projects/{projectId}",
			consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<CommandResponses.Project> registerProject(@PathVariable String organizationId,
			@PathVariable String projectId, @Valid @RequestBody CommandRequests.RegisterProject body,
			CommandContext context) {
		OrganizationId organization = organization(organizationId);
		ProjectId project = project(projectId);
		WorkspaceId workspace = workspace(body.workspaceId());
		String title = body.title().strip();
		boolean annotatorsViewOwnData = Boolean.TRUE.equals(body.annotatorsViewOwnData());
		RegisterProjectCommand.Registered registered = this.commands
			.sendAndWait(new RegisterProjectCommand(organization, project, workspace, title, annotatorsViewOwnData,
					context.actor(), context.correlationId(), context.expectedVersion()));
		CommandResponses.Project answer = new CommandResponses.Project(project.value(), workspace.value(), title,
				annotatorsViewOwnData, registered.version());
		if (registered.created()) {
			return ResponseEntity.created(URI.create("/api/organizations/" + organization + "/projects/" + project))
				.eTag(etag(registered.version()))
				.body(answer);
		}
		return answer(HttpStatus.OK, registered.version(), answer);
	}

	@DeleteMapping("/organizations/{organizationId}/projects/{projectId}")
	ResponseEntity<CommandResponses.ProjectRemoved> removeProject(@PathVariable String organizationId,
			@PathVariable String projectId, CommandContext context) {
		ProjectId project = project(projectId);
		long version = this.commands.sendAndWait(new RemoveProjectCommand(organization(organizationId), project,
				context.actor(), context.correlationId(), context.expectedVersion()));
		return answer(HttpStatus.OK, version, new CommandResponses.ProjectRemoved(project.value(), true, version));
	}

	@PostMapping(path = "/organizations/{organizationId}/projects/{projectId}/members",
			consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<CommandResponses.ProjectMembership> addProjectMember(@PathVariable String organizationId,
			@PathVariable String projectId, @Valid @RequestBody CommandRequests.AddProjectMember body,
			CommandContext context) {
		ProjectId project = project(projectId);
		UserId member = userId(body.userId());
		Role role = projectRole(body.role());
		long version = this.commands.sendAndWait(new AddProjectMemberCommand(organization(organizationId), project,
				member, role, body.reason(), context.actor(), context.correlationId(), context.expectedVersion()));
		return answer(HttpStatus.OK, version,
				new CommandResponses.ProjectMembership(project.value(), member.value(), role, true, version));
	}

	@PatchMapping(path = "/organizations/{organizationId}/projects/{projectId}/members/{userId}",
			consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<CommandResponses.ProjectMembership> changeProjectRole(@PathVariable String organizationId,
			@PathVariable String projectId, @PathVariable long userId,
			@Valid @RequestBody CommandRequests.ChangeProjectRole body, CommandContext context) {
		ProjectId project = project(projectId);
		UserId member = userId(userId);
		Role role = projectRole(body.role());
		long version = this.commands.sendAndWait(new ChangeProjectRoleCommand(organization(organizationId), project,
				member, role, body.reason(), context.actor(), context.correlationId(), context.expectedVersion()));
		return answer(HttpStatus.OK, version,
				new CommandResponses.ProjectMembership(project.value(), member.value(), role, true, version));
	}

	@DeleteMapping("/organizations/{organizationId}/projects/{projectId}/members/{userId}")
	ResponseEntity<CommandResponses.ProjectMembership> removeProjectMember(@PathVariable String organizationId,
			@PathVariable String projectId, @PathVariable long userId, CommandContext context) {
		ProjectId project = project(projectId);
		UserId member = userId(userId);
		long version = this.commands.sendAndWait(new RemoveProjectMemberCommand(organization(organizationId), project,
				member, context.actor(), context.correlationId(), context.expectedVersion()));
		return answer(HttpStatus.OK, version,
				new CommandResponses.ProjectMembership(project.value(), member.value(), null, false, version));
	}

	/**
	 * A project role is {@code AN}, {@code RE} or null (Inherit); any other code is 400.
	 */
	private static Role projectRole(Role role) {
		if (role != null && !ProjectAccess.isProjectRole(role)) {
			throw new InvalidRequestException("invalid_project_role",
					"A project role is AN, RE or null (Inherit), not " + role.code() + ".");
		}
		return role;
	}

	private ResponseEntity<CommandResponses.InviteLink> inviteLinkAnswer(OrganizationId organization, InviteLinkId link,
			long version) {
		String token = this.tokens.forInviteLink(organization, link);
		return answer(HttpStatus.OK, version,
				new CommandResponses.InviteLink(this.invitations.urlFor(token), token, version));
	}

	private static ResponseEntity<CommandResponses.Membership> membershipAnswer(UserId member, Role role,
			long version) {
		return answer(HttpStatus.OK, version, new CommandResponses.Membership(member.value(), role, version));
	}

	private static <T> ResponseEntity<T> answer(HttpStatus status, long version, T body) {
		return ResponseEntity.status(status).eTag(etag(version)).body(body);
	}

	private static String etag(long version) {
		return "\"" + version + "\"";
	}

	/** An id that cannot be one of ours names no organization the caller is in: 404. */
	private static OrganizationId organization(String raw) {
		try {
			return new OrganizationId(raw);
		}
		catch (IllegalArgumentException ex) {
			throw new CommandRefusedException(Refusal.ORGANIZATION_NOT_FOUND);
		}
	}

	/** The path door has held it to its shape already; this is the same rule. */
	private static ProjectId project(String raw) {
		if (!ProjectId.isWellFormed(raw)) {
			throw new InvalidRequestException("invalid_project_id",
					"A project id is 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'.");
		}
		return new ProjectId(raw);
	}

	private static InvitationId invitation(String raw) {
		try {
			return new InvitationId(raw);
		}
		catch (IllegalArgumentException ex) {
			throw new CommandRefusedException(Refusal.INVITATION_NOT_FOUND);
		}
	}

	private static WorkspaceId workspace(String raw) {
		try {
			return new WorkspaceId(raw);
		}
		catch (IllegalArgumentException ex) {
			throw new CommandRefusedException(Refusal.WORKSPACE_NOT_FOUND);
		}
	}

	private static Set<WorkspaceId> workspaces(Set<String> raw) {
		return (raw != null) ? raw.stream().map(OrganizationCommandController::workspace).collect(Collectors.toSet())
				: Set.of();
	}

	private static Set<ProjectId> projects(Set<String> raw) {
		return (raw != null) ? raw.stream().map(OrganizationCommandController::project).collect(Collectors.toSet())
				: Set.of();
	}

	private static UserId userId(long raw) {
		if (raw <= 0) {
			throw new InvalidRequestException("invalid_user_id", "user_id must be a positive integer.");
		}
		return UserId.of(raw);
	}

}
