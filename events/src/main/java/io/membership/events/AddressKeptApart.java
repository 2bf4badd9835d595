package io.membership.events;

import java.util.Map;

import io.membership.events.ids.InvitationId;
import io.membership.events.ids.UserId;

/**
 * An event that refers to an e-mail address kept apart from it (the Forgettable Payloads
 * pattern): the address is a component of the record, for the command side that decides
 * with it, but never part of the event's JSON. The event store keeps it in its personal
 * data under {@link #personalDataKey()} and puts it back when the event is read, until it
 * is erased; Kafka subscribers find it under the same key on
 * {@code membership.personal-data.v1}.
 */
public interface AddressKeptApart {

	/** {@code user:<user_id>} or {@code invitation:<invitation_id>}. */
	String personalDataKey();

	/** The address, or null when erased, unknown or read from Kafka. */
	String email();

	/** The same event with the given address (null: without one). */
	MembershipEvent withEmail(String email);

	/**
	 * Whether the event can be the first to refer to its key (a creation, an invitation,
	 * a join), so that a publisher sends the address before it; a revocation refers to
	 * its invitation's key, already published.
	 */
	default boolean introducesKey() {
		return true;
	}

	/**
	 * The member of each event's revision-1 JSON that held the address, which revision 2
	 * dropped: what upcasters and the one-time migration of stored events remove.
	 */
	Map<Class<? extends MembershipEvent>, String> REVISION_1_ADDRESS_MEMBERS = Map.of(OrganizationCreated.class,
			"owner_email", UserInvited.class, "email", MemberJoined.class, "email", InvitationRevoked.class, "email");

	/** The key of a user's address. */
	static String userKey(UserId user) {
		return "user:" + user;
	}

	/** The key of the address an invitation was sent to. */
	static String invitationKey(InvitationId invitation) {
		return "invitation:" + invitation.value();
	}

}
