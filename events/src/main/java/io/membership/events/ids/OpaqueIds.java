package io.membership.events.ids;

import java.util.UUID;

/** Shared rules of the string ids this service generates. */
final class OpaqueIds {

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

}
