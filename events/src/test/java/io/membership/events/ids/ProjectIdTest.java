package io.membership.events.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.membership.events.json.MembershipJson;

/**
 * A project id is the upstream app's own id (API.md, "Projects and project roles"): 1 to
 * 64 characters of {@code [A-Za-z0-9._-]}, never generated here.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ProjectIdTest {

	@ParameterizedTest(name = "[{0}]")
	@ValueSource(strings = { "1", "42", "proj-7", "Project_A.v2", "a.b-c_D",
			"0123456789012345678901234567890123456789012345678901234567890123" })
	void an_upstream_id_of_letters_digits_dots_dashes_and_underscores_is_taken_as_it_is(String value) {
		assertThat(ProjectId.isWellFormed(value)).isTrue();
		assertThat(new ProjectId(value).value()).isEqualTo(value);
	}

	@ParameterizedTest(name = "[{0}]")
	@ValueSource(strings = { "", " ", "a b", "a/b", "a%2Fb", "ü", "proj:1", "x\u0000",
			"01234567890123456789012345678901234567890123456789012345678901234" })
	void anything_else_is_refused(String value) {
		assertThat(ProjectId.isWellFormed(value)).isFalse();
		assertThatThrownBy(() -> new ProjectId(value)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void null_is_not_a_project_id() {
		assertThat(ProjectId.isWellFormed(null)).isFalse();
		assertThatThrownBy(() -> new ProjectId(null)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void it_is_written_as_a_bare_string_and_read_back() {
		String json = MembershipJson.mapper().writeValueAsString(new ProjectId("17"));

		assertThat(json).isEqualTo("\"17\"");
		assertThat(MembershipJson.mapper().readValue(json, ProjectId.class)).isEqualTo(new ProjectId("17"));
	}

}
