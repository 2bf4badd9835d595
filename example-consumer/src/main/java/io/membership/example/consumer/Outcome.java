package io.membership.example.consumer;

import io.membership.events.access.Role;

/**
 * What following one record of {@code membership.events.v1} (or of
 * {@code membership.personal-data.v1}, for an {@link AddressBook}) came to. A record
 * gives no outcome at all when it is an event that changes no role (a workspace was
 * created, an invitation sent, ...): it is counted, nothing more.
 */
public sealed interface Outcome {

	/** One line for a person to read. */
	String describe();

	/**
	 * A member's role changed.
	 *
	 * @param organizationId the organization
	 * @param userId the member
	 * @param from the role before, or null when the member had none (they just joined, or
	 * created the organization)
	 * @param to the role now, or null when the member was removed from the organization
	 * @param version the organization's version the change happened at
	 * ({@code ce_orgversion})
	 * @param actorUserId who decided it
	 * @param eventType the event's type name, e.g. {@code MemberRoleChanged}
	 * @param eventId the event's id ({@code ce_id})
	 */
	record RoleChange(String organizationId, long userId, Role from, Role to, long version, long actorUserId,
			String eventType, String eventId) implements Outcome {

		@Override
		public String describe() {
			return "%s user %d: %s -> %s (v%d, by %d)".formatted(this.organizationId, this.userId,
					(this.from != null) ? this.from.code() : "--", (this.to != null) ? this.to.code() : "--",
					this.version, this.actorUserId);
		}

	}

	/**
	 * An address under a key of {@code membership.personal-data.v1}: the person's (a
	 * {@code user:} key) or an invitation's.
	 *
	 * @param key the topic's key
	 * @param email the address
	 */
	record AddressLearned(String key, String email) implements Outcome {

		@Override
		public String describe() {
			return "%s: %s".formatted(this.key, this.email);
		}

	}

	/**
	 * The address under a key was erased (a tombstone, or {@code PersonalDataErased}):
	 * forgotten, and never shown again. The line says so without the address.
	 *
	 * @param key the topic's key
	 */
	record AddressForgotten(String key) implements Outcome {

		@Override
		public String describe() {
			return "%s: address erased".formatted(this.key);
		}

	}

	/**
	 * A record that was not processed because it was processed before: delivery is at
	 * least once.
	 *
	 * @param organizationId the organization
	 * @param version its {@code ce_orgversion}
	 * @param eventId its {@code ce_id}
	 * @param reason why it counts as seen
	 */
	record Dropped(String organizationId, long version, String eventId, String reason) implements Outcome {

		@Override
		public String describe() {
			return "%s v%d: dropped %s, %s".formatted(this.organizationId, this.version, this.eventId, this.reason);
		}

	}

	/**
	 * Versions of an organization that were never received: the record that arrived is
	 * more than one above the last one seen. The record itself is still processed; the
	 * missing events have to be fetched elsewhere (the audit API, or a rebuild from the
	 * start of the topic), which is not this example's business.
	 *
	 * @param organizationId the organization
	 * @param firstMissing the first version never received
	 * @param lastMissing the last version never received
	 */
	record Gap(String organizationId, long firstMissing, long lastMissing) implements Outcome {

		@Override
		public String describe() {
			String missing = (this.firstMissing == this.lastMissing) ? "v" + this.firstMissing
					: "v" + this.firstMissing + "..v" + this.lastMissing;
			return "%s: GAP, %s never received".formatted(this.organizationId, missing);
		}

	}

	/**
	 * A record that does not follow the contract: a header is missing or malformed, or
	 * the body of a known type does not parse.
	 *
	 * @param topic the record's topic
	 * @param partition its partition
	 * @param offset its offset
	 * @param reason what is wrong with it
	 */
	record Unreadable(String topic, int partition, long offset, String reason) implements Outcome {

		@Override
		public String describe() {
			return "%s-%d@%d: unreadable, %s".formatted(this.topic, this.partition, this.offset, this.reason);
		}

	}

}
