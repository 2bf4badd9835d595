package io.membership.events.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.membership.events.text.TextRules.Violation;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TextRulesTest {

	/** One character of every Unicode plane (0 to 16), none of them a noncharacter. */
	static String everyPlane() {
		StringBuilder text = new StringBuilder("\u00e9");
		for (int plane = 1; plane <= 16; plane++) {
			text.appendCodePoint((plane << 16) | 0x0100);
		}
		return text.toString();
	}

	@Test
	void text_of_every_plane_rtl_text_emoji_and_combining_marks_is_valid() {
		String text = everyPlane()
				+ " \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \ud83d\ude00\ud83d\udc69\u200d\ud83d\udcbb"
				+ " e\u0301 \u4f60\u597d \u200f\u200e\u061c \u2028 \u00a0 \ufeff";

		assertThat(TextRules.violation(text, TextRules.Kind.LINE)).isEmpty();
		assertThat(TextRules.violation(text, TextRules.Kind.FREE_TEXT)).isEmpty();
	}

	@ParameterizedTest(name = "U+{0}")
	@ValueSource(ints = { 0x00, 0x01, 0x07, 0x08, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f })
	void a_c0_control_or_delete_is_refused_everywhere(int control) {
		String text = "a" + (char) control + "b";

		assertThat(TextRules.violation(text, TextRules.Kind.LINE)).contains(Violation.CONTROL_CHARACTER);
		assertThat(TextRules.violation(text, TextRules.Kind.FREE_TEXT)).contains(Violation.CONTROL_CHARACTER);
	}

	@ParameterizedTest(name = "U+{0}")
	@ValueSource(ints = { 0x09, 0x0a, 0x0d })
	void tab_line_feed_and_carriage_return_are_allowed_only_in_free_text(int control) {
		String text = "first line" + (char) control + "second";

		assertThat(TextRules.violation(text, TextRules.Kind.LINE)).contains(Violation.CONTROL_CHARACTER);
		assertThat(TextRules.violation(text, TextRules.Kind.FREE_TEXT)).isEmpty();
	}

	@ParameterizedTest(name = "U+{0}")
	@ValueSource(ints = { 0x80, 0x85, 0x9b, 0x9f })
	void a_c1_control_is_refused(int control) {
		assertThat(TextRules.violation("a" + (char) control, TextRules.Kind.FREE_TEXT))
			.contains(Violation.CONTROL_CHARACTER);
	}

	@ParameterizedTest(name = "U+{0}")
	@ValueSource(ints = { 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069 })
	void a_bidirectional_override_embedding_or_isolate_is_refused(int control) {
		assertThat(TextRules.violation("invoice" + (char) control + "fdp.exe", TextRules.Kind.FREE_TEXT))
			.contains(Violation.BIDI_CONTROL);
	}

	@Test
	void an_unpaired_surrogate_is_refused_wherever_it_stands() {
		for (String text : new String[] { "\ud800", "a\ud800", "\udfffa", "a\ud83d\ud83db", "\ude00\ud83d" }) {
			assertThat(TextRules.violation(text, TextRules.Kind.FREE_TEXT)).as(TextRules.escape(text))
				.contains(Violation.UNPAIRED_SURROGATE);
		}
	}

	@Test
	void a_violation_is_described_in_plain_words_naming_the_field() {
		Optional<Violation> violation = TextRules.violation("x\u0000", TextRules.Kind.LINE);

		assertThat(violation.map((found) -> found.describe("name"))).contains("name contains a control character.");
		assertThat(Violation.UNPAIRED_SURROGATE.describe("reason"))
			.isEqualTo("reason contains an unpaired UTF-16 surrogate (half of a character).");
		assertThat(Violation.BIDI_CONTROL.describe("title"))
			.isEqualTo("title contains a bidirectional override, embedding or isolate character.");
	}

	@Test
	void escaping_for_logs_and_terminals_leaves_valid_line_text_alone() {
		String text = everyPlane() + " \u05e9\u05dc\u05d5\u05dd \ud83d\ude00 \\u0041";

		assertThat(TextRules.escape(text)).isSameAs(text);
	}

	@Test
	void escaping_writes_every_character_the_rules_refuse_as_a_visible_escape() {
		assertThat(TextRules.escape("a\nb\r\tc")).isEqualTo("a\\nb\\r\\tc");
		assertThat(TextRules.escape("\u001b[31mred\u0000")).isEqualTo("\\u001b[31mred\\u0000");
		assertThat(TextRules.escape("\u0085\u202e\u2066x\u007f")).isEqualTo("\\u0085\\u202e\\u2066x\\u007f");
		assertThat(TextRules.escape("\ud800 \ud83d\ude00 \udfff")).isEqualTo("\\ud800 \ud83d\ude00 \\udfff");
		assertThat(TextRules.escape(null)).isNull();
	}

}
