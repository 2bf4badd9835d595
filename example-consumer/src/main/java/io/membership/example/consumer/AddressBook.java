package io.membership.example.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import io.membership.events.PersonalDataErased;
import io.membership.events.ids.InvitationId;
import io.membership.events.json.MembershipJson;

/**
 * The e-mail addresses a subscriber may keep, as {@code membership.personal-data.v1}
 * gives them: the events no longer carry any (their revision-1 records still do; never
 * take an address from those). Keys are the topic's: {@code user:{user_id}} (the address
 * the person's identity provider vouched for last) and {@code invitation:{invitation_id}}
 * (the address an invitation was sent to).
 *
 * <p>
 * Forgetting is the point: a tombstone (a null value) under a key, or
 * {@link PersonalDataErased} on the events topic before it, removes the address, and
 * nothing this book prints or answers shows it again. An address published after the
 * erasure (the person joined again) is a new address, kept as any other.
 *
 * <p>
 * Ordering: the service has a key's address acknowledged on the personal-data topic
 * before it publishes the event that first refers to it. So when an event refers to a key
 * this book does not know ({@link #refersToUnknownKey}), read the personal-data topic up
 * to its end offsets as of then, and the address is there (or its tombstone).
 *
 * <p>
 * Not thread-safe, like {@link RoleChangeFollower}.
 */
public final class AddressBook {

	/** The compacted topic of the addresses. */
	public static final String PERSONAL_DATA_TOPIC = "membership.personal-data.v1";

	private final Map<String, String> addresses = new HashMap<>();

	/**
	 * The keys whose address was erased, with when: an address published before then,
	 * read late, stays forgotten.
	 */
	private final Map<String, Instant> erased = new HashMap<>();

	/**
	 * Takes one record of {@value #PERSONAL_DATA_TOPIC}.
	 * @return what it came to: an address learned, or one forgotten; an unreadable record
	 * changes nothing
	 */
	public Outcome accept(ConsumerRecord<String, byte[]> record) {
		String key = record.key();
		if (key == null || !(key.startsWith("user:") || key.startsWith("invitation:"))) {
			return new Outcome.Unreadable(record.topic(), record.partition(), record.offset(),
					"its key is no user: or invitation: key");
		}
		if (record.value() == null) {
			return forget(key, publishedAt(record));
		}
		try {
			JsonNode email = MembershipJson.mapper().readTree(record.value()).path("email");
			if (!email.isString()) {
				return new Outcome.Unreadable(record.topic(), record.partition(), record.offset(),
						"its value has no email");
			}
			Instant published = publishedAt(record);
			Instant erasedAt = this.erased.get(key);
			if (erasedAt != null && (published == null || !published.isAfter(erasedAt))) {
				return new Outcome.AddressForgotten(key);
			}
			this.addresses.put(key, email.asString());
			this.erased.remove(key);
			return new Outcome.AddressLearned(key, email.asString());
		}
		catch (JacksonException ex) {
			return new Outcome.Unreadable(record.topic(), record.partition(), record.offset(),
					"its value does not parse");
		}
	}

	/**
	 * The person's address and those of the invitations the event lists are erased: each
	 * is forgotten now, before the tombstones arrive.
	 */
	public List<Outcome> erase(PersonalDataErased event) {
		List<Outcome> forgotten = new ArrayList<>();
		forgotten.add(forget("user:" + event.userId().value(), event.occurredAt()));
		for (InvitationId invitation : event.invitationIds()) {
			forgotten.add(forget("invitation:" + invitation.value(), event.occurredAt()));
		}
		return forgotten;
	}

	/** The address under the key, if it is known and not erased. */
	public Optional<String> address(String key) {
		return Optional.ofNullable(this.addresses.get(key));
	}

	/** Whether the address under the key was erased. */
	public boolean isErased(String key) {
		return this.erased.containsKey(key);
	}

	/**
	 * Whether a record of {@code membership.events.v1} refers to an address this book has
	 * never heard of (neither an address nor its erasure): then read the personal-data
	 * topic up to its end before following the record. Reads the key from the body
	 * ({@code owner_user_id}, {@code invitation_id}, {@code user_id}), of revision 1 or 2
	 * alike.
	 */
	public boolean refersToUnknownKey(ConsumerRecord<String, byte[]> eventRecord) {
		Header type = eventRecord.headers().lastHeader("ce_type");
		if (type == null || type.value() == null || eventRecord.value() == null) {
			return false;
		}
		String name = new String(type.value(), StandardCharsets.UTF_8);
		String member;
		String prefix;
		if (name.startsWith("membership.OrganizationCreated.")) {
			member = "owner_user_id";
			prefix = "user:";
		}
		else if (name.startsWith("membership.MemberJoined.")) {
			member = "user_id";
			prefix = "user:";
		}
		else if (name.startsWith("membership.UserInvited.") || name.startsWith("membership.InvitationRevoked.")) {
			member = "invitation_id";
			prefix = "invitation:";
		}
		else {
			return false;
		}
		try {
			JsonNode id = MembershipJson.mapper().readTree(eventRecord.value()).path(member);
			if (id.isMissingNode() || id.isNull()) {
				return false;
			}
			String key = prefix + id.asString();
			return !this.addresses.containsKey(key) && !this.erased.containsKey(key);
		}
		catch (JacksonException ex) {
			return false;
		}
	}

	private Outcome forget(String key, Instant at) {
		this.addresses.remove(key);
		this.erased.merge(key, (at != null) ? at : Instant.MIN, (before, now) -> before.isBefore(now) ? before : now);
		return new Outcome.AddressForgotten(key);
	}

	/** The record's CloudEvents {@code time}, or null if it has none that parses. */
	private static Instant publishedAt(ConsumerRecord<String, byte[]> record) {
		Header time = record.headers().lastHeader("ce_time");
		try {
			return (time != null && time.value() != null)
					? Instant.parse(new String(time.value(), StandardCharsets.UTF_8)) : null;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
