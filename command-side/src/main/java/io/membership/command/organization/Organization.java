package io.membership.command.organization;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.modelling.command.inspection.AggregateModel;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnore;

import io.membership.command.organization.Invitation.Status;
import io.membership.events.InvitationRevoked;
import io.membership.events.InviteLinkReset;
import io.membership.events.MemberActivated;
import io.membership.events.MemberAddedToProject;
import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberDeactivated;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemoved;
import io.membership.events.MemberRemovedFromProject;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.MemberRoleChanged;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.PersonalDataErased;
import io.membership.events.ProjectRegistered;
import io.membership.events.ProjectRemoved;
import io.membership.events.ProjectRoleChanged;
import io.membership.events.ProjectUpdated;
import io.membership.events.UserInvited;
import io.membership.events.WorkspaceCreated;
import io.membership.events.access.AccessDecision;
import io.membership.events.access.Action;
import io.membership.events.access.PermissionMatrix;
import io.membership.events.access.ProjectAccess;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * An organization: its members, their roles, its workspaces and its invitations. Every
 * rule of API.md is decided here, against this aggregate's own state, so that it holds
 * under concurrent requests: Axon serializes the commands of one organization, and the
 * event store's unique (aggregate, sequence) key refuses a second writer.
 *
 * <p>
 * Command handlers decide and apply; event sourcing handlers only assign state. Each
 * handler returns the organization's version after it ran, also when it changed nothing.
 *
 * <p>
 * Snapshots serialize the fields directly (Jackson, field visibility), so the state below
 * is all plain data. The {@code @Revision} names the shape of that data: Axon reads only
 * snapshots of this revision and rebuilds an organization from its events when its
 * snapshot is of another. Revision 2: the members as a {@link Members} list, without the
 * e-mail index (the snapshots before it carried no revision, a member map and an index
 * that missed the Owner).
 */
@Aggregate(snapshotTriggerDefinition = "organizationSnapshotTrigger", cache = "organizationCache")
@Revision("2")
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
		isGetterVisibility = Visibility.NONE)
public class Organization {

	@AggregateIdentifier
	private OrganizationId organizationId;

	private UserId ownerUserId;

	private InviteLinkId inviteLinkId;

	private Members members = new Members();

	private Set<WorkspaceId> workspaces = new HashSet<>();

	private Map<InvitationId, Invitation> invitations = new HashMap<>();

	/**
	 * The projects ever registered, removed ones too. A snapshot taken before projects
	 * existed has none, which is right: no project event came before it.
	 */
	private Map<ProjectId, Project> projects = new HashMap<>();

	/**
	 * The users whose address this organization has erased, so that asking again changes
	 * nothing. A snapshot taken before erasure existed has none, which is right.
	 */
	private Set<UserId> erasedUsers = new HashSet<>();

	/**
	 * The events of a bulk item being tried, or null outside a trial; see {@link #tried}.
	 * Never part of the state a snapshot keeps.
	 */
	@JsonIgnore
	private transient List<Object> trial;

	protected Organization() {
		// Axon rebuilds the aggregate from its events through this constructor.
	}

	@CommandHandler
	public Organization(CreateOrganizationCommand command) {
		apply(new OrganizationCreated(command.organizationId(), command.name(), command.actorUserId(),
				command.ownerEmail(), command.inviteLinkId(), command.actorUserId(), now(), command.correlationId()));
	}

	@CommandHandler
	public long handle(InviteUserCommand command) {
		Actor actor = checkVersionAndActor(command);
		actor.mayDo(Action.INVITE_USERS, null);
		if (command.role() != null && command.role() != Role.NOT_ACTIVATED) {
			requireAssignable(command.role());
		}
		if (!command.workspaces().isEmpty() && (command.role() == null || !command.role().isActive())) {
			throw new CommandRefusedException(Refusal.WORKSPACES_REQUIRE_ROLE);
		}
		command.workspaces().forEach(this::requireWorkspace);
		// As for workspaces: the invitee is added to the projects on joining, and only
		// active members are added to a project.
		if (!command.projects().isEmpty() && (command.role() == null || !command.role().isActive())) {
			throw new CommandRefusedException(Refusal.PROJECTS_REQUIRE_ROLE);
		}
		for (ProjectId project : command.projects()) {
			actor.mayManageMembersOf(requireProject(project));
		}
		if (this.members.withEmailLike(command.email()) != null) {
			throw new CommandRefusedException(Refusal.ALREADY_MEMBER,
					"A member with the email " + command.email() + " is already in this organization.");
		}
		Role roleOnJoining = (command.role() == Role.NOT_ACTIVATED) ? null : command.role();
		emit(new UserInvited(this.organizationId, command.invitationId(), command.email(), roleOnJoining,
				command.workspaces(), command.projects(), command.expiresAt(), command.actorUserId(), now(),
				command.correlationId()));
		return currentVersion();
	}

