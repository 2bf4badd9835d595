package io.membership.audit.chain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * The canonical form of a JSON value that the audit hash chain is computed over: the JSON
 * Canonicalization Scheme (RFC 8785) for the JSON this service writes, which has no
 * floating-point numbers. So an auditor can recompute every hash with any RFC 8785
 * implementation, without this code:
 * <ul>
 * <li>no whitespace;</li>
 * <li>object members sorted by their names' UTF-16 code units;</li>
 * <li>strings escaped as RFC 8785 says: the two-character escapes for quote, backslash,
 * backspace, form feed, line feed, carriage return and tab; other characters below U+0020
 * as a six-character escape with lower-case hex digits, everything else literally;</li>
 * <li>integers in plain decimal; {@code true}, {@code false}, {@code null};</li>
 * <li>the result encoded as UTF-8.</li>
 * </ul>
 * A string with an unpaired UTF-16 surrogate has no UTF-8 encoding, so it has no
 * canonical bytes: it is refused ({@link UnencodableStringException}). Encoding it anyway
 * would write {@code ?} in its place, and a hash over that would not pin what was stored:
 * the surrogate and a real {@code ?} would hash alike.
 */
public final class CanonicalJson {

	private CanonicalJson() {
	}

	public static byte[] bytes(JsonNode value) {
		StringBuilder out = new StringBuilder(256);
		write(value, out);
		return out.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static void write(JsonNode value, StringBuilder out) {
		if (value == null || value.isNull() || value.isMissingNode()) {
			out.append("null");
		}
		else if (value.isObject()) {
			List<Map.Entry<String, JsonNode>> members = new ArrayList<>(value.properties());
			// String.compareTo compares UTF-16 code units, as RFC 8785 asks.
			members.sort(Map.Entry.comparingByKey());
			out.append('{');
			for (int i = 0; i < members.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				string(members.get(i).getKey(), out);
				out.append(':');
				write(members.get(i).getValue(), out);
			}
			out.append('}');
		}
		else if (value.isArray()) {
			out.append('[');
			for (int i = 0; i < value.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				write(value.get(i), out);
			}
			out.append(']');
		}
		else if (value.isString()) {
			string(value.asString(), out);
		}
		else if (value.isIntegralNumber()) {
			out.append(value.bigIntegerValue().toString());
		}
		else if (value.isBoolean()) {
			out.append(value.booleanValue());
		}
		else {
			throw new IllegalArgumentException("No canonical form for " + value.getNodeType() + " values");
		}
	}

	private static void string(String text, StringBuilder out) {
		out.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isSurrogate(c)) {
				if (!Character.isHighSurrogate(c) || i + 1 == text.length()
						|| !Character.isLowSurrogate(text.charAt(i + 1))) {
					throw new UnencodableStringException(String.format(
							"A text holds an unpaired UTF-16 surrogate (\\u%04x at index %d), which has no UTF-8 encoding",
							(int) c, i));
				}
				// A supplementary character: both halves, which UTF-8 writes as its four
				// bytes.
				out.append(c).append(text.charAt(++i));
				continue;
			}
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

	/** A string that has no UTF-8 encoding, and so no canonical bytes. */
	public static final class UnencodableStringException extends IllegalArgumentException {

		UnencodableStringException(String message) {
			super(message);
		}

	}

}
