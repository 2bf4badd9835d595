package io.membership.testkit;

/**
 * Text as long as the service accepts, in the scripts it must keep character for
 * character: what the tests that follow an accepted value through to every view write.
 * Lengths are in UTF-16 code units, as the service's limits count them.
 */
public final class AcceptedText {

	/**
	 * Latin with an accent, Hebrew and Arabic (right to left), Devanagari, a combining
	 * mark, CJK, and one character of each supplementary plane in use: emoji (1), CJK
	 * Extension B (2), Extension G (3), a variation selector (14), private use (15, 16).
	 */
	public static final String ALPHABET = "Aé שלום مرحبا नमस्ते e\u0301 漢字 😀 \uD841\uDF0E \uD880\uDC00 \uDB40\uDD00"
			+ " \uDB80\uDC00 \uDBC0\uDC00 ";

	private AcceptedText() {
	}

	/**
	 * {@code units} UTF-16 code units of the alphabet, starting and ending with a letter
	 * (names are stripped of surrounding white space).
	 */
	public static String filled(String alphabet, int units) {
		StringBuilder text = new StringBuilder("A");
		int[] codePoints = alphabet.codePoints().toArray();
		for (int i = 0; text.length() < units - 1; i++) {
			int codePoint = codePoints[i % codePoints.length];
			if (text.length() + Character.charCount(codePoint) <= units - 1) {
				text.appendCodePoint(codePoint);
			}
			else {
				text.append('x');
			}
		}
		return text.append('Z').toString();
	}

	/**
	 * A syntactically valid address of exactly {@code length} characters: the longest
	 * local part and domain labels there are.
	 * @throws IllegalArgumentException below 199 characters, too short for them
	 */
	public static String longestEmail(char letter, int length) {
		String local = String.valueOf(letter).repeat(64);
		int lastLabel = length - 64 - 1 - 128 - 5;
		if (lastLabel < 1) {
			throw new IllegalArgumentException("No address of the longest labels has " + length + " characters");
		}
		return local + "@" + "d".repeat(63) + "." + "e".repeat(63) + "." + "f".repeat(lastLabel) + ".test";
	}

	/**
	 * A correlation id of exactly {@code length} characters, using every punctuation mark
	 * one may hold.
	 */
	public static String correlationId(int length) {
		return "c0rr.:/+=-".repeat(length / 10 + 1).substring(0, length);
	}

}
