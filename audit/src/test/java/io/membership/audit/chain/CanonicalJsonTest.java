package io.membership.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.audit.chain.CanonicalJson.UnencodableStringException;
import io.membership.events.json.MembershipJson;

/**
 * The canonical bytes the audit hash chain is computed over are RFC 8785's (JCS) for the
 * JSON the service writes. Each expectation is a literal string, written from the RFC, so
 * an auditor's own JCS implementation would produce the same bytes.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class CanonicalJsonTest {

	private static String canonical(String json) {
		return canonical(MembershipJson.mapper().readTree(json));
	}

	private static String canonical(JsonNode value) {
		return new String(CanonicalJson.bytes(value), StandardCharsets.UTF_8);
	}

	@Test
	void members_are_sorted_by_their_names_UTF_16_code_units_including_non_ASCII_names() {
		// RFC 8785, 3.2.3: the emoji (surrogates D83D DE00) sorts before U+FB33, although
		// its
		// code point U+1F600 is larger; a sort by code points would put it last.
		String input = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
				+ "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
				+ "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";

		assertThat(canonical(input)).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
				+ "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
				+ "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
	}

	@Test
	void upper_case_names_sort_before_lower_case_and_shorter_prefixes_first() {
		assertThat(canonical("{\"b\":1,\"a\":2,\"B\":3,\"ab\":4,\"a_b\":5,\"A\":6}"))
			.isEqualTo("{\"A\":6,\"B\":3,\"a\":2,\"a_b\":5,\"ab\":4,\"b\":1}");
	}

	@Test
	void nested_objects_are_sorted_too_and_arrays_keep_their_order() {
		assertThat(canonical("{\"z\":{\"y\":[3,1,2],\"x\":[{\"b\":1,\"a\":2}]},\"a\":[]}"))
			.isEqualTo("{\"a\":[],\"z\":{\"x\":[{\"a\":2,\"b\":1}],\"y\":[3,1,2]}}");
	}

	@Test
	void the_order_members_arrive_in_does_not_matter() {
		ObjectNode one = MembershipJson.mapper().createObjectNode();
		one.put("version", 3);
		one.put("event_id", "evt");
		ObjectNode other = MembershipJson.mapper().createObjectNode();
		other.put("event_id", "evt");
		other.put("version", 3);

		assertThat(CanonicalJson.bytes(one)).isEqualTo(CanonicalJson.bytes(other));
	}

	@Test
	void there_is_no_whitespace_between_tokens() {
		String pretty = """
				{
				  "name" : "Acme  Labeling",
				  "list" : [ 1 , 2 ,
				             { "k" : "v" } ],
				  "empty" : { }
				}
				""";

		assertThat(canonical(pretty))
			.isEqualTo("{\"empty\":{},\"list\":[1,2,{\"k\":\"v\"}],\"name\":\"Acme  Labeling\"}");
	}

	@Test
	void quote_and_backslash_and_the_five_short_control_escapes_are_written_as_two_characters() {
		assertThat(canonical("[\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\"]")).isEqualTo("[\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\"]");
	}

	@Test
	void other_control_characters_are_six_character_escapes_with_lower_case_hex() {
		assertThat(canonical("[\"\\u0000\\u0001\\u000B\\u000e\\u001F\\u001a\"]"))
			.isEqualTo("[\"\\u0000\\u0001\\u000b\\u000e\\u001f\\u001a\"]");
	}

	@Test
	void everything_from_U_0020_up_is_written_literally_in_UTF_8_including_DEL_and_the_slash() {
		String canonical = canonical("[\"\\u0020/\\u007f\\u00e9\\u20ac\\ud83d\\ude00<>&'\"]");

		assertThat(canonical).isEqualTo("[\" /\u007f\u00e9\u20ac\ud83d\ude00<>&'\"]");
		assertThat(CanonicalJson.bytes(MembershipJson.mapper().readTree("\"\\u00e9\\u20ac\\ud83d\\ude00\"")))
			.containsExactly(0x22, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0x22);
	}

	@Test
	void RFC_8785_string_example() {
		// RFC 8785, 3.2.2.2, without the number part of that example.
		assertThat(canonical("\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\""))
			.isEqualTo("\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"");
	}

	@Test
	void integers_are_plain_decimal_without_exponent_sign_or_leading_zeros() {
		assertThat(canonical("[0,-0,1,-1,42,9007199254740991]")).isEqualTo("[0,0,1,-1,42,9007199254740991]");
	}

	@Test
	void integers_are_exact_beyond_two_to_the_53() {
		// A JCS implementation that goes through IEEE doubles would write
		// 9007199254740992
		// for the first; user ids this large are allowed, so the exact digits are kept.
		assertThat(canonical("[9007199254740993,123456789012345678,123456789012345678901234567890]"))
			.isEqualTo("[9007199254740993,123456789012345678,123456789012345678901234567890]");
	}

	@Test
	void literals_true_false_and_null() {
		assertThat(canonical("{\"t\":true,\"f\":false,\"n\":null}")).isEqualTo("{\"f\":false,\"n\":null,\"t\":true}");
	}

	@Test
	void a_missing_value_is_null() {
		assertThat(canonical(MembershipJson.mapper().missingNode())).isEqualTo("null");
	}

	@Test
	void numbers_with_a_fraction_have_no_canonical_form_here() {
		// The service writes none; JCS would need ECMAScript's number formatting for
		// them.
		assertThatThrownBy(() -> canonical("{\"amount\":1.5}")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("canonical");
		assertThatThrownBy(() -> canonical("[1E2]")).isInstanceOf(IllegalArgumentException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"\\ud800\"", "\"lone high \\ud83d at the end\"", "\"a lone low \\ude00 here\"",
			"\"reversed \\ude00\\ud83d pair\"", "{\"reason\":\"x\\udbff\"}", "{\"\\udc00\":1}",
			"[\"ok\",{\"nested\":[\"\\ud800?\"]}]" })
	void a_string_with_an_unpaired_surrogate_is_refused_instead_of_written_as_a_question_mark(String json) {
		// It has no UTF-8 encoding; String.getBytes would write '?', so "\ud800" and "?"
		// would hash alike and an export edited from one to the other would still verify.
		assertThatThrownBy(() -> canonical(json)).isInstanceOf(UnencodableStringException.class)
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("unpaired UTF-16 surrogate")
			.hasMessageMatching("(?s).*\\\\ud[89a-f][0-9a-f]{2}.*");
	}

	@Test
	void the_lone_surrogate_and_the_question_mark_it_was_once_written_as_are_no_longer_the_same_bytes() {
		assertThat(canonical("\"?\"")).isEqualTo("\"?\"");
		assertThatThrownBy(() -> canonical("\"\\ud800\"")).isInstanceOf(UnencodableStringException.class);
	}

	@Test
	void each_control_character_below_U_0020_is_escaped_as_the_README_documents() {
		for (int c = 0; c < 0x20; c++) {
			String expected = switch (c) {
				case '\b' -> "\\b";
				case '\t' -> "\\t";
				case '\n' -> "\\n";
				case '\f' -> "\\f";
				case '\r' -> "\\r";
				default -> String.format("\\u%04x", c);
			};
			assertThat(canonical(MembershipJson.mapper().getNodeFactory().stringNode("<" + (char) c + ">")))
				.as("U+%04X", c)
				.isEqualTo("\"<" + expected + ">\"");
		}
	}

	@Test
	void every_Unicode_scalar_value_of_every_plane_is_written_as_its_own_UTF_8_bytes() throws CharacterCodingException {
		// Every code point from U+0020 to U+10FFFF except the surrogates and the two
		// escaped characters, plane by plane, against an encoder written here from RFC
		// 3629, so a wrong 4-byte sequence (or CESU-8's 6 bytes) for the supplementary
		// planes would show.
		for (int plane = 0; plane <= 16; plane++) {
			StringBuilder text = new StringBuilder();
			ByteArrayOutputStream expected = new ByteArrayOutputStream();
			expected.write('"');
			for (int cp = Math.max(plane << 16, 0x20); cp <= ((plane << 16) | 0xFFFF); cp++) {
				if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == '"' || cp == '\\') {
					continue;
				}
				text.appendCodePoint(cp);
				utf8(cp, expected);
			}
			expected.write('"');
			String value = text.toString();

			byte[] bytes = CanonicalJson.bytes(MembershipJson.mapper().getNodeFactory().stringNode(value));

			assertThat(bytes).as("plane %d", plane).isEqualTo(expected.toByteArray());
			String decoded = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
			assertThat(MembershipJson.mapper().readTree(decoded).asString()).as("plane %d", plane).isEqualTo(value);
		}
	}

	@Test
	void a_supplementary_character_is_four_bytes_not_two_escaped_surrogates() {
		assertThat(CanonicalJson.bytes(MembershipJson.mapper().getNodeFactory().stringNode("\ud800\udc00\udbff\udfff")))
			.containsExactly(0x22, 0xf0, 0x90, 0x80, 0x80, 0xf4, 0x8f, 0xbf, 0xbf, 0x22);
	}

	/** UTF-8 as RFC 3629, section 3, tabulates it. */
	private static void utf8(int cp, ByteArrayOutputStream out) {
		if (cp < 0x80) {
			out.write(cp);
		}
		else if (cp < 0x800) {
			out.write(0xC0 | (cp >> 6));
			out.write(0x80 | (cp & 0x3F));
		}
		else if (cp < 0x10000) {
			out.write(0xE0 | (cp >> 12));
			out.write(0x80 | ((cp >> 6) & 0x3F));
			out.write(0x80 | (cp & 0x3F));
		}
		else {
			out.write(0xF0 | (cp >> 18));
			out.write(0x80 | ((cp >> 12) & 0x3F));
			out.write(0x80 | ((cp >> 6) & 0x3F));
			out.write(0x80 | (cp & 0x3F));
		}
	}

}
