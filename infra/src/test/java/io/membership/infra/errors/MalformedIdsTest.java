package io.membership.infra.errors;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import io.membership.events.ids.OrganizationId;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;

/**
 * An id in a path or a query parameter that this service cannot have generated is refused
 * with 400 before any handler looks it up; a client's mistake never writes a stack trace
 * to the log, and what a client sent is logged with its control characters escaped.
 */
@PostgresServiceTest
@ExtendWith(OutputCaptureExtension.class)
class MalformedIdsTest {

	/**
	 * Organization ids no generated id looks like: a placeholder, the wrong case, a
	 * non-hex digit, too long, control characters and a bidirectional override (encoded).
	 * An encoded line feed or NUL never gets this far: the firewall refuses the path
	 * ({@code request_rejected}, MalformedRequestsTest).
	 */
	static final List<String> MALFORMED_ORGANIZATIONS = List.of("org_unknown", "ORG_0123456789abcdef0123456789abcdef",
			"org_0123456789abcdef0123456789abcdeg", "x".repeat(70), "org_%01%1B%5B31m", "org_%E2%80%AE", "%20");

	/** Every endpoint on an organization, {org} to be replaced. */
	static final List<String> ORGANIZATION_ENDPOINTS = List.of("POST /workspaces {\"title\":\"Never\"}",
			"POST /invitations {\"email\":\"never@members.test\"}", "GET /invite-link", "POST /invite-link/reset",
			"PATCH /memberships {\"user_id\":1,\"role\":\"AN\"}", "POST /ownership {\"user_id\":1}",
			"POST /memberships/1/deactivate {}", "GET /memberships", "GET /memberships/1", "GET /activity-log",
			"GET /workspaces", "GET /permissions/matrix", "GET /permissions/check?user_id=1&action=invite_users",
			"GET /audit/events", "GET /audit/checkpoints", "POST /audit/checkpoints");

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	private TestOrganization org;

