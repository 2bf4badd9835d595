package io.membership.infra.errors;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * Request bodies are taken only as their declared JSON types, without duplicate keys, and
 * every string a client sends (in a body or a query parameter) obeys the text rules; what
 * is accepted, in any script of any Unicode plane, comes back exactly as it was sent.
 * Every refusal is a 400 problem in plain words and stores nothing.
 */
@PostgresServiceTest
class StrictInputTest {

	/** Text of every Unicode plane, right-to-left scripts, emoji, combining marks. */
	static final String EVERY_PLANE;

	static {
		StringBuilder text = new StringBuilder("\u00c5ngstr\u00f6m ");
		for (int plane = 1; plane <= 16; plane++) {
			text.appendCodePoint((plane << 16) | 0x0100);
		}
		EVERY_PLANE = text.append(" \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \ud83d\ude00")
			.append("\ud83d\udc69\u200d\ud83d\udcbb \ud83c\uddef\ud83c\uddf5 e\u0301 \u4f60\u597d \u200f\u2028x")
			.toString();
	}

	@LocalServerPort
	int port;

	private TestOrganization org;

	@BeforeEach
	void createOrganization() {
		this.org = TestOrganization.create(this.port);
	}

	// Types: a value is taken only as its declared JSON type.

	static Stream<String> notAnInteger() {
		return Stream.of("%d.5", "%d.9", "%d.0", "%de0", "\"%d\"", "\"+%d\"", "\"000%d\"", "true", "[%d]",
				"{\"id\":%d}");
	}

	@ParameterizedTest(name = "user_id {0}")
	@MethodSource("notAnInteger")
	void a_user_id_that_is_not_a_json_integer_is_refused_not_rounded_or_parsed(String template) {
		Member admin = this.org.join("AD");
		String value = template.formatted(admin.userId());

		Answer answer = this.org.owner().post(this.org.path() + "/ownership", "{\"user_id\":" + value + "}");

		JsonNode problem = assertProblem(answer, 400, "malformed_body");
		assertThat(problem.path("detail").asString()).isEqualTo("user_id must be an integer.");
		this.org.assertNothingStored();
	}

	static Stream<Arguments> notAString() {
		return Stream.of(Arguments.of("/workspaces", "{\"title\":12345}", "title"),
				Arguments.of("/workspaces", "{\"title\":true}", "title"),
				Arguments.of("/workspaces", "{\"title\":1.5}", "title"),
				Arguments.of("/invitations", "{\"email\":7,\"role\":\"AN\"}", "email"),
				Arguments.of("/invitations", "{\"email\":\"seven@members.test\",\"workspaces\":[7]}", "workspaces[0]"),
				Arguments.of("/memberships/{member}/role", "{\"role\":\"RE\",\"reason\":true}", "reason"),
				Arguments.of("/memberships/{member}/deactivate", "{\"reason\":12}", "reason"));
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("notAString")
	void a_string_field_given_a_number_or_a_boolean_is_refused(String path, String body, String field) {
		Member member = this.org.join("AN");

		Answer answer = this.org.owner()
			.post(this.org.path() + path.replace("{member}", Long.toString(member.userId())), body);

		JsonNode problem = assertProblem(answer, 400, "malformed_body");
		assertThat(problem.path("detail").asString()).isEqualTo(field + " must be a string.");
		this.org.assertNothingStored();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "{\"name\":12345}", "{\"name\":true}", "{\"name\":[\"x\"]}" })
	void an_organization_name_that_is_not_a_string_creates_nothing(String body) {
		Answer answer = this.org.owner().post("/api/organizations", body);

		JsonNode problem = assertProblem(answer, 400, "malformed_body");
		assertThat(problem.path("detail").asString()).isEqualTo("name must be a string.");
	}

	@Test
	void a_duplicate_key_is_refused_rather_than_the_last_one_winning() {
		Member member = this.org.join("AN");

		Answer answer = this.org.owner()
			.patch(this.org.path() + "/memberships",
					"{\"user_id\":" + member.userId() + ",\"role\":\"AN\",\"role\":\"AD\"}");

		JsonNode problem = assertProblem(answer, 400, "malformed_body");
		assertThat(problem.path("detail").asString()).isEqualTo("role appears more than once in the request body.");
		this.org.assertNothingStored();
	}

