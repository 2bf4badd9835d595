package io.membership.infra.errors;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;

/**
 * One content-type rule for every endpoint that takes a body: {@code application/json},
 * with or without {@code charset=utf-8}. Anything else, however JSON-like
 * ({@code application/merge-patch+json}, {@code text/json}), is 415 and stores nothing.
 */
@PostgresServiceTest
class JsonContentTypeTest {

	@LocalServerPort
	int port;

	private TestOrganization org;

	private Member member;

	@BeforeEach
	void createOrganization() {
		this.org = TestOrganization.create(this.port);
		this.member = this.org.join("AN");
	}

	/** Every command that takes a body, with a body it would accept. */
	private List<String[]> endpointsWithBodies() {
		String workspace = this.org.createWorkspace("Content types");
		String invitationToken = this.org.invite("content@members.test", "AN").json().path("token").asString();
		long user = this.member.userId();
		List<String[]> endpoints = new ArrayList<>();
		endpoints.add(new String[] { "POST", this.org.path() + "/invitations", "{\"email\":\"x@members.test\"}" });
		endpoints.add(new String[] { "POST", "/api/invitations/" + invitationToken + "/accept",
				"{\"user_id\":" + this.org.ownerId() + ",\"email\":\"content@members.test\"}" });
		endpoints.add(new String[] { "PATCH", this.org.path() + "/memberships",
				"{\"user_id\":" + user + ",\"role\":\"RE\"}" });
		endpoints
			.add(new String[] { "POST", this.org.path() + "/memberships/" + user + "/activate", "{\"role\":\"RE\"}" });
		endpoints.add(new String[] { "POST", this.org.path() + "/memberships/" + user + "/role", "{\"role\":\"RE\"}" });
		endpoints.add(new String[] { "POST", this.org.path() + "/memberships/" + user + "/deactivate", "{}" });
		endpoints.add(new String[] { "POST", this.org.path() + "/ownership", "{\"user_id\":" + user + "}" });
		endpoints.add(new String[] { "POST", this.org.path() + "/workspaces", "{\"title\":\"Refused\"}" });
		endpoints.add(new String[] { "POST", this.org.path() + "/workspaces/" + workspace + "/memberships",
				"{\"user_id\":" + user + "}" });
		return endpoints;
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "application/merge-patch+json", "application/json-patch+json", "text/plain", "text/json",
			"application/x-www-form-urlencoded", "application/octet-stream", "application/json; charset=iso-8859-1",
			"application/json; charset=utf-16", "application/json; profile=x", "application/problem+json" })
	void a_body_of_any_other_type_is_415_on_every_endpoint_and_stores_nothing(String contentType) {
		for (String[] endpoint : endpointsWithBodies()) {
			Answer answer = this.org.owner()
				.withHeader("Content-Type", contentType)
				.send(endpoint[0], endpoint[1], endpoint[2]);

			assertProblem(answer, 415, "unsupported_media_type");
		}
		this.org.assertNothingStored();
	}

	@Test
	void a_new_organization_with_a_merge_patch_body_is_415() {
		Answer answer = this.org.owner()
			.withHeader("Content-Type", "application/merge-patch+json")
			.post("/api/organizations", "{\"name\":\"Refused\"}");

		assertProblem(answer, 415, "unsupported_media_type");
	}

	@Test
	void deactivating_with_a_merge_patch_body_is_415_and_the_member_stays_active() {
		Answer answer = this.org.owner()
			.withHeader("Content-Type", "application/merge-patch+json")
			.post(this.org.path() + "/memberships/" + this.member.userId() + "/deactivate", "{}");

		assertProblem(answer, 415, "unsupported_media_type");
		this.org.assertNothingStored();
	}

	@Test
	void a_command_sent_without_a_body_needs_no_content_type() {
		Answer answer = ApiClient.as(this.port, this.org.ownerId())
			.send("POST", this.org.path() + "/memberships/" + this.member.userId() + "/deactivate", null);

		this.org.recorded(answer);
	}

	static Stream<Arguments> jsonTypes() {
		return Stream.of(Arguments.of("application/json"), Arguments.of("application/json;charset=UTF-8"),
				Arguments.of("application/json; charset=utf-8"), Arguments.of("Application/JSON; Charset=\"UTF-8\""));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("jsonTypes")
	void application_json_with_or_without_a_utf_8_charset_is_accepted(String contentType) {
		Answer answer = this.org.owner()
			.withHeader("Content-Type", contentType)
			.post(this.org.path() + "/memberships/" + this.member.userId() + "/deactivate",
					"{\"reason\":\"left the project\"}");

		this.org.recorded(answer);
		assertThat(answer.json().path("role").asString()).isEqualTo("DI");
	}

}