	@CommandHandler
	public long handle(RevokeInvitationCommand command) {
		checkVersionAndActor(command).mayDo(Action.INVITE_USERS, null);
		Invitation invitation = requireInvitation(command.invitationId());
		switch (invitation.status()) {
			case ACCEPTED -> throw new CommandRefusedException(Refusal.INVITATION_ALREADY_ACCEPTED);
			case REVOKED -> {
				return currentVersion();
			}
			case PENDING -> emit(new InvitationRevoked(this.organizationId, invitation.invitationId(),
					invitation.email(), command.actorUserId(), now(), command.correlationId()));
		}
		return currentVersion();
	}

	@CommandHandler
	public long handle(ResetInviteLinkCommand command) {
		checkVersionAndActor(command).mayDo(Action.INVITE_USERS, null);
		emit(new InviteLinkReset(this.organizationId, command.newInviteLinkId(), command.actorUserId(), now(),
				command.correlationId()));
		return currentVersion();
	}

	@CommandHandler
	public RevealInviteLinkCommand.InviteLink handle(RevealInviteLinkCommand command) {
		checkVersionAndActor(command).mayDo(Action.INVITE_USERS, null);
		return new RevealInviteLinkCommand.InviteLink(this.inviteLinkId, currentVersion());
	}

	/**
	 * The joining user is not a member yet, so there is no actor to authorize here: the
	 * adapter has checked that the caller is that user or a service trusted to accept
	 * invitations on users' behalf. What is decided here is whose address the user may
	 * join with.
	 */
	@CommandHandler
	public AcceptInvitationCommand.Joined handle(AcceptInvitationCommand command) {
		checkVersion(command);
		if (command.invitationId() == null) {
			requireEmailVouchedFor(command);
		}
		if (this.members.contains(command.userId()) || this.members.withEmailLike(command.email()) != null) {
			throw new CommandRefusedException(Refusal.ALREADY_MEMBER);
		}
		if (command.invitationId() != null) {
			Invitation invitation = requireInvitation(command.invitationId());
			switch (invitation.status()) {
				case ACCEPTED -> throw new CommandRefusedException(Refusal.INVITATION_ALREADY_ACCEPTED);
				case REVOKED -> throw new CommandRefusedException(Refusal.INVITATION_REVOKED);
				case PENDING -> {
				}
			}
			if (!now().isBefore(invitation.expiresAt())) {
				throw new CommandRefusedException(Refusal.INVITATION_EXPIRED,
						"The invitation expired at " + invitation.expiresAt() + ".");
			}
			// The token proves the address it was sent to, not a look-alike of it; an
			// invitation whose address was erased proves none.
			if (invitation.email() == null
					|| !EmailAddress.of(invitation.email()).equals(EmailAddress.of(command.email()))) {
				throw new CommandRefusedException(Refusal.INVITATION_EMAIL_MISMATCH);
			}
			Role role = (invitation.role() != null) ? invitation.role() : Role.NOT_ACTIVATED;
			emit(new MemberJoined(this.organizationId, command.userId(), command.email(), role,
					invitation.invitationId(), invitation.workspaces(), command.actorUserId(), now(),
					command.correlationId()));
			addToInvitedProjects(invitation, command);
			return new AcceptInvitationCommand.Joined(role, currentVersion());
		}
		if (!this.inviteLinkId.equals(command.inviteLinkId())) {
			throw new CommandRefusedException(Refusal.INVITE_LINK_OUTDATED);
		}
		emit(new MemberJoined(this.organizationId, command.userId(), command.email(), Role.NOT_ACTIVATED, null,
				Set.of(), command.actorUserId(), now(), command.correlationId()));
		return new AcceptInvitationCommand.Joined(Role.NOT_ACTIVATED, currentVersion());
	}

	/**
	 * Forgets the person's address here: theirs as a member (or former member: the
	 * address their events refer to), and those of the invitations sent to any of their
	 * addresses. Every organization the person belongs or belonged to records it, the
	 * Owner's too: the contract keeps roles and user ids, not addresses, and an Owner
	 * without an address still owns. Asked again with nothing left to forget, it records
	 * nothing.
	 */
	@CommandHandler
	public long handle(ErasePersonalDataCommand command) {
		Set<String> skeletons = new HashSet<>();
		command.addresses().forEach((address) -> skeletons.add(EmailAddress.of(address).skeleton()));
		Member member = this.members.get(command.userId());
		if (member != null && member.email() != null) {
			skeletons.add(EmailAddress.of(member.email()).skeleton());
		}
		List<InvitationId> invitationsToForget = this.invitations.values()
			.stream()
			.filter((invitation) -> invitation.email() != null
					&& skeletons.contains(EmailAddress.of(invitation.email()).skeleton()))
			.map(Invitation::invitationId)
			.toList();
		boolean memberAddressLeft = member != null && member.email() != null;
		if (this.erasedUsers.contains(command.userId()) && !memberAddressLeft && invitationsToForget.isEmpty()) {
			return currentVersion();
		}
		emit(new PersonalDataErased(this.organizationId, command.userId(), invitationsToForget, command.actorUserId(),
				command.requestedBy(), now(), command.correlationId()));
		return currentVersion();
	}

