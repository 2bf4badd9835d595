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
	 * key.
	 * @throws IllegalArgumentException if the text is not a positive integer
	 */
	public static UserId valueOf(String text) {
		try {
			return new UserId(Long.parseLong(text));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("user id must be a positive integer, was '" + text + "'");
		}
	}

	@Override
	public String toString() {
		return Long.toString(value);
	}

}
