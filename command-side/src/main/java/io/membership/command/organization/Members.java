package io.membership.command.organization;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.membership.events.ids.UserId;

/**
 * The members of an organization and the index of their e-mail addresses. {@link #add} is
 * the only way in, and it indexes the address, so no member (the Owner neither) is missed
 * when a new address is checked against those taken.
 *
 * <p>
 * Addresses are indexed by their confusable skeleton ({@link EmailAddress}), so a large
 * organization finds a taken address, or a look-alike of one, in O(1). A snapshot holds
 * only the members; the index is built again when it is read, so the rules of comparison
 * (and ICU's data) in force apply to old snapshots too.
 */
final class Members {

	private final Map<UserId, Member> byId = new HashMap<>();

	private final Map<String, UserId> idsByEmailSkeleton = new HashMap<>();

	Members() {
	}

	@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
	Members(List<Member> members) {
		members.forEach(this::add);
	}

	/** The members in user id order: what a snapshot holds. */
	@JsonValue
	List<Member> list() {
		List<Member> members = new ArrayList<>(this.byId.values());
		members.sort(Comparator.comparing((Member member) -> member.userId().value()));
		return members;
	}

	void add(Member member) {
		this.byId.put(member.userId(), member);
		if (member.email() != null) {
			this.idsByEmailSkeleton.put(EmailAddress.of(member.email()).skeleton(), member.userId());
		}
	}

	/** The member, or null. */
	Member get(UserId userId) {
		return this.byId.get(userId);
	}

	boolean contains(UserId userId) {
		return this.byId.containsKey(userId);
	}

	/** The member whose address is {@code email} or looks like it, or null. */
	Member withEmailLike(String email) {
		if (email == null) {
			return null;
		}
		UserId userId = this.idsByEmailSkeleton.get(EmailAddress.of(email).skeleton());
		return (userId != null) ? this.byId.get(userId) : null;
	}

	/** Every member, in no particular order. */
	Iterable<Member> all() {
		return this.byId.values();
	}

	/**
	 * Takes a member out, and their address out of the index: the address is free to be
	 * invited again.
	 */
	void remove(UserId userId) {
		Member member = this.byId.remove(userId);
		if (member != null && member.email() != null) {
			this.idsByEmailSkeleton.remove(EmailAddress.of(member.email()).skeleton(), userId);
		}
	}

	/**
	 * Replaces a member with what {@code change} makes of them (their role, their
	 * workspaces); who they are and their address stay, so the index stays right.
	 */
	void update(UserId userId, UnaryOperator<Member> change) {
		this.byId.computeIfPresent(userId, (id, member) -> {
			Member changed = change.apply(member);
			if (!changed.userId().equals(member.userId()) || !Objects.equals(changed.email(), member.email())) {
				throw new IllegalArgumentException("A member's user id and e-mail never change");
			}
			return changed;
		});
	}

	/** The member stays, without an address: it was erased. */
	void forgetEmail(UserId userId) {
		Member member = this.byId.get(userId);
		if (member != null && member.email() != null) {
			this.idsByEmailSkeleton.remove(EmailAddress.of(member.email()).skeleton(), userId);
			this.byId.put(userId, member.withoutEmail());
		}
	}

}