	/**
	 * The invitation's projects, each one event as if added one by one (Inherit), so the
	 * views, role histories and the roles topic learn of them as of any other project
	 * membership. The actor is the joining user, as of their MemberJoined; the decision
	 * was the inviter's, checked when they invited. A project removed since the
	 * invitation is left out: its memberships would confer nothing, and the invitation
	 * still admits the invitee to the rest.
	 */
	private void addToInvitedProjects(Invitation invitation, AcceptInvitationCommand command) {
		for (ProjectId projectId : invitation.projects()) {
			Project project = this.projects.get(projectId);
			if (project != null && !project.removed()) {
				emit(new MemberAddedToProject(this.organizationId, projectId, command.userId(), null, null,
						command.actorUserId(), now(), command.correlationId()));
			}
		}
	}

	/**
	 * A personal invitation's token proves the address it was sent to; the link proves
	 * none, so an address asserted with it must be vouched for by the caller's token or
	 * by a trusted service (API.md, "Hardening"). Decided before whether the address is
	 * taken, so a link holder cannot probe who is a member.
	 */
	private static void requireEmailVouchedFor(AcceptInvitationCommand command) {
		if (command.actorMayAssertAnyEmail()) {
			return;
		}
		if (command.actorEmail() == null
				|| !EmailAddress.of(command.actorEmail()).equals(EmailAddress.of(command.email()))) {
			throw new CommandRefusedException(Refusal.EMAIL_NOT_VERIFIED,
					"The organization's invite link proves no e-mail address: join with the address in your token's "
							+ "email claim, or through a personal invitation.");
		}
	}

	@CommandHandler
	public long handle(SetMemberRoleCommand command) {
		Member member = memberToChange(command, command.userId());
		requireNotOwnerRole(command.role());
		if (command.role() == member.role()) {
			return currentVersion();
		}
		if (command.role() == Role.DEACTIVATED) {
			deactivate(member, null, command);
		}
		else if (member.role().isActive()) {
			changeRole(member, command.role(), null, command);
		}
		else {
			activate(member, command.role(), null, command);
		}
		return currentVersion();
	}

	@CommandHandler
	public long handle(ActivateMemberCommand command) {
		Member member = memberToChange(command, command.userId());
		if (member.role().isActive() && member.role() != command.role()) {
			throw new CommandRefusedException(Refusal.MEMBER_ALREADY_ACTIVE,
					"Member " + member.userId() + " is already active as " + member.role().code() + ".");
		}
		activate(member, command.role(), command.reason(), command);
		return currentVersion();
	}

	@CommandHandler
	public long handle(ChangeRoleCommand command) {
		Member member = memberToChange(command, command.userId());
		if (!member.role().isActive()) {
			throw new CommandRefusedException(Refusal.MEMBER_NOT_ACTIVE, "Member " + member.userId() + " is "
					+ member.role().label() + "; activate them with a role instead.");
		}
		changeRole(member, command.role(), command.reason(), command);
		return currentVersion();
	}

	@CommandHandler
	public long handle(DeactivateMemberCommand command) {
		Member member = memberToChange(command, command.userId());
		deactivate(member, command.reason(), command);
		return currentVersion();
	}

	/**
	 * The member leaves with every workspace and project membership (the event says only
	 * that; the state drops them whole). Decided as the other changes of a membership
	 * are: by whoever may assign roles, never about the Owner (another member is refused
	 * as for any change of the Owner's membership; the Owner themself, since ownership
	 * moves only by transfer). A Deactivated or Not Activated member is removed alike; a
	 * user who is no member is 404, also the second time.
	 */
	@CommandHandler
	public long handle(RemoveMemberCommand command) {
		Member member = memberToChange(command, command.userId());
		if (member.role() == Role.OWNER) {
			throw new CommandRefusedException(Refusal.OWNER_ROLE_IMMUTABLE,
					"The Owner cannot be removed; transfer ownership first.");
		}
		emit(new MemberRemoved(this.organizationId, member.userId(), member.role(), command.actorUserId(), now(),
				command.correlationId()));
		return currentVersion();
	}

	@CommandHandler
	public long handle(TransferOwnershipCommand command) {
		Actor actor = checkVersionAndActor(command);
		if (actor.member().role() != Role.OWNER) {
			throw new CommandRefusedException(Refusal.ACTION_NOT_PERMITTED, "Only the Owner may transfer ownership.");
		}
		Member newOwner = requireMember(command.newOwnerUserId());
		if (newOwner.role() == Role.OWNER) {
			return currentVersion();
		}
		if (!newOwner.role().isActive()) {
			throw new CommandRefusedException(Refusal.MEMBER_NOT_ACTIVE, "Ownership can only go to an active member; "
					+ newOwner.userId() + " is " + newOwner.role().label() + ".");
		}
		emit(new OwnershipTransferred(this.organizationId, this.ownerUserId, newOwner.userId(), newOwner.role(),
				command.actorUserId(), now(), command.correlationId()));
		return currentVersion();
	}

