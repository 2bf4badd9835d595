package io.membership.events;

import java.time.Instant;
import java.util.Optional;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * Every event an organization records. Each one says which organization, who decided it
 * ({@code actorUserId}, always the authenticated caller), when, and under which request
 * ({@code correlationId}), so an auditor can answer "who could do what, when, and who
 * decided so" from the events alone.
 */
public sealed interface MembershipEvent permits OrganizationCreated, UserInvited, InvitationRevoked, InviteLinkReset,
		MemberJoined, MemberActivated, MemberRoleChanged, MemberDeactivated, OwnershipTransferred, WorkspaceCreated,
		MemberAssignedToWorkspace, MemberRemovedFromWorkspace, ProjectRegistered, ProjectUpdated, ProjectRemoved,
		MemberAddedToProject, ProjectRoleChanged, MemberRemovedFromProject, MemberRemoved, PersonalDataErased {

	OrganizationId organizationId();

	/**
	 * The user who decided it; null only for a {@link PersonalDataErased} a service
	 * principal asked for, which has no user id.
	 */
	UserId actorUserId();

	Instant occurredAt();

	String correlationId();

	/**
	 * The member the event is about, where there is one (CloudEvents {@code subject}).
	 */
	default Optional<UserId> subject() {
		return Optional.empty();
	}

	/** The workspace the event is about, where there is one. */
	default Optional<WorkspaceId> workspace() {
		return Optional.empty();
	}

	/** The project the event is about, where there is one. */
	default Optional<ProjectId> project() {
		return Optional.empty();
	}

	/** The reason the actor gave, for the events that take one. */
	default Optional<String> givenReason() {
		return Optional.empty();
	}

	/** Calls the visitor's method for this event's type. */
	<R> R accept(MembershipEventVisitor<R> visitor);

	/** The event's type name as published, e.g. {@code MemberRoleChanged}. */
	default String typeName() {
		return getClass().getSimpleName();
	}

	/**
	 * The event class of a published type name (as in {@link #typeName()}, or a
	 * {@code membership.<Name>.v<revision>} CloudEvents type of any revision), or empty
	 * for a type this version does not know.
	 */
	static Optional<Class<? extends MembershipEvent>> typeNamed(String name) {
		String simpleName = name.matches("membership\\.[A-Za-z]+\\.v[0-9]{1,9}")
				? name.substring("membership.".length(), name.lastIndexOf(".v")) : name;
		for (Class<?> type : MembershipEvent.class.getPermittedSubclasses()) {
			if (type.getSimpleName().equals(simpleName)) {
				return Optional.of(type.asSubclass(MembershipEvent.class));
			}
		}
		return Optional.empty();
	}

}
