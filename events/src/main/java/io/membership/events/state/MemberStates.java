package io.membership.events.state;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

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
import io.membership.events.MembershipEvent;
import io.membership.events.MembershipEventVisitor;
import io.membership.events.OrganizationCreated;
import io.membership.events.OwnershipTransferred;
import io.membership.events.PersonalDataErased;
import io.membership.events.ProjectRegistered;
import io.membership.events.ProjectRemoved;
import io.membership.events.ProjectRoleChanged;
import io.membership.events.ProjectUpdated;
import io.membership.events.UserInvited;
import io.membership.events.WorkspaceCreated;
import io.membership.events.access.Role;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;

/**
 * How events change members' states, in one place for every reader of the stream (the
 * roles topic, the query side's views, a downstream cache): given an event and a way to
 * look up a member's current state, the new states of the members the event is about.
 */
public final class MemberStates {

	private MemberStates() {
	}

	/**
	 * The changed states, in the order they change; empty for events about no member's
	 * role, workspaces or projects (invitations, workspace creation, the invite link,
	 * registering or changing a project), and for a member's removal, after which they
	 * have no state at all ({@link #removed}).
	 * @param current a member's state before the event; only asked for members the event
	 * names, and for the members of a removed project
	 * @param projectMembers the members of a project before the event; only asked when a
	 * project is removed, which takes it from every member's projects
	 */
	public static List<MemberState> next(MembershipEvent event, Function<UserId, MemberState> current,
			Function<ProjectId, Collection<UserId>> projectMembers) {
		return event.accept(new NextStates(current, projectMembers));
	}

	/**
	 * The member whose membership the event ends (a {@link MemberRemoved}): from then on
	 * they have no state, no role, workspace or project, until they join again. Every
	 * reader drops their state; {@link #next} gives none for them.
	 */
	public static Optional<UserId> removed(MembershipEvent event) {
		// One question about one type, asked by every reader beside next(); a visitor
		// over every event type would say nothing more.
		return (event instanceof MemberRemoved removal) ? Optional.of(removal.userId()) : Optional.empty();
	}

	/**
	 * The members in {@code members} who belong to {@code project}: a way to answer
	 * {@code projectMembers} for readers that hold every member's state.
	 */
	public static List<UserId> membersOf(ProjectId project, Collection<MemberState> members) {
		return members.stream()
			.filter((member) -> member.projects().containsKey(project))
			.map(MemberState::userId)
			.toList();
	}

	private record NextStates(Function<UserId, MemberState> current,
			Function<ProjectId, Collection<UserId>> projectMembers)
			implements
				MembershipEventVisitor<List<MemberState>> {

		@Override
		public List<MemberState> on(OrganizationCreated created) {
			return List.of(new MemberState(created.ownerUserId(), Role.OWNER, Set.of()));
		}

		@Override
		public List<MemberState> on(UserInvited invited) {
			return List.of();
		}

		@Override
		public List<MemberState> on(InvitationRevoked revoked) {
			return List.of();
		}

		@Override
		public List<MemberState> on(InviteLinkReset reset) {
			return List.of();
		}

		@Override
		public List<MemberState> on(MemberJoined joined) {
			return List.of(new MemberState(joined.userId(), joined.role(), joined.workspaces(), Map.of()));
		}

		@Override
		public List<MemberState> on(MemberActivated activated) {
			return List.of(this.current.apply(activated.userId()).withRole(activated.toRole()));
		}

		@Override
		public List<MemberState> on(MemberRoleChanged changed) {
			return List.of(this.current.apply(changed.userId()).withRole(changed.toRole()));
		}

		@Override
		public List<MemberState> on(MemberDeactivated deactivated) {
			return List.of(this.current.apply(deactivated.userId()).withRole(Role.DEACTIVATED));
		}

		@Override
		public List<MemberState> on(OwnershipTransferred transferred) {
			return List.of(this.current.apply(transferred.previousOwnerUserId()).withRole(Role.ADMINISTRATOR),
					this.current.apply(transferred.newOwnerUserId()).withRole(Role.OWNER));
		}

		@Override
		public List<MemberState> on(WorkspaceCreated created) {
			return List.of();
		}

		@Override
		public List<MemberState> on(MemberAssignedToWorkspace assigned) {
			return List.of(this.current.apply(assigned.userId()).withWorkspace(assigned.workspaceId()));
		}

		@Override
		public List<MemberState> on(MemberRemovedFromWorkspace removed) {
			return List.of(this.current.apply(removed.userId()).withoutWorkspace(removed.workspaceId()));
		}

		@Override
		public List<MemberState> on(ProjectRegistered registered) {
			return List.of();
		}

		@Override
		public List<MemberState> on(ProjectUpdated updated) {
			return List.of();
		}

		/** In user id order, so every reader changes (and publishes) them alike. */
		@Override
		public List<MemberState> on(ProjectRemoved removed) {
			return this.projectMembers.apply(removed.projectId())
				.stream()
				.sorted(Comparator.comparingLong(UserId::value))
				.map((user) -> this.current.apply(user).withoutProject(removed.projectId()))
				.toList();
		}

		@Override
		public List<MemberState> on(MemberAddedToProject added) {
			return List.of(this.current.apply(added.userId()).withProject(added.projectId(), added.projectRole()));
		}

		@Override
		public List<MemberState> on(ProjectRoleChanged changed) {
			return List.of(this.current.apply(changed.userId()).withProject(changed.projectId(), changed.toRole()));
		}

		@Override
		public List<MemberState> on(MemberRemovedFromProject removed) {
			return List.of(this.current.apply(removed.userId()).withoutProject(removed.projectId()));
		}

		/** The member has no state after it: see {@link MemberStates#removed}. */
		@Override
		public List<MemberState> on(MemberRemoved removed) {
			return List.of();
		}

		/** A member's state holds no address, so erasing one changes no state. */
		@Override
		public List<MemberState> on(PersonalDataErased erased) {
			return List.of();
		}

	}

}
