package io.membership.events.text;

import java.util.Optional;

/**
 * What a string taken from a client may contain, one definition for every door (request
 * bodies, query parameters, token claims): any Unicode text, every plane, right-to-left
 * scripts, emoji and combining marks, except
 * <ul>
 * <li>an unpaired UTF-16 surrogate, which is half of a character: it cannot be encoded in
 * UTF-8, so it would be stored, hashed and published as something else;</li>
 * <li>a control character: C0 (U+0000 to U+001F, NUL included), DEL (U+007F) and C1
 * (U+0080 to U+009F). TAB, LF and CR are allowed in {@link Kind#FREE_TEXT free text} (a
 * reason), and nowhere else;</li>
 * <li>a bidirectional override, embedding or isolate (U+202A to U+202E, U+2066 to
 * U+2069), which makes text display in another order than it is stored. The marks that
 * right-to-left text needs (U+200E, U+200F, U+061C) are allowed.</li>
 * </ul>
 * The same characters are what {@link #escape(CharSequence)} writes visibly, for logs and
 * terminals.
 */
public final class TextRules {

	/** Where a string stands, which decides whether line breaks and tabs belong in it. */
	public enum Kind {

		/** Names, titles, e-mail addresses, ids, query parameters: one line. */
		LINE,

		/** A free-text reason: TAB, LF and CR are allowed. */
		FREE_TEXT

	}

	/** Why a string is refused, in words a client can act on. */
	public enum Violation {

		UNPAIRED_SURROGATE("contains an unpaired UTF-16 surrogate (half of a character)"),

		CONTROL_CHARACTER("contains a control character"),

		BIDI_CONTROL("contains a bidirectional override, embedding or isolate character");

		private final String phrase;

		Violation(String phrase) {
			this.phrase = phrase;
		}

		/** The rule broken, e.g. {@code "contains a control character"}. */
		public String phrase() {
			return this.phrase;
		}

		/**
		 * A sentence naming what broke the rule:
		 * {@code "name contains a control character."}.
		 */
		public String describe(String what) {
			return what + " " + this.phrase + ".";
		}

	}

	private TextRules() {
	}

	/** The first rule {@code text} breaks, if any; null breaks none. */
	public static Optional<Violation> violation(CharSequence text, Kind kind) {
		if (text == null) {
			return Optional.empty();
		}
		int length = text.length();
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c)) {
				if (i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
					i++;
					continue;
				}
				return Optional.of(Violation.UNPAIRED_SURROGATE);
			}
			if (Character.isLowSurrogate(c)) {
				return Optional.of(Violation.UNPAIRED_SURROGATE);
			}
			if (isControl(c) && !(kind == Kind.FREE_TEXT && isFreeTextWhitespace(c))) {
				return Optional.of(Violation.CONTROL_CHARACTER);
			}
			if (isBidiControl(c)) {
				return Optional.of(Violation.BIDI_CONTROL);
			}
		}
		return Optional.empty();
	}

	/** Whether {@code text} breaks none of the rules for its kind. */
	public static boolean isValid(CharSequence text, Kind kind) {
		return violation(text, kind).isEmpty();
	}

	/**
	 * {@code text} with every character the rules refuse anywhere (controls including
	 * TAB, LF and CR, bidirectional controls, unpaired surrogates) written as a visible
	 * escape ({@code \n}, {@code \r}, {@code \t}, else {@code \}{@code uXXXX}), so that
	 * what a client sent cannot start a new log line, move a terminal's cursor or reorder
	 * what is displayed. Text with nothing to escape is returned as is.
	 */
	public static String escape(CharSequence text) {
		if (text == null) {
			return null;
		}
		int length = text.length();
		int first = firstToEscape(text);
		if (first == length) {
			return text.toString();
		}
		StringBuilder escaped = new StringBuilder(length + 16).append(text, 0, first);
		for (int i = first; i < length; i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
				escaped.append(c).append(text.charAt(++i));
			}
			else if (needsEscape(c)) {
				switch (c) {
					case '\n' -> escaped.append("\\n");
					case '\r' -> escaped.append("\\r");
					case '\t' -> escaped.append("\\t");
					default -> escaped.append("\\u").append(String.format("%04x", (int) c));
				}
			}
			else {
				escaped.append(c);
			}
		}
		return escaped.toString();
	}

	private static int firstToEscape(CharSequence text) {
		int length = text.length();
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			}
			else if (needsEscape(c)) {
				return i;
			}
		}
		return length;
	}

	/** A character that is escaped when it is not part of a surrogate pair. */
	private static boolean needsEscape(char c) {
		return isControl(c) || isBidiControl(c) || Character.isSurrogate(c);
	}

	private static boolean isControl(char c) {
		return c < 0x20 || (c >= 0x7f && c <= 0x9f);
	}

	private static boolean isFreeTextWhitespace(char c) {
		return c == '\t' || c == '\n' || c == '\r';
	}

	private static boolean isBidiControl(char c) {
		return (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
	}

}