	@CommandHandler
	public long handle(CreateWorkspaceCommand command) {
		Actor actor = checkVersionAndActor(command);
		// A Manager's grant is limited to assigned workspaces, and a new workspace is one
		// they will be assigned to, so holding the grant in any scope is enough here.
		if (PermissionMatrix.scopeOf(actor.member().role(), Action.WORKSPACE_MANAGE).isEmpty()) {
			throw new CommandRefusedException(Refusal.ACTION_NOT_PERMITTED,
					actor.member().role().label() + " may not create workspaces.");
		}
		if (this.workspaces.contains(command.workspaceId())) {
			return currentVersion();
		}
		emit(new WorkspaceCreated(this.organizationId, command.workspaceId(), command.title(), command.actorUserId(),
				now(), command.correlationId()));
		if (actor.member().role() == Role.MANAGER) {
			emit(new MemberAssignedToWorkspace(this.organizationId, command.workspaceId(), command.actorUserId(),
					command.actorUserId(), now(), command.correlationId()));
		}
		return currentVersion();
	}

	@CommandHandler
	public long handle(AssignToWorkspaceCommand command) {
		Actor actor = checkVersionAndActor(command);
		requireWorkspace(command.workspaceId());
		actor.mayDo(Action.WORKSPACE_MANAGE, command.workspaceId());
		Member member = requireMember(command.userId());
		actor.mayChange(member);
		if (!member.role().isActive()) {
			throw new CommandRefusedException(Refusal.MEMBER_NOT_ACTIVE,
					"Only active members are assigned to workspaces; " + member.userId() + " is "
							+ member.role().label() + ".");
		}
		if (member.workspaces().contains(command.workspaceId())) {
			return currentVersion();
		}
		emit(new MemberAssignedToWorkspace(this.organizationId, command.workspaceId(), member.userId(),
				command.actorUserId(), now(), command.correlationId()));
		return currentVersion();
	}

	@CommandHandler
	public long handle(RemoveFromWorkspaceCommand command) {
		Actor actor = checkVersionAndActor(command);
		requireWorkspace(command.workspaceId());
		actor.mayDo(Action.WORKSPACE_MANAGE, command.workspaceId());
		Member member = requireMember(command.userId());
		actor.mayChange(member);
		if (!member.workspaces().contains(command.workspaceId())) {
			return currentVersion();
		}
		emit(new MemberRemovedFromWorkspace(this.organizationId, command.workspaceId(), member.userId(),
				command.actorUserId(), now(), command.correlationId()));
		return currentVersion();
	}

	/**
	 * PUT of a project: registers it the first time, else brings it to these values. Who
	 * may: Administrators and the Owner; a Manager assigned to the workspace, and to the
	 * one it leaves when it moves.
	 */
	@CommandHandler
	public RegisterProjectCommand.Registered handle(RegisterProjectCommand command) {
		Actor actor = checkVersionAndActor(command);
		requireWorkspace(command.workspaceId());
		actor.mayDo(Action.PROJECT_MANAGE, command.workspaceId());
		Project project = this.projects.get(command.projectId());
		if (project == null) {
			emit(new ProjectRegistered(this.organizationId, command.projectId(), command.workspaceId(), command.title(),
					command.annotatorsViewOwnData(), command.actorUserId(), now(), command.correlationId()));
			return new RegisterProjectCommand.Registered(true, currentVersion());
		}
		actor.mayDo(Action.PROJECT_MANAGE, project.workspaceId());
		if (project.removed()) {
			throw new CommandRefusedException(Refusal.PROJECT_REMOVED,
					"Project " + project.projectId() + " was removed; register the project under a new id.");
		}
		if (!project.sameAs(command.workspaceId(), command.title(), command.annotatorsViewOwnData())) {
			emit(new ProjectUpdated(this.organizationId, project.projectId(), project.workspaceId(),
					command.workspaceId(), command.title(), command.annotatorsViewOwnData(), command.actorUserId(),
					now(), command.correlationId()));
		}
		return new RegisterProjectCommand.Registered(false, currentVersion());
	}

	@CommandHandler
	public long handle(RemoveProjectCommand command) {
		Actor actor = checkVersionAndActor(command);
		Project project = this.projects.get(command.projectId());
		if (project == null) {
			throw new CommandRefusedException(Refusal.PROJECT_NOT_FOUND, "No project " + command.projectId() + ".");
		}
		actor.mayDo(Action.PROJECT_MANAGE, project.workspaceId());
		if (!project.removed()) {
			emit(new ProjectRemoved(this.organizationId, project.projectId(), project.workspaceId(),
					command.actorUserId(), now(), command.correlationId()));
		}
		return currentVersion();
	}

	@CommandHandler
	public long handle(AddProjectMemberCommand command) {
		Actor actor = checkVersionAndActor(command);
		Project project = requireProject(command.projectId());
		actor.mayManageMembersOf(project);
		Member member = requireMember(command.userId());
		if (!member.role().isActive()) {
			throw new CommandRefusedException(Refusal.MEMBER_NOT_ACTIVE, "Only active members are added to projects; "
					+ member.userId() + " is " + member.role().label() + ".");
		}
		requireProjectRoleApplies(member, command.projectRole());
		if (member.isInProject(project.projectId())) {
			Role current = member.projects().get(project.projectId());
			if (current == command.projectRole()) {
				return currentVersion();
			}
			throw new CommandRefusedException(Refusal.ALREADY_PROJECT_MEMBER,
					"Member " + member.userId() + " is already in project " + project.projectId() + " as "
							+ projectRoleName(current) + "; change their project role instead.");
		}
		emit(new MemberAddedToProject(this.organizationId, project.projectId(), member.userId(), command.projectRole(),
				command.reason(), command.actorUserId(), now(), command.correlationId()));
		return currentVersion();
	}

