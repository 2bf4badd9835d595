package io.membership.audit.verify;

/**
 * Text from an export (reasons, names, e-mails, ids, library messages quoting them) made
 * safe to print on a terminal: an export is evidence, possibly written by the party under
 * audit, and a reason holding {@code ESC [ 2 J} or a line feed followed by
 * {@code OK: ...} must not clear the auditor's screen or forge a line of the verdict.
 * <p>
 * Escaped as {@code \}{@code uXXXX} (lower-case hex; {@code \n}, {@code \r} and
 * {@code \t} for those three): every C0 control, DEL and every C1 control (U+009B alone
 * is a CSI on many terminals), the bidirectional controls (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069), which reorder what follows them on screen, the line
 * and paragraph separators U+2028 and U+2029, and an unpaired surrogate, which has no
 * encoding to print. Everything else, right-to-left letters, combining marks and emoji
 * included, is printed as it is.
 */
final class TerminalText {

	private TerminalText() {
	}

	/**
	 * A value from the export, for a message: the characters above escaped, and the
	 * backslash and the double quote too, so that a value that spells out
	 * {@code \}{@code u001b} prints differently from one holding ESC, and a reason
	 * printed between quotes ends where it seems to.
	 */
	static String value(String text) {
		return escaped(text, true);
	}

	/**
	 * A whole line, or a library's message, on its way to the terminal: only the
	 * characters above escaped. Identity on a line whose values went through
	 * {@link #value}, so it is a safety net, not a second escaping.
	 */
	static String line(String text) {
		return escaped(text, false);
	}

	private static String escaped(String text, boolean value) {
		if (text == null) {
			return "null";
		}
		StringBuilder out = new StringBuilder(text.length() + 16);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				out.append(c).append(text.charAt(++i));
			}
			else if (value && (c == '\\' || c == '"')) {
				out.append('\\').append(c);
			}
			else if (c == '\n') {
				out.append("\\n");
			}
			else if (c == '\r') {
				out.append("\\r");
			}
			else if (c == '\t') {
				out.append("\\t");
			}
			else if (unsafe(c)) {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

	private static boolean unsafe(char c) {
		return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f
				|| (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029
				|| Character.isSurrogate(c);
	}

}