	@BeforeEach
	void createOrganization() {
		this.org = TestOrganization.create(this.port);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "org_unknown", "ORG_0123456789abcdef0123456789abcdef",
			"org_0123456789abcdef0123456789abcdeg", "org_%01%1B%5B31m", "org_%E2%80%AE", "%20", "org_%C2%85" })
	void a_malformed_organization_id_is_400_on_every_endpoint(String organization) {
		for (String endpoint : ORGANIZATION_ENDPOINTS) {
			String[] parts = endpoint.split(" ", 3);
			Answer answer = this.org.owner()
				.send(parts[0], "/api/organizations/" + organization + parts[1], (parts.length > 2) ? parts[2] : null);

			assertProblem(answer, 400, "invalid_organization_id");
		}
		this.org.assertNothingStored();
	}

	@Test
	void an_organization_id_longer_than_any_generated_one_is_400() {
		Answer answer = this.org.owner().get("/api/organizations/" + "org_" + "0".repeat(3000) + "/memberships");

		assertProblem(answer, 400, "invalid_organization_id");
	}

	@Test
	void a_well_formed_organization_id_that_names_nothing_is_still_404() {
		Answer answer = this.org.owner()
			.post("/api/organizations/" + OrganizationId.generate() + "/workspaces", "{\"title\":\"Never\"}");

		assertProblem(answer, 404, "organization_not_found");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(
			strings = { "ws_unknown", "ws_0123456789ABCDEF0123456789abcdef", "org_0123456789abcdef0123456789abcdef" })
	void a_malformed_workspace_id_is_400_in_a_path_and_in_a_query_parameter(String workspace) {
		assertProblem(this.org.owner()
			.post(this.org.path() + "/workspaces/" + workspace + "/memberships",
					"{\"user_id\":" + this.org.ownerId() + "}"),
				400, "invalid_workspace_id");
		assertProblem(this.org.owner().delete(this.org.path() + "/workspaces/" + workspace + "/memberships/1"), 400,
				"invalid_workspace_id");
		assertProblem(this.org.owner().get(this.org.path() + "/workspaces/" + workspace + "/memberships"), 400,
				"invalid_workspace_id");
		assertProblem(this.org.owner().get(this.org.path() + "/memberships?workspace=" + workspace), 400,
				"invalid_workspace_id");
		assertProblem(this.org.owner()
			.get(this.org.path() + "/permissions/check?user_id=1&action=workspace_read&workspace_id=" + workspace), 400,
				"invalid_workspace_id");
		assertProblem(
				this.org.owner()
					.get(this.org.path() + "/permissions/subjects?action=workspace_read&workspace_id=" + workspace),
				400, "invalid_workspace_id");
		this.org.assertNothingStored();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "user_id=abc", "user_id=%2B7", "user_id=%D9%A1", "actor=0", "subject=007" })
	void a_malformed_user_id_in_a_query_parameter_is_400(String parameter) {
		String name = parameter.substring(0, parameter.indexOf('='));
		String path = name.equals("user_id") ? "/permissions/check?action=invite_users&" : "/activity-log?";

		Answer answer = this.org.owner().get(this.org.path() + path + parameter);

		assertProblem(answer, 400, "invalid_" + name);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "inv_unknown", "inv_%1B", "x" })
	void a_malformed_invitation_id_is_400(String invitation) {
		Answer answer = this.org.owner().delete(this.org.path() + "/invitations/" + invitation);

		assertProblem(answer, 400, "invalid_invitation_id");
		this.org.assertNothingStored();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "abc", "0", "-1", "1.5", "+7", "007", "99999999999999999999", "%D9%A1", "%01" })
	void a_malformed_user_id_is_400_on_both_sides(String user) {
		for (String[] command : List.of(new String[] { "/memberships/" + user + "/role", "{\"role\":\"AN\"}" },
				new String[] { "/memberships/" + user + "/deactivate", "{}" })) {
			Answer answer = this.org.owner().post(this.org.path() + command[0], command[1]);
			assertThat(answer.status()).as(command[0] + " " + answer).isEqualTo(400);
			assertThat(answer.code()).as(answer.toString()).isIn("invalid_user_id", "invalid_parameter");
		}
		for (String path : List.of("/memberships/" + user, "/memberships/" + user + "/role-history",
				"/memberships/" + user + "/permissions")) {
			assertProblem(this.org.owner().get(this.org.path() + path), 400, "invalid_user_id");
		}
		this.org.assertNothingStored();
	}

	@Test
	void a_client_error_writes_no_stack_trace_and_what_the_client_sent_is_escaped(CapturedOutput output) {
		int before = output.getAll().length();
		for (String organization : MALFORMED_ORGANIZATIONS) {
			this.org.owner().post("/api/organizations/" + organization + "/workspaces", "{\"title\":\"Never\"}");
			this.org.owner().get("/api/organizations/" + organization + "/memberships");
		}
		this.org.owner().post("/api/organizations/" + OrganizationId.generate() + "/workspaces", "{\"title\":\"x\"}");
		this.org.owner().delete(this.org.path() + "/invitations/inv_%1B%5B31m");
		this.org.owner().post(this.org.path() + "/memberships/abc/role", "{\"role\":\"AN\"}");
		this.org.owner().post(this.org.path() + "/workspaces", "{\"title\":\"x\\u0000\"}");
		this.org.owner().post(this.org.path() + "/workspaces", "{\"title\":");

		String logged = output.getAll().substring(before);
		int requests = 2 * MALFORMED_ORGANIZATIONS.size() + 5;
		assertThat(logged).as("stack traces logged for client errors").doesNotContain("\tat ", "Exception");
		// Every request has its one line (API.md, "Operations"); a client error may add
		// one
		// more, short, and never a flood.
		assertThat(logged.lines().toList()).as("lines logged for %d client errors", requests)
			.hasSizeLessThanOrEqualTo(2 * requests)
			.allSatisfy((line) -> assertThat(line).hasSizeLessThan(400));
	}

	@Test
	void control_characters_in_a_logged_message_are_escaped(CapturedOutput output) {
		LoggerFactory.getLogger(MalformedIdsTest.class)
			.warn("A client sent {}", "org_\u001b[31mred\r\nFAKE ERROR line\u202e\u0000");

		String logged = output.getAll();
		assertThat(logged).contains("A client sent org_\\u001b[31mred\\r\\nFAKE ERROR line\\u202e\\u0000");
		assertThat(logged).doesNotContain("\u001b[31mred", "\u202e", "\u0000");
	}

	@Test
	void control_characters_in_a_logged_exception_message_are_escaped(CapturedOutput output) {
		LoggerFactory.getLogger(MalformedIdsTest.class)
			.warn("Failed", new IllegalStateException("bad id org_\u001b[2J\nFAKE line"));

		String logged = output.getAll();
		assertThat(logged).contains("bad id org_\\u001b[2J\\nFAKE line");
		assertThat(logged).doesNotContain("\u001b[2J");
	}

	/**
	 * The door checks path variables by name; a new endpoint naming its id another way
	 * would slip past it.
	 */
	@Test
	void every_path_variable_of_every_endpoint_is_one_the_door_checks() {
		Set<String> variables = new TreeSet<>();
		Pattern variable = Pattern.compile("\\{([^}/]+)}");
		this.mappings.getHandlerMethods().keySet().forEach((info) -> info.getPatternValues().forEach((pattern) -> {
			Matcher matcher = variable.matcher(pattern);
			while (matcher.find()) {
				variables.add(matcher.group(1));
			}
		}));

		assertThat(variables).containsExactlyInAnyOrder("organizationId", "workspaceId", "invitationId", "userId",
				"projectId", "token");
	}

}
