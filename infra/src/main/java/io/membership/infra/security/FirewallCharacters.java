package io.membership.infra.security;

/**
 * The characters Spring Security's {@code StrictHttpFirewall} allows by default in header
 * names, header values and parameter names, decided code point by code point instead of
 * by its regular expressions ({@code [\p{IsAssigned}&&[^\p{IsControl}]]*}, and for header
 * values the same with the tab allowed).
 *
 * <p>
 * The rule is unchanged; only its cost is. The firewall checks a header's value every
 * time the application reads it, and the bearer token, a few hundred characters, is read
 * twice a request: each read ran a regular expression over every character.
 * {@code FirewallCharactersTest} holds both predicates to the firewall's own expressions
 * over every code point.
 */
final class FirewallCharacters {

	private FirewallCharacters() {
	}

	/** Every code point assigned in Unicode, none a control character. */
	static boolean assignedAndNotControl(String text) {
		return everyCodePointAllowed(text, false);
	}

	/**
	 * As {@link #assignedAndNotControl}, but a tab is allowed too (RFC 9110 field
	 * values).
	 */
	static boolean headerValue(String text) {
		return everyCodePointAllowed(text, true);
	}

	private static boolean everyCodePointAllowed(String text, boolean tabAllowed) {
		for (int index = 0; index < text.length();) {
			int codePoint = text.codePointAt(index);
			if (!(tabAllowed && codePoint == '\t') && !isAssignedAndNotControl(codePoint)) {
				return false;
			}
			index += Character.charCount(codePoint);
		}
		return true;
	}

	private static boolean isAssignedAndNotControl(int codePoint) {
		// Printable ASCII, nearly every character a request carries, needs no table.
		if (codePoint >= 0x20 && codePoint < 0x7F) {
			return true;
		}
		int type = Character.getType(codePoint);
		return type != Character.UNASSIGNED && type != Character.CONTROL;
	}

}
