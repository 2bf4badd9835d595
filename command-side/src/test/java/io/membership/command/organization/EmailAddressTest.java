package io.membership.command.organization;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * API.md, "Hardening": addresses are compared in one normalized form (NFKC, lower case in
 * the root locale, the domain in IDNA ASCII form), and addresses that differ only by
 * look-alike characters (equal confusable skeletons) are the same address.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EmailAddressTest {

	private static final EmailAddress INFO = EmailAddress.of("info@a.test");

	@Test
	void the_normalized_form_is_nfkc_in_lower_case_with_the_domain_in_idna_ascii_form() {
		assertThat(EmailAddress.of("\uFF29\uFF2E\uFF26\uFF2F@B\u00DCCHER.Test").normalized())
			.isEqualTo("info@xn--bcher-kva.test");
	}

	@Test
	void an_address_in_upper_case_is_the_same_address() {
		assertThat(EmailAddress.of("INFO@A.TEST")).isEqualTo(INFO).hasSameHashCodeAs(INFO);
	}

	@Test
	void an_address_in_fullwidth_letters_is_the_same_address() {
		assertThat(EmailAddress.of("\uFF49nfo@a.test")).isEqualTo(INFO);
	}

	@Test
	void a_domain_in_unicode_and_in_punycode_is_the_same_address() {
		assertThat(EmailAddress.of("info@b\u00FCcher.test")).isEqualTo(EmailAddress.of("info@xn--bcher-kva.test"))
			.isEqualTo(EmailAddress.of("Info@B\u00DCCHER.TEST"));
	}

	/**
	 * Dotless i (Turkish), capital I with a dot (Turkish), Cyrillic i, fullwidth i, upper
	 * case: each looks like {@code info@a.test}.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "\u0131nfo@a.test", "\u0130nfo@a.test", "\u0456nfo@a.test", "\uFF49nfo@a.test",
			"INFO@A.TEST", "info@\u0430.test" })
	void an_address_that_differs_only_by_look_alike_characters_looks_like_the_original(String lookAlike) {
		EmailAddress address = EmailAddress.of(lookAlike);

		assertThat(address.looksLike(INFO)).isTrue();
		assertThat(INFO.looksLike(address)).isTrue();
		assertThat(address.skeleton()).isEqualTo(INFO.skeleton());
	}

	@Test
	void a_look_alike_in_another_script_is_not_the_same_written_address() {
		assertThat(EmailAddress.of("\u0456nfo@a.test")).isNotEqualTo(INFO);
	}

	@Test
	void a_look_alike_domain_in_punycode_looks_like_the_original() {
		assertThat(EmailAddress.of("info@xn--80a.test").looksLike(INFO)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "info2@a.test", "info@b.test", "inf@a.test", "info@a.test.org", "nfo@a.test" })
	void different_addresses_neither_are_nor_look_alike(String other) {
		EmailAddress address = EmailAddress.of(other);

		assertThat(address).isNotEqualTo(INFO);
		assertThat(address.looksLike(INFO)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "\u0130nfo@B\u00FCcher.test", "Stra\u00DFe@stra\u00DFe.de", "\uFF49nfo@a.test",
			"x@-a.test", "not an address" })
	void normalizing_a_normalized_form_again_changes_nothing(String given) {
		String normalized = EmailAddress.of(given).normalized();

		assertThat(EmailAddress.of(normalized).normalized()).isEqualTo(normalized);
		assertThat(EmailAddress.of(normalized).skeleton()).isEqualTo(EmailAddress.of(given).skeleton());
	}

	/**
	 * Stored events may hold any text (an e-mail claim taken unchecked before the
	 * hardening), and replaying them must never fail: such text is compared as written.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "x@-a.test", "x@a..test", "not an address", "@", "a@", "" })
	void text_that_is_no_valid_address_is_compared_as_written_in_lower_case(String given) {
		EmailAddress address = EmailAddress.of(given);

		assertThat(address.normalized()).isEqualTo(given.toLowerCase(java.util.Locale.ROOT));
		assertThat(EmailAddress.of(given.toUpperCase(java.util.Locale.ROOT))).isEqualTo(address);
	}

	@Test
	void the_local_part_keeps_an_at_sign_of_its_own_and_the_domain_is_after_the_last_one() {
		assertThat(EmailAddress.of("\"A@B\"@B\u00FCcher.test").normalized()).isEqualTo("\"a@b\"@xn--bcher-kva.test");
	}

}
