package io.membership.events.ids;

import java.util.UUID;
import java.util.regex.Pattern;

/** Shared rules of the string ids this service generates. */
final class OpaqueIds {

	/** What {@link #generate(String)} makes after its prefix: a UUID's 32 hex digits. */
	private static final Pattern GENERATED = Pattern.compile("[0-9a-f]{32}");

	private OpaqueIds() {
	}

	static String requireValid(String value, String what) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(what + " must not be blank");
		}
		if (value.length() > 64) {
			throw new IllegalArgumentException(what + " must be at most 64 characters");
		}
		return value;
	}

	/**
	 * A prefix says what kind of id it is in logs and URLs; the UUID makes it
	 * unguessable.
	 */
	static String generate(String prefix) {
		return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
	}

	/**
	 * Whether {@code value} is an id {@link #generate(String)} could have made with this
	 * prefix. Only ids of that shape can name anything a client asks about; the
	 * constructors keep the looser rule of {@link #requireValid(String, String)} so that
	 * every stored event still reads.
	 */
	static boolean isWellFormed(String prefix, String value) {
		return value != null && value.length() == prefix.length() + 33 && value.startsWith(prefix)
				&& value.charAt(prefix.length()) == '_'
				&& GENERATED.matcher(value).region(prefix.length() + 1, value.length()).matches();
	}

}
