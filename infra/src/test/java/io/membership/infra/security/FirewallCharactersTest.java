package io.membership.infra.security;

import java.time.Instant;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.membership.infra.support.ApiClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The firewall's rules decided per code point say what Spring Security's own regular
 * expressions say, for every code point and for strings of them.
 */
class FirewallCharactersTest {

	// StrictHttpFirewall's defaults (spring-security-web), written out here so that a
	// difference shows.
	private static final Pattern ASSIGNED_AND_NOT_CONTROL = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");

	private static final Pattern HEADER_VALUE = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

	@Test
	void everyCodePointIsDecidedAsTheFirewallsExpressionsDecideIt() {
		for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
			String text = new String(Character.toChars(codePoint));
			assertThat(FirewallCharacters.assignedAndNotControl(text)).as("U+%04X as a name", codePoint)
				.isEqualTo(ASSIGNED_AND_NOT_CONTROL.matcher(text).matches());
			assertThat(FirewallCharacters.headerValue(text)).as("U+%04X in a header value", codePoint)
				.isEqualTo(HEADER_VALUE.matcher(text).matches());
		}
	}

	@Test
	void stringsMixingAllowedAndRefusedCharactersAreDecidedAlike() {
		int[] pool = { 'a', 'Z', '0', ' ', '.', '~', '\t', '\n', '\r', 0, 0x7F, 0x85, 0xE9, 0x378, 0x4E2D, 0xD800,
				0xDC00, 0xFFFF, 0x1F600, 0x10FFFF, 0xE0001 };
		Random random = new Random(27);
		for (int round = 0; round < 20_000; round++) {
			StringBuilder text = new StringBuilder();
			int length = random.nextInt(8);
			for (int index = 0; index < length; index++) {
				text.appendCodePoint(pool[random.nextInt(pool.length)]);
			}
			assertSame(FirewallCharacters::assignedAndNotControl, ASSIGNED_AND_NOT_CONTROL, text.toString());
			assertSame(FirewallCharacters::headerValue, HEADER_VALUE, text.toString());
		}
	}

	@Test
	void aBearerTokenPassesAndALineBreakInItDoesNot() {
		String token = "Bearer " + ApiClient.token("42", null, Instant.now().plusSeconds(600), ApiClient.TEST_SECRET);
		assertThat(FirewallCharacters.headerValue(token)).isTrue();
		assertThat(FirewallCharacters.headerValue(token + "\r\nX-Injected: 1")).isFalse();
		assertThat(FirewallCharacters.headerValue("")).isTrue();
	}

	private static void assertSame(Predicate<String> decided, Pattern expression, String text) {
		assertThat(decided.test(text)).as("%s", text.codePoints().mapToObj(Integer::toHexString).toList())
			.isEqualTo(expression.matcher(text).matches());
	}

}
