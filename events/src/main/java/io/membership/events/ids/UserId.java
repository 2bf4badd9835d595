package io.membership.events.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A user as the upstream identity system knows them: a positive integer, as in Label
 * Studio. This service never allocates user ids.
 */
public record UserId(@JsonValue long value) {

	@JsonCreator
	public UserId {
		if (value <= 0) {
			throw new IllegalArgumentException("user id must be a positive integer, was " + value);
		}
	}

	public static UserId of(long value) {
		return new UserId(value);
	}

	/**
	 * Parses the decimal form, as in a URL path, a token's {@code sub} or a JSON object
	 * key: ASCII digits only, as {@link #toString()} writes them. A sign, leading zeros
	 * or the digits of other scripts, which {@link Long#parseLong(String)} would take,
	 * are refused, so that one user is never named in two ways.
	 * @throws IllegalArgumentException if the text is not a positive integer
	 */
	public static UserId valueOf(String text) {
		if (!isWellFormed(text)) {
			throw new IllegalArgumentException("user id must be a positive integer");
		}
		return new UserId(Long.parseLong(text));
	}

	/**
	 * Whether {@code text} is a user id as this service writes it: a positive integer in
	 * ASCII digits, without sign or leading zeros, that fits in a {@code long}.
	 */
	public static boolean isWellFormed(String text) {
		if (text == null || text.isEmpty() || text.length() > 19 || text.charAt(0) == '0') {
			return false;
		}
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return text.length() < 19 || text.compareTo(Long.toString(Long.MAX_VALUE)) <= 0;
	}

	@Override
	public String toString() {
		return Long.toString(value);
	}

}