	@CommandHandler
	public long handle(ChangeProjectRoleCommand command) {
		Actor actor = checkVersionAndActor(command);
		Project project = requireProject(command.projectId());
		actor.mayManageMembersOf(project);
		Member member = requireProjectMember(project, command.userId());
		requireProjectRoleApplies(member, command.projectRole());
		Role current = member.projects().get(project.projectId());
		if (current != command.projectRole()) {
			emit(new ProjectRoleChanged(this.organizationId, project.projectId(), member.userId(), current,
					command.projectRole(), command.reason(), command.actorUserId(), now(), command.correlationId()));
		}
		return currentVersion();
	}

	@CommandHandler
	public long handle(RemoveProjectMemberCommand command) {
		Actor actor = checkVersionAndActor(command);
		Project project = requireProject(command.projectId());
		actor.mayManageMembersOf(project);
		Member member = requireMember(command.userId());
		if (member.isInProject(project.projectId())) {
			emit(new MemberRemovedFromProject(this.organizationId, project.projectId(), member.userId(),
					member.projects().get(project.projectId()), command.actorUserId(), now(), command.correlationId()));
		}
		return currentVersion();
	}

	/**
	 * Invitations in bulk (API.md, "Bulk changes"): each item is decided by the single
	 * invitation's own handler, in order, against the state the items before it left. The
	 * request's If-Match and who may invite are decided once, before the first item, so
	 * an outdated version or a caller who may not invite refuses the whole request. An
	 * address an earlier item of the request invited is refused at its second occurrence:
	 * one person, one invitation per request.
	 */
	@CommandHandler
	public BulkResult handle(InviteInBulkCommand command) {
		checkVersionAndActor(command).mayDo(Action.INVITE_USERS, null);
		Set<String> invitedNow = new HashSet<>();
		List<BulkOutcome> outcomes = new ArrayList<>(command.invitations().size());
		for (BulkItem<InviteUserCommand> item : command.invitations()) {
			outcomes.add(decided(item, (invitation) -> {
				String address = EmailAddress.of(invitation.email()).skeleton();
				if (invitedNow.contains(address)) {
					throw new CommandRefusedException(Refusal.DUPLICATE_EMAIL, "An earlier item of this request "
							+ "already invites " + invitation.email() + " (or an address that looks like it).");
				}
				handle(invitation);
				invitedNow.add(address);
			}));
		}
		return concluded(command.atomic(), outcomes);
	}

	/**
	 * Membership changes in bulk: each part of an item is decided by its single command's
	 * handler, so a part is refused exactly as that command would be. An item is all or
	 * nothing: its parts are tried first ({@link #tried}), and only when every part is
	 * accepted are their events applied. The If-Match is held to the organization before
	 * the first item; who may change what is decided per item, since an earlier item may
	 * have changed the caller's own role or workspaces.
	 */
	@CommandHandler
	public BulkResult handle(ChangeMembershipsInBulkCommand command) {
		checkVersionAndActor(command);
		List<BulkOutcome> outcomes = new ArrayList<>(command.changes().size());
		for (BulkItem<ChangeMembershipsInBulkCommand.Change> item : command.changes()) {
			if (item.refusedAtDoor() != null) {
				outcomes.add(BulkOutcome.refused(item.refusedAtDoor()));
				continue;
			}
			ChangeMembershipsInBulkCommand.Change change = item.command();
			outcomes.add(tried(change.userId(), () -> changeParts(change, command)));
		}
		return concluded(command.atomic(), outcomes);
	}

	private void changeParts(ChangeMembershipsInBulkCommand.Change change, OrganizationCommand request) {
		UserId user = change.userId();
		UserId actor = request.actorUserId();
		String correlationId = request.correlationId();
		if (change.role() != null) {
			handle(new SetMemberRoleCommand(this.organizationId, user, change.role(), actor, correlationId, null));
		}
		for (WorkspaceId workspace : change.removeWorkspaces()) {
			handle(new RemoveFromWorkspaceCommand(this.organizationId, workspace, user, actor, correlationId, null));
		}
		for (WorkspaceId workspace : change.addWorkspaces()) {
			handle(new AssignToWorkspaceCommand(this.organizationId, workspace, user, actor, correlationId, null));
		}
		for (ProjectId project : change.removeProjects()) {
			handle(new RemoveProjectMemberCommand(this.organizationId, project, user, actor, correlationId, null));
		}
		for (ChangeMembershipsInBulkCommand.ProjectMembership project : change.addProjects()) {
			handle(new AddProjectMemberCommand(this.organizationId, project.projectId(), user, project.projectRole(),
					null, actor, correlationId, null));
		}
		// An item that changes nothing still names someone: 404 if they are no member.
		requireMember(user);
	}

	/** An item the adapter refused keeps its refusal; any other is decided now. */
	private <C> BulkOutcome decided(BulkItem<C> item, Consumer<C> decision) {
		if (item.refusedAtDoor() != null) {
			return BulkOutcome.refused(item.refusedAtDoor());
		}
		try {
			decision.accept(item.command());
			return BulkOutcome.accepted(currentVersion(), null);
		}
		catch (CommandRefusedException refused) {
			return BulkOutcome.refused(refused);
		}
	}

