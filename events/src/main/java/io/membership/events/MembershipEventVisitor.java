package io.membership.events;

/**
 * One method per event type: the one way to act on an event by its type. Every event's
 * {@link MembershipEvent#accept} calls its own method, and a visitor has no default, so
 * adding an event type fails to compile until every reader of the stream says what the
 * new type means to it (Java 17 has no exhaustive {@code switch} over a sealed interface;
 * this is its stand-in).
 *
 * @param <R> what the visit answers
 */
public interface MembershipEventVisitor<R> {

	R on(OrganizationCreated event);

	R on(UserInvited event);

	R on(InvitationRevoked event);

	R on(InviteLinkReset event);

	R on(MemberJoined event);

	R on(MemberActivated event);

	R on(MemberRoleChanged event);

	R on(MemberDeactivated event);

	R on(OwnershipTransferred event);

	R on(WorkspaceCreated event);

	R on(MemberAssignedToWorkspace event);

	R on(MemberRemovedFromWorkspace event);

	R on(ProjectRegistered event);

	R on(ProjectUpdated event);

	R on(ProjectRemoved event);

	R on(MemberAddedToProject event);

	R on(ProjectRoleChanged event);

	R on(MemberRemovedFromProject event);

	R on(MemberRemoved event);

	R on(PersonalDataErased event);

}