	@Test
	void a_duplicate_key_in_a_new_organization_is_refused() {
		Answer answer = this.org.owner().post("/api/organizations", "{\"name\":\"Visible\",\"name\":\"Hidden\"}");

		JsonNode problem = assertProblem(answer, 400, "malformed_body");
		assertThat(problem.path("detail").asString()).isEqualTo("name appears more than once in the request body.");
	}

	// Details in plain words: no class names, parser settings or library messages.

	static Stream<Arguments> unreadableBodies() {
		return Stream.of(Arguments.of("{\"title\":", "The request body is not valid JSON (line 1, column 10)."),
				Arguments.of("{\"title\":\"x\",}", "The request body is not valid JSON (line 1, column 14)."),
				Arguments.of("{'title':'x'}", "The request body is not valid JSON (line 1, column 2)."),
				Arguments.of("{\"title\"}", "The request body is not valid JSON (line 1, column 9)."),
				Arguments.of("[", "The request body must be a JSON object."),
				Arguments.of("", "The request body is missing or is not valid JSON."),
				Arguments.of("[]", "The request body must be a JSON object."),
				Arguments.of("\"title\"", "The request body must be a JSON object."),
				Arguments.of("{\"title\":\"x\",\"title_\":1}", "Unknown field 'title_'."),
				Arguments.of("{\"" + "n".repeat(50_001) + "\":1}",
						"The request body is nested too deeply, or holds a number, string or name that is too long."));
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("unreadableBodies")
	void an_unreadable_body_is_described_in_plain_words(String body, String detail) {
		Answer answer = this.org.owner().post(this.org.path() + "/workspaces", body);

		JsonNode problem = assertProblem(answer, 400, "malformed_body");
		assertThat(problem.path("detail").asString()).isEqualTo(detail);
		assertPlainWords(problem);
		this.org.assertNothingStored();
	}

	@Test
	void a_number_out_of_range_is_described_in_plain_words() {
		Answer answer = this.org.owner().post(this.org.path() + "/ownership", "{\"user_id\":99999999999999999999999}");

		JsonNode problem = assertProblem(answer, 400, "malformed_body");
		assertThat(problem.path("detail").asString()).isEqualTo("user_id is out of range.");
		this.org.assertNothingStored();
	}

	@Test
	void an_unknown_role_code_names_the_codes() {
		Member member = this.org.join("AN");

		Answer answer = this.org.owner()
			.patch(this.org.path() + "/memberships", "{\"user_id\":" + member.userId() + ",\"role\":\"XX\"}");

		JsonNode problem = assertProblem(answer, 400, "malformed_body");
		assertThat(problem.path("detail").asString())
			.isEqualTo("Unknown role code 'XX' in role; the codes are OW, AD, MA, RE, AN, NO and DI.");
		this.org.assertNothingStored();
	}

	@Test
	void an_unknown_path_is_a_404_in_plain_words() {
		Answer answer = this.org.owner().get("/api/nothing-here");

		JsonNode problem = assertProblem(answer, 404, "not_found");
		assertPlainWords(problem);
	}

	// Text rules, in bodies.

	static Stream<Arguments> invalidText() {
		return Stream.of(Arguments.of("/workspaces", "{\"title\":\"x\\u0000\"}", "title contains a control character."),
				Arguments.of("/workspaces", "{\"title\":\"two\\nlines\"}", "title contains a control character."),
				Arguments.of("/workspaces", "{\"title\":\"tab\\tbed\"}", "title contains a control character."),
				Arguments.of("/workspaces", "{\"title\":\"esc\\u001b[31m\"}", "title contains a control character."),
				Arguments.of("/workspaces", "{\"title\":\"c1\\u0085\"}", "title contains a control character."),
				Arguments.of("/workspaces", "{\"title\":\"del\\u007f\"}", "title contains a control character."),
				Arguments.of("/workspaces", "{\"title\":\"half \\ud800\"}",
						"title contains an unpaired UTF-16 surrogate (half of a character)."),
				Arguments.of("/workspaces", "{\"title\":\"\\udfff\"}",
						"title contains an unpaired UTF-16 surrogate (half of a character)."),
				Arguments.of("/workspaces", "{\"title\":\"txt.\\u202eexe\"}",
						"title contains a bidirectional override, embedding or isolate character."),
				Arguments.of("/workspaces", "{\"title\":\"\\u2066isolated\\u2069\"}",
						"title contains a bidirectional override, embedding or isolate character."),
				Arguments.of("/invitations", "{\"email\":\"a\\u0000@members.test\",\"role\":\"AN\"}",
						"email contains a control character."),
				Arguments.of("/invitations", "{\"email\":\"a\\r@members.test\",\"role\":\"AN\"}",
						"email contains a control character."),
				Arguments.of("/invitations",
						"{\"email\":\"ok@members.test\",\"role\":\"AN\",\"workspaces\":[\"ws_\\u0001\"]}",
						"workspaces[0] contains a control character."),
				Arguments.of("/memberships/{member}/role", "{\"role\":\"RE\",\"reason\":\"nul\\u0000\"}",
						"reason contains a control character."),
				Arguments.of("/memberships/{member}/role", "{\"role\":\"RE\",\"reason\":\"bell\\u0007\"}",
						"reason contains a control character."),
				Arguments.of("/memberships/{member}/role", "{\"role\":\"RE\",\"reason\":\"\\ud83d\"}",
						"reason contains an unpaired UTF-16 surrogate (half of a character)."),
				Arguments.of("/memberships/{member}/deactivate", "{\"reason\":\"\\u202dreversed\"}",
						"reason contains a bidirectional override, embedding or isolate character."));
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("invalidText")
	void a_string_breaking_the_text_rules_is_refused_naming_the_field_and_the_rule(String path, String body,
			String detail) {
		Member member = this.org.join("AN");

		Answer answer = this.org.owner()
			.post(this.org.path() + path.replace("{member}", Long.toString(member.userId())), body);

		JsonNode problem = assertProblem(answer, 400, "invalid_text");
		assertThat(problem.path("detail").asString()).isEqualTo(detail);
		this.org.assertNothingStored();
	}

	@Test
	void an_organization_name_with_a_nul_creates_nothing() {
		Answer answer = this.org.owner().post("/api/organizations", "{\"name\":\"x\\u0000\"}");

		JsonNode problem = assertProblem(answer, 400, "invalid_text");
		assertThat(problem.path("detail").asString()).isEqualTo("name contains a control character.");
	}

	// What is accepted comes back unchanged.

	@Test
	void a_name_in_every_plane_with_rtl_text_and_emoji_is_accepted_and_answered_unchanged() {
		Answer created = this.org.owner().post("/api/organizations", "{\"name\":\"" + EVERY_PLANE + "\"}");

		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.json().path("name").asString()).isEqualTo(EVERY_PLANE);
	}

	@Test
	void a_title_in_every_plane_is_accepted_and_the_query_side_serves_it_unchanged() {
		Answer created = this.org
			.recorded(this.org.owner().post(this.org.path() + "/workspaces", "{\"title\":\"" + EVERY_PLANE + "\"}"));
		assertThat(created.json().path("title").asString()).isEqualTo(EVERY_PLANE);

		JsonNode workspaces = read("/workspaces").path("workspaces");

		List<String> titles = new ArrayList<>();
		workspaces.forEach((workspace) -> titles.add(workspace.path("title").asString()));
		assertThat(titles).contains(EVERY_PLANE);
	}

	@Test
	void a_reason_keeps_its_tabs_and_line_breaks_and_every_plane_through_the_role_history() {
		Member member = this.org.join("AN");
		String reason = "Passed the review training.\r\n\tScore:\t97 %\n" + EVERY_PLANE;
		String json = reason.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");

		this.org.recorded(this.org.owner()
			.post(this.org.path() + "/memberships/" + member.userId() + "/role",
					"{\"role\":\"RE\",\"reason\":\"" + json + "\"}"));

		JsonNode history = read("/memberships/" + member.userId() + "/role-history").path("history");
		assertThat(history.get(history.size() - 1).path("reason").asString()).isEqualTo(reason);
	}

	@Test
	void an_invited_address_in_plain_ascii_comes_back_unchanged_in_the_answer_and_the_member_list() {
		Answer invited = this.org.invite("first.last+tag@members.test", "AN");
		assertThat(invited.status()).isEqualTo(201);
		long userId = TestOrganization.newUserId();
		this.org.recorded(ApiClient.as(this.port, userId)
			.post("/api/invitations/" + invited.json().path("token").asString() + "/accept",
					"{\"user_id\":" + userId + ",\"email\":\"first.last+tag@members.test\"}"));

		JsonNode member = read("/memberships/" + userId);

		assertThat(member.path("email").asString()).isEqualTo("first.last+tag@members.test");
	}

	// Text rules, in query parameters.

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "search=a%00b", "search=%1B%5B2J", "search=%C2%85", "search=abc%E2%80%AEgpj.exe",
			"search=%0A", "role=AN%00", "page=1%0D" })
	void a_query_parameter_breaking_the_text_rules_is_refused(String query) {
		Answer answer = this.org.owner().get(this.org.path() + "/memberships?" + query);

		JsonNode problem = assertProblem(answer, 400, "invalid_text");
		String name = query.substring(0, query.indexOf('='));
		assertThat(problem.path("detail").asString()).startsWith("Query parameter " + name + " contains a");
	}

	@Test
	void a_query_parameter_name_breaking_the_text_rules_is_refused() {
		Answer answer = this.org.owner().get(this.org.path() + "/memberships?x%E2%80%AEy=1");

		JsonNode problem = assertProblem(answer, 400, "invalid_text");
		assertThat(problem.path("detail").asString())
			.isEqualTo("A query parameter name contains a bidirectional override, embedding or isolate character.");
	}

	/** Spring Security's firewall refuses control characters in names before the door. */
	@Test
	void a_query_parameter_name_with_a_control_character_is_refused_by_the_firewall() {
		Answer answer = this.org.owner().get(this.org.path() + "/memberships?x%01=1");

		assertProblem(answer, 400, "request_rejected");
	}

	@Test
	void a_search_in_every_plane_is_accepted() {
		Answer answer = whenKnown(() -> this.org.owner()
			.get(this.org.path() + "/memberships?search=" + URLEncoder.encode(EVERY_PLANE, StandardCharsets.UTF_8)
					+ "&min_version=" + this.org.version()));

		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		assertThat(answer.json().path("count").asLong()).isZero();
	}

	private JsonNode read(String pathAndQuery) {
		String separator = pathAndQuery.contains("?") ? "&" : "?";
		Answer answer = whenKnown(() -> this.org.owner()
			.get(this.org.path() + pathAndQuery + separator + "min_version=" + this.org.version()));
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		return answer.json();
	}

	/**
	 * Asks again while the query side does not know the organization yet: a query for one
	 * it has not seen answers 404 at once, whatever {@code min_version} says.
	 */
	static Answer whenKnown(Supplier<Answer> query) {
		Answer answer = query.get();
		for (int attempt = 0; answer.status() == 404 && attempt < 100; attempt++) {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			answer = query.get();
		}
		return answer;
	}

	/** What a problem's detail may not contain: names of classes, settings, parsers. */
	static void assertPlainWords(JsonNode problem) {
		assertThat(problem.path("detail").asString()).as(problem.toString())
			.doesNotContainIgnoringCase("exception")
			.doesNotContain("java.", "tools.jackson", "com.fasterxml", "jakarta.", "org.springframework", "`",
					"CoercionConfig", "JsonToken", "Source", "Feature", "static resource", "StreamRead", "Deserializ");
	}

}
