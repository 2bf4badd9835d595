package io.membership.events;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

	/**
	 * {@code membership.<Name>.v<n>}, the CloudEvents type of every version of an event.
	 */
	Pattern CLOUD_EVENT_TYPE = Pattern.compile("membership\\.([A-Za-z]+)\\.v[0-9]+");

	OrganizationId organizationId();

	/**
	 * Who decided it; null only for {@link PersonalDataErased} requested by a service
	 * principal, which has no user id.
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

	/** The erasure this event is, if it is one. */
	default Optional<PersonalDataErased> asErasure() {
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
	 * The version of the type's published shape: its {@code @Revision}, and the
	 * {@code v<n>} of its CloudEvents type and schema file.
	 */
	default int publishedVersion() {
		return 1;
	}

	/** The event's CloudEvents type, e.g. {@code membership.MemberJoined.v2}. */
	default String cloudEventType() {
		return "membership." + typeName() + ".v" + publishedVersion();
	}

	/**
	 * The event class of a published type name (as in {@link #typeName()}, or a
	 * {@code membership.<Name>.v<n>} CloudEvents type of any version), or empty for a
	 * type this version does not know.
	 */
	static Optional<Class<? extends MembershipEvent>> typeNamed(String name) {
		Matcher cloudEventType = CLOUD_EVENT_TYPE.matcher(name);
		String simpleName = cloudEventType.matches() ? cloudEventType.group(1) : name;
		for (Class<?> type : MembershipEvent.class.getPermittedSubclasses()) {
			if (type.getSimpleName().equals(simpleName)) {
				return Optional.of(type.asSubclass(MembershipEvent.class));
			}
		}
		return Optional.empty();
	}

}