	/**
	 * Decides the parts of one bulk item without applying them: their events go to
	 * {@link #trial} and only to this instance's event sourcing handlers, so each part is
	 * decided against the state the parts before it left. Then the member is restored
	 * (every event a membership change records is about that member alone), and only if
	 * no part was refused are the events applied for real, the same objects in the same
	 * order, so the item is stored whole or not at all. Axon cannot take back an applied
	 * event short of rolling the whole unit of work back, which would undo the other
	 * items too.
	 */
	private BulkOutcome tried(UserId member, Runnable parts) {
		Member before = this.members.get(member);
		List<Object> events = new ArrayList<>();
		this.trial = events;
		try {
			parts.run();
		}
		catch (CommandRefusedException refused) {
			return BulkOutcome.refused(refused);
		}
		finally {
			this.trial = null;
			if (before != null) {
				this.members.update(member, (tried) -> before);
			}
		}
		events.forEach(AggregateLifecycle::apply);
		return BulkOutcome.accepted(currentVersion(), this.members.get(member).role());
	}

	/**
	 * With {@code atomic}, one refused item refuses the whole request: throwing rolls
	 * Axon's unit of work back, so none of the events applied for the accepted items is
	 * stored (and the cached organization is dropped).
	 */
	private static BulkResult concluded(boolean atomic, List<BulkOutcome> outcomes) {
		if (atomic && outcomes.stream().anyMatch((outcome) -> !outcome.accepted())) {
			throw new BulkRefusedException(outcomes);
		}
		return new BulkResult(outcomes, currentVersion());
	}

	/**
	 * Applies an event, or during a bulk item's trial only notes it and brings this
	 * instance's state along (see {@link #tried}).
	 */
	private void emit(Object event) {
		if (this.trial == null) {
			apply(event);
			return;
		}
		this.trial.add(event);
		Model.ORGANIZATION.publish(GenericEventMessage.asEventMessage(event), this);
	}

	/** Axon's model of this aggregate, built when a trial first needs it. */
	private static final class Model {

		static final AggregateModel<Organization> ORGANIZATION = AnnotatedAggregateMetaModelFactory
			.inspectAggregate(Organization.class);

	}

	/**
	 * A project role other than Inherit only for an Annotator or Reviewer, and only
	 * {@code AN} or {@code RE}: what the role would confer otherwise is undefined.
	 */
	private static void requireProjectRoleApplies(Member member, Role projectRole) {
		if (projectRole == null) {
			return;
		}
		if (!ProjectAccess.isProjectRole(projectRole)) {
			throw new CommandRefusedException(Refusal.PROJECT_ROLE_NOT_APPLICABLE,
					"A project role is AN, RE or null (Inherit), not " + projectRole.code() + ".");
		}
		if (!ProjectAccess.projectRoleApplies(member.role())) {
			throw new CommandRefusedException(Refusal.PROJECT_ROLE_NOT_APPLICABLE, "Member " + member.userId() + " is "
					+ member.role().label() + "; only Annotators and Reviewers are given a project role.");
		}
	}

	private static String projectRoleName(Role projectRole) {
		return (projectRole != null) ? projectRole.code() : "Inherit";
	}

	private void activate(Member member, Role role, String reason, OrganizationCommand command) {
		requireAssignable(role);
		requireNotOwner(member);
		if (member.role() == role) {
			return;
		}
		emit(new MemberActivated(this.organizationId, member.userId(), member.role(), role, reason,
				command.actorUserId(), now(), command.correlationId()));
	}

	private void changeRole(Member member, Role role, String reason, OrganizationCommand command) {
		requireAssignable(role);
		requireNotOwner(member);
		if (member.role() == role) {
			return;
		}
		emit(new MemberRoleChanged(this.organizationId, member.userId(), member.role(), role, reason,
				command.actorUserId(), now(), command.correlationId()));
	}

	private void deactivate(Member member, String reason, OrganizationCommand command) {
		requireNotOwner(member);
		if (member.role() == Role.DEACTIVATED) {
			return;
		}
		emit(new MemberDeactivated(this.organizationId, member.userId(), member.role(), reason, command.actorUserId(),
				now(), command.correlationId()));
	}

	/**
	 * The member a change of their membership (role, status, removal) is about, once the
	 * actor is found to be one who may assign roles and may change this member.
	 */
	private Member memberToChange(OrganizationCommand command, UserId userId) {
		Actor actor = checkVersionAndActor(command);
		actor.mayDo(Action.ASSIGN_USER_ROLES, null);
		Member member = requireMember(userId);
		actor.mayChange(member);
		return member;
	}

	/**
	 * Ownership moves only by transfer, so the Owner's own role is fixed, even for the
	 * Owner.
	 */
	private static void requireNotOwner(Member member) {
		if (member.role() == Role.OWNER) {
			throw new CommandRefusedException(Refusal.OWNER_ROLE_IMMUTABLE);
		}
	}

