package io.membership.events.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WellFormedIdsTest {

	@Test
	void every_generated_id_is_well_formed() {
		for (int i = 0; i < 100; i++) {
			assertThat(OrganizationId.isWellFormed(OrganizationId.generate().value())).isTrue();
			assertThat(WorkspaceId.isWellFormed(WorkspaceId.generate().value())).isTrue();
			assertThat(InvitationId.isWellFormed(InvitationId.generate().value())).isTrue();
		}
	}

	@ParameterizedTest(name = "[{0}]")
	@ValueSource(strings = { "", "org_", "org_unknown", "ORG_0123456789abcdef0123456789abcdef",
			"org_0123456789ABCDEF0123456789abcdef", "org_0123456789abcdef0123456789abcde",
			"org_0123456789abcdef0123456789abcdeg", "org_0123456789abcdef0123456789abcdef0",
			" org_0123456789abcdef0123456789abcdef", "org_0123456789abcdef0123456789abcde\u0000",
			"ws_0123456789abcdef0123456789abcdef", "org-0123456789abcdef0123456789abcdef" })
	void an_organization_id_is_org_and_32_lower_case_hex_digits(String candidate) {
		assertThat(OrganizationId.isWellFormed(candidate)).isFalse();
		assertThat(OrganizationId.isWellFormed(null)).isFalse();
	}

	@Test
	void each_kind_of_id_has_its_own_prefix() {
		String hex = "0123456789abcdef0123456789abcdef";

		assertThat(OrganizationId.isWellFormed("org_" + hex)).isTrue();
		assertThat(WorkspaceId.isWellFormed("ws_" + hex)).isTrue();
		assertThat(InvitationId.isWellFormed("inv_" + hex)).isTrue();
		assertThat(WorkspaceId.isWellFormed("org_" + hex)).isFalse();
		assertThat(InvitationId.isWellFormed("ws_" + hex)).isFalse();
		assertThat(OrganizationId.isWellFormed("inv_" + hex)).isFalse();
	}

	@Test
	void ids_read_from_stored_events_keep_the_looser_rule_they_were_written_under() {
		assertThat(new OrganizationId("org_acme").value()).isEqualTo("org_acme");
		assertThat(OrganizationId.isWellFormed("org_acme")).isFalse();
	}

	@ParameterizedTest(name = "[{0}]")
	@ValueSource(strings = { "", "0", "-1", "+7", "007", "1.5", "1e3", " 7", "7 ", "abc", "\u0661",
			"9223372036854775808", "99999999999999999999" })
	void a_user_id_is_written_only_in_plain_ascii_digits(String candidate) {
		assertThat(UserId.isWellFormed(candidate)).isFalse();
		assertThatThrownBy(() -> UserId.valueOf(candidate)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void a_user_id_in_plain_digits_is_well_formed_up_to_the_largest_long() {
		assertThat(UserId.valueOf("7")).isEqualTo(UserId.of(7));
		assertThat(UserId.valueOf("9223372036854775807")).isEqualTo(UserId.of(Long.MAX_VALUE));
		assertThat(UserId.isWellFormed("42")).isTrue();
		assertThat(UserId.isWellFormed(null)).isFalse();
	}

}
