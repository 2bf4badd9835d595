package io.membership.query.projection;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.node.ObjectNode;

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
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.UserId;
import io.membership.query.read.Timestamps;

/**
 * The e-mail addresses the query side knows ({@code qs_personal_data}), keyed as
 * {@code membership.personal-data.v1} keys them: {@code user:{user_id}} and
 * {@code invitation:{invitation_id}}. The events carry no address (older records that do
 * are read without it), so this table is the only place a view's answer takes one from;
 * the views themselves keep none.
 *
 * <p>
 * Three things change a key: a record of the topic with an address, a tombstone of the
 * topic, and {@link PersonalDataErased} on the events topic, which usually comes first
 * (the publisher sends the tombstones once the events are acknowledged). Erasure wins
 * over every address published before it, whichever arrives first, so an address read
 * late from the topic never comes back after its erasure; an address published after it
 * (the person joined again and their identity provider vouched for an address) is shown
 * again. Each change is idempotent, so a record or event applied twice changes nothing,
 * and the outcome is the same in whatever order the two topics are read, which keeps a
 * rebuild equal to the live table.
 */
public class PersonalDataProjection {

	private static final List<String> ADDRESS_MEMBERS = List.of("email", "owner_email");

	private final JdbcClient jdbc;

	public PersonalDataProjection(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** The key of a user's address, as the topic names it. */
	public static String userKey(UserId user) {
		return "user:" + user.value();
	}

	/** The key of the address an invitation was sent to, as the topic names it. */
	public static String invitationKey(InvitationId invitation) {
		return "invitation:" + invitation.value();
	}

	/**
	 * The key of the address an event refers to (the person it makes a member, the
	 * invitation it sends or revokes), if any. The publisher has the address on the
	 * personal-data topic before it sends the first event that refers to it.
	 */
	public static Optional<String> keyOf(MembershipEvent event) {
		return event.accept(AddressKeys.KEYS);
	}

	/**
	 * The event's body without the members that held an address in its first revision
	 * ({@code email}; {@code owner_email} of {@link OrganizationCreated}): how the query
	 * side reads a revision-1 record, and how its activity log keeps a body.
	 */
	public static ObjectNode withoutAddress(ObjectNode body) {
		body.remove(ADDRESS_MEMBERS);
		return body;
	}

	/** Whether the key names an address the topic can carry. */
	public static boolean isKey(String key) {
		return key != null && key.length() <= 80
				&& (key.matches("user:[1-9][0-9]{0,18}") || key.matches("invitation:[A-Za-z0-9_-]{1,64}"));
	}

	/** The keys this table has never heard of: neither an address nor an erasure. */
	public Set<String> unknown(Collection<String> keys) {
		if (keys.isEmpty()) {
			return Set.of();
		}
		Set<String> unknown = new HashSet<>(keys);
		unknown.removeAll(this.jdbc.sql("SELECT data_key FROM qs_personal_data WHERE data_key IN (:keys)")
			.param("keys", List.copyOf(keys))
			.query(String.class)
			.list());
		return unknown;
	}

	/**
	 * A record of the topic gave the key this address, published at that instant: it is
	 * the key's address now, unless the key was erased at or after that instant, or holds
	 * an address published later (so the outcome does not depend on which records were
	 * read when). An address published after an erasure (the person joined again) starts
	 * afresh: the erasure before it is no longer the key's, and a later one is judged on
	 * its own.
	 */
	public void published(String key, String email, Instant publishedAt) {
		OffsetDateTime at = Timestamps.utc(publishedAt);
		Optional<Stored> stored = stored(key);
		if (stored.isEmpty()) {
			this.jdbc
				.sql("INSERT INTO qs_personal_data (data_key, email, erased, published_at, erased_at) "
						+ "VALUES (?, ?, FALSE, ?, NULL)")
				.params(key, email, at)
				.update();
			return;
		}
		OffsetDateTime erasedAt = stored.get().erasedAt();
		OffsetDateTime heldSince = stored.get().publishedAt();
		if ((erasedAt != null && !at.isAfter(erasedAt)) || (heldSince != null && heldSince.isAfter(at))) {
			return;
		}
		this.jdbc
			.sql("UPDATE qs_personal_data SET email = ?, erased = FALSE, published_at = ?, erased_at = NULL "
					+ "WHERE data_key = ?")
			.params(email, at, key)
			.update();
	}

	/**
	 * A tombstone of the topic, written at that instant: the key's address is forgotten,
	 * whatever it was. Records of one key are read in the order the topic has them, so
	 * whatever this key held was published before the tombstone, whatever the clocks of
	 * the instances that stamped them said.
	 */
	public void tombstone(String key, Instant writtenAt) {
		erase(key, Timestamps.utc(writtenAt), true);
	}

	/**
	 * {@link PersonalDataErased} erased the key's address at that instant: forgotten,
	 * unless the address it holds was published after the erasure (the person joined
	 * again; the erasure concerns an address the key no longer holds). The two topics
	 * have no order between them, so this compares the instants; the tombstone that
	 * follows the event settles it by the topic's order anyway.
	 */
	public void erased(String key, Instant erasedAt) {
		erase(key, Timestamps.utc(erasedAt), false);
	}

	/**
	 * The key keeps the earliest erasure known of the address it held, so that the event
	 * and its tombstone, in either order, leave the same row.
	 */
	private void erase(String key, OffsetDateTime at, boolean inTheTopicsOrder) {
		Optional<Stored> stored = stored(key);
		if (stored.isEmpty()) {
			this.jdbc
				.sql("INSERT INTO qs_personal_data (data_key, email, erased, published_at, erased_at) "
						+ "VALUES (?, NULL, TRUE, NULL, ?)")
				.params(key, at)
				.update();
			return;
		}
		OffsetDateTime publishedAt = stored.get().publishedAt();
		if (!inTheTopicsOrder && publishedAt != null && publishedAt.isAfter(at)) {
			return;
		}
		OffsetDateTime earliest = (stored.get().erasedAt() != null && stored.get().erasedAt().isBefore(at))
				? stored.get().erasedAt() : at;
		this.jdbc
			.sql("UPDATE qs_personal_data SET email = NULL, erased = TRUE, published_at = NULL, erased_at = ? "
					+ "WHERE data_key = ?")
			.params(earliest, key)
			.update();
	}

	/** The person's address and those of the listed invitations are erased. */
	void erased(PersonalDataErased erased) {
		erased(userKey(erased.userId()), erased.occurredAt());
		for (InvitationId invitation : erased.invitationIds()) {
			erased(invitationKey(invitation), erased.occurredAt());
		}
	}

	private Optional<Stored> stored(String key) {
		return this.jdbc.sql("SELECT published_at, erased_at FROM qs_personal_data WHERE data_key = ?")
			.param(key)
			.query((row, number) -> new Stored(row.getObject(1, OffsetDateTime.class),
					row.getObject(2, OffsetDateTime.class)))
			.optional();
	}

	private record Stored(OffsetDateTime publishedAt, OffsetDateTime erasedAt) {
	}

	/**
	 * The key of the address each event type refers to; a visitor, so that a new event
	 * type does not compile until it says whether it refers to one.
	 */
	private static final class AddressKeys implements MembershipEventVisitor<Optional<String>> {

		private static final AddressKeys KEYS = new AddressKeys();

		@Override
		public Optional<String> on(OrganizationCreated event) {
			return Optional.of(userKey(event.ownerUserId()));
		}

		@Override
		public Optional<String> on(UserInvited event) {
			return Optional.of(invitationKey(event.invitationId()));
		}

		@Override
		public Optional<String> on(InvitationRevoked event) {
			return Optional.of(invitationKey(event.invitationId()));
		}

		@Override
		public Optional<String> on(InviteLinkReset event) {
			return Optional.empty();
		}

		@Override
		public Optional<String> on(MemberJoined event) {
			return Optional.of(userKey(event.userId()));
		}

		@Override
		public Optional<String> on(MemberActivated event) {
			return Optional.empty();
		}

		@Override
		public Optional<String> on(MemberRoleChanged event) {
			return Optional.empty();
		}

		@Override
		public Optional<String> on(MemberDeactivated event) {
			return Optional.empty();
		}

		@Override
		public Optional<String> on(OwnershipTransferred event) {
			return Optional.empty();
		}

		@Override
		public Optional<String> on(WorkspaceCreated event) {
			return Optional.empty();
		}

		@Override
		public Optional<String> on(MemberAssignedToWorkspace event) {
			return Optional.empty();
		}

		@Override
		public Optional<String> on(MemberRemovedFromWorkspace event) {
			return Optional.empty();
		}

		@Override
		public Optional<String> on(ProjectRegistered event) {
			return Optional.empty();
		}

		@Override
		public Optional<String> on(ProjectUpdated event) {
			return Optional.empty();
		}

		@Override
		public Optional<String> on(ProjectRemoved event) {
			return Optional.empty();
		}

		@Override
		public Optional<String> on(MemberAddedToProject event) {
			return Optional.empty();
		}

		@Override
		public Optional<String> on(ProjectRoleChanged event) {
			return Optional.empty();
		}

		@Override
		public Optional<String> on(MemberRemovedFromProject event) {
			return Optional.empty();
		}

		@Override
		public Optional<String> on(MemberRemoved event) {
			return Optional.empty();
		}

		// It names the keys it erases, which need no address first.
		@Override
		public Optional<String> on(PersonalDataErased event) {
			return Optional.empty();
		}

	}

}