	private static void requireNotOwnerRole(Role role) {
		if (role == Role.OWNER) {
			throw new CommandRefusedException(Refusal.OWNERSHIP_TRANSFER_REQUIRED);
		}
	}

	private static void requireAssignable(Role role) {
		requireNotOwnerRole(role);
		if (!role.isAssignable()) {
			throw new CommandRefusedException(Refusal.ROLE_NOT_ASSIGNABLE,
					role.code() + " (" + role.label() + ") cannot be given as a role.");
		}
	}

	/**
	 * Membership is checked first, and refused exactly as an organization that does not
	 * exist (same detail too): a non-member learns neither that it exists nor its
	 * version.
	 */
	private Actor checkVersionAndActor(OrganizationCommand command) {
		Member member = this.members.get(command.actorUserId());
		if (member == null) {
			throw new CommandRefusedException(Refusal.ORGANIZATION_NOT_FOUND);
		}
		checkVersion(command);
		if (!member.role().isActive()) {
			throw new CommandRefusedException(Refusal.ACTOR_NOT_ACTIVE,
					"User " + member.userId() + " is " + member.role().label() + " in this organization.");
		}
		return new Actor(member);
	}

	private void checkVersion(OrganizationCommand command) {
		if (command.expectedVersion() != null && command.expectedVersion() != currentVersion()) {
			throw new CommandRefusedException(Refusal.VERSION_MISMATCH, "Expected version " + command.expectedVersion()
					+ " but the organization is at version " + currentVersion() + ".");
		}
	}

	private Member requireMember(UserId userId) {
		Member member = this.members.get(userId);
		if (member == null) {
			throw new CommandRefusedException(Refusal.MEMBER_NOT_FOUND, "User " + userId + " is not a member.");
		}
		return member;
	}

	private void requireWorkspace(WorkspaceId workspaceId) {
		if (!this.workspaces.contains(workspaceId)) {
			throw new CommandRefusedException(Refusal.WORKSPACE_NOT_FOUND, "No workspace " + workspaceId + ".");
		}
	}

	/** A registered project that was not removed; anything else reads as unknown. */
	private Project requireProject(ProjectId projectId) {
		Project project = this.projects.get(projectId);
		if (project == null || project.removed()) {
			throw new CommandRefusedException(Refusal.PROJECT_NOT_FOUND, "No project " + projectId + ".");
		}
		return project;
	}

	private Member requireProjectMember(Project project, UserId userId) {
		Member member = requireMember(userId);
		if (!member.isInProject(project.projectId())) {
			throw new CommandRefusedException(Refusal.PROJECT_MEMBER_NOT_FOUND,
					"User " + userId + " is not in project " + project.projectId() + ".");
		}
		return member;
	}

	private Invitation requireInvitation(InvitationId invitationId) {
		Invitation invitation = this.invitations.get(invitationId);
		if (invitation == null) {
			throw new CommandRefusedException(Refusal.INVITATION_NOT_FOUND);
		}
		return invitation;
	}

	/**
	 * The organization's version: Axon's sequence number of the latest event, counted
	 * from 1 as API.md has it. It includes events applied by the command being handled.
	 */
	private static long currentVersion() {
		Long lastSequenceNumber = AggregateLifecycle.getVersion();
		return (lastSequenceNumber != null) ? lastSequenceNumber + 1 : 0;
	}

	private static Instant now() {
		return GenericEventMessage.clock.instant();
	}

	/** The authenticated member a command is decided for. */
	private final class Actor {

		private final Member member;

		Actor(Member member) {
			this.member = member;
		}

		Member member() {
			return this.member;
		}

		void mayDo(Action action, WorkspaceId workspace) {
			AccessDecision decision = PermissionMatrix.decide(this.member.role(), this.member.workspaces(), action,
					workspace);
			if (!decision.allowed()) {
				throw new CommandRefusedException(Refusal.ACTION_NOT_PERMITTED,
						this.member.role().label() + " may not " + action.id()
								+ ((workspace != null) ? " in workspace " + workspace : "") + " ("
								+ decision.reason().code() + ").");
			}
		}

		/**
		 * Administrators and the Owner manage every project's members; a Manager those of
		 * the projects they have access to (their workspaces' and the ones they were
		 * invited to). The role the actor acts as in the project must grant
		 * {@code project_manage}, so a project role never lets an Annotator or Reviewer
		 * manage.
		 */
		void mayManageMembersOf(Project project) {
			boolean may = ProjectAccess
				.of(this.member.role(), this.member.workspaces(), this.member.projects(), project.projectId(),
						project.workspaceId())
				.filter((grant) -> PermissionMatrix.grants(grant.effectiveRole(), Action.PROJECT_MANAGE))
				.isPresent();
			if (!may) {
				throw new CommandRefusedException(Refusal.ACTION_NOT_PERMITTED, this.member.role().label()
						+ " may not manage the members of project " + project.projectId() + ".");
			}
		}

		/**
		 * Nobody changes the Owner's membership but the Owner, and the Owner cannot
		 * demote or deactivate themself: ownership moves only by transfer.
		 */
		void mayChange(Member target) {
			if (target.role() != Role.OWNER) {
				return;
			}
			if (this.member.role() != Role.OWNER) {
				throw new CommandRefusedException(Refusal.OWNER_PROTECTED);
			}
		}

	}

	@EventSourcingHandler
	void on(OrganizationCreated event) {
		this.organizationId = event.organizationId();
		this.ownerUserId = event.ownerUserId();
		this.inviteLinkId = event.inviteLinkId();
		this.members.add(new Member(event.ownerUserId(), event.ownerEmail(), Role.OWNER, Set.of()));
	}

	@EventSourcingHandler
	void on(UserInvited event) {
		this.invitations.put(event.invitationId(), new Invitation(event.invitationId(), event.email(), event.role(),
				event.workspaces(), event.projects(), event.expiresAt(), Status.PENDING));
	}

	@EventSourcingHandler
	void on(InvitationRevoked event) {
		this.invitations.computeIfPresent(event.invitationId(),
				(id, invitation) -> invitation.withStatus(Status.REVOKED));
	}

	@EventSourcingHandler
	void on(InviteLinkReset event) {
		this.inviteLinkId = event.inviteLinkId();
	}

	/**
	 * A user whose address this organization erased joins again without one: the event
	 * store records no address for an erased user (the erasure is final for the user id),
	 * so a state rebuilt from the events has none either.
	 */
	@EventSourcingHandler
	void on(MemberJoined event) {
		String email = this.erasedUsers.contains(event.userId()) ? null : event.email();
		this.members.add(new Member(event.userId(), email, event.role(), event.workspaces()));
		if (event.invitationId() != null) {
			this.invitations.computeIfPresent(event.invitationId(),
					(id, invitation) -> invitation.withStatus(Status.ACCEPTED));
		}
	}

	@EventSourcingHandler
	void on(MemberActivated event) {
		this.members.update(event.userId(), (member) -> member.withRole(event.toRole()));
	}

	@EventSourcingHandler
	void on(MemberRoleChanged event) {
		this.members.update(event.userId(), (member) -> member.withRole(event.toRole()));
	}

	@EventSourcingHandler
	void on(MemberDeactivated event) {
		this.members.update(event.userId(), (member) -> member.withRole(Role.DEACTIVATED));
	}

	@EventSourcingHandler
	void on(OwnershipTransferred event) {
		this.ownerUserId = event.newOwnerUserId();
		this.members.update(event.previousOwnerUserId(), (member) -> member.withRole(Role.ADMINISTRATOR));
		this.members.update(event.newOwnerUserId(), (member) -> member.withRole(Role.OWNER));
	}

	@EventSourcingHandler
	void on(WorkspaceCreated event) {
		this.workspaces.add(event.workspaceId());
	}

	@EventSourcingHandler
	void on(MemberAssignedToWorkspace event) {
		this.members.update(event.userId(), (member) -> member.withWorkspace(event.workspaceId()));
	}

	@EventSourcingHandler
	void on(MemberRemovedFromWorkspace event) {
		this.members.update(event.userId(), (member) -> member.withoutWorkspace(event.workspaceId()));
	}

	@EventSourcingHandler
	void on(ProjectRegistered event) {
		this.projects.put(event.projectId(), new Project(event.projectId(), event.workspaceId(), event.title(),
				event.annotatorsViewOwnData(), false));
	}

	@EventSourcingHandler
	void on(ProjectUpdated event) {
		this.projects.put(event.projectId(), new Project(event.projectId(), event.workspaceId(), event.title(),
				event.annotatorsViewOwnData(), false));
	}

	@EventSourcingHandler
	void on(ProjectRemoved event) {
		this.projects.computeIfPresent(event.projectId(), (id, project) -> new Project(id, project.workspaceId(),
				project.title(), project.annotatorsViewOwnData(), true));
		List<UserId> projectMembers = new ArrayList<>();
		this.members.all().forEach((member) -> {
			if (member.isInProject(event.projectId())) {
				projectMembers.add(member.userId());
			}
		});
		projectMembers
			.forEach((user) -> this.members.update(user, (member) -> member.withoutProject(event.projectId())));
	}

	@EventSourcingHandler
	void on(MemberAddedToProject event) {
		this.members.update(event.userId(), (member) -> member.withProject(event.projectId(), event.projectRole()));
	}

	@EventSourcingHandler
	void on(ProjectRoleChanged event) {
		this.members.update(event.userId(), (member) -> member.withProject(event.projectId(), event.toRole()));
	}

	@EventSourcingHandler
	void on(MemberRemovedFromProject event) {
		this.members.update(event.userId(), (member) -> member.withoutProject(event.projectId()));
	}

	/**
	 * Their workspaces and projects go with them; their accepted invitation stays
	 * accepted, and a new one is needed to come back.
	 */
	@EventSourcingHandler
	void on(MemberRemoved event) {
		this.members.remove(event.userId());
	}

	/**
	 * The address is forgotten from the state too, so that no later snapshot holds it;
	 * the invitations stay, with their status, without an address.
	 */
	@EventSourcingHandler
	void on(PersonalDataErased event) {
		this.members.forgetEmail(event.userId());
		event.invitationIds()
			.forEach((id) -> this.invitations.computeIfPresent(id, (key, invitation) -> invitation.withoutEmail()));
		this.erasedUsers.add(event.userId());
	}

}
