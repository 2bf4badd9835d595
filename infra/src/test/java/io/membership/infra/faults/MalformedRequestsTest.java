package io.membership.infra.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.membership.infra.faults.RawHttp.Response;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;

/**
 * What the fuzzer found answered 500 or was let through, pinned down: bytes a client
 * library would never send, so the requests are written by hand.
 */
@PostgresServiceTest
class MalformedRequestsTest {

	@LocalServerPort
	int port;

	@Test
	void a_correlation_id_with_bytes_the_firewall_refuses_is_a_400_problem() {
		TestOrganization org = TestOrganization.create(this.port);
		Response answer = RawHttp
			.send(this.port, "POST", bytes(org.path() + "/workspaces"),
					List.of(bearer(org.ownerId()), header("Content-Type", "application/json"),
							header("X-Correlation-Id", "caf\u00e9-\ud83d\ude00")),
					bytes("{\"title\":\"Never created\"}"));
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.code()).isEqualTo("request_rejected");
		org.assertNothingStored();
	}

	@Test
	void a_query_string_that_cannot_be_decoded_is_a_400_problem() {
		TestOrganization org = TestOrganization.create(this.port);
		Response answer = RawHttp.send(this.port, "GET", bytes(org.path() + "/permissions/matrix?x=%ZZ"),
				List.of(bearer(org.ownerId())), null);
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.code()).isEqualTo("invalid_parameter");
	}

	@Test
	void a_request_with_two_authorization_headers_is_not_authenticated() {
		TestOrganization org = TestOrganization.create(this.port);
		Response answer = RawHttp.send(
				this.port, "POST", bytes(org.path() + "/workspaces"), List.of(bearer(org.ownerId()),
						header("Authorization", "Bearer not-a-token"), header("Content-Type", "application/json")),
				bytes("{\"title\":\"Never created\"}"));
		assertThat(answer.status()).isEqualTo(401);
		assertThat(answer.code()).isEqualTo("unauthorized");
		org.assertNothingStored();
	}

	@Test
	void a_path_the_firewall_refuses_is_a_400_problem() {
		TestOrganization org = TestOrganization.create(this.port);
		Response answer = RawHttp.send(this.port, "POST", bytes(org.path().replace("/api/", "/api/./") + "/workspaces"),
				List.of(bearer(org.ownerId()), header("Content-Type", "application/json")),
				bytes("{\"title\":\"Never created\"}"));
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.code()).isEqualTo("request_rejected");
		org.assertNothingStored();
	}

	@Test
	void raw_bytes_in_the_path_that_tomcat_refuses_while_reading_are_a_400_problem() {
		TestOrganization org = TestOrganization.create(this.port);
		byte[] path = bytes(org.path() + "/workspaces");
		path[path.length - 3] = (byte) 0xC4;
		Response answer = RawHttp.send(this.port, "POST", path,
				List.of(bearer(org.ownerId()), header("Content-Type", "application/json")),
				bytes("{\"title\":\"Never created\"}"));
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.isProblem()).as("content type %s", answer.contentType()).isTrue();
		assertThat(answer.code()).isEqualTo("request_rejected");
		org.assertNothingStored();
	}

	@Test
	void headers_over_tomcats_limit_are_a_400_problem() {
		TestOrganization org = TestOrganization.create(this.port);
		Response answer = RawHttp.send(
				this.port, "POST", bytes(org.path() + "/workspaces"), List.of(bearer(org.ownerId()),
						header("Content-Type", "application/json"), header("X-Padding", "p".repeat(9 * 1024))),
				bytes("{\"title\":\"Never created\"}"));
		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.isProblem()).as("content type %s", answer.contentType()).isTrue();
		assertThat(answer.code()).isEqualTo("request_rejected");
		org.assertNothingStored();
	}

	@Test
	void a_body_without_a_content_type_is_a_415_problem() {
		TestOrganization org = TestOrganization.create(this.port);
		long member = org.join("AN").userId();
		for (String command : List.of("/memberships/" + member + "/deactivate", "/workspaces")) {
			Response answer = RawHttp.send(this.port, "POST", bytes(org.path() + command),
					List.of(bearer(org.ownerId())), bytes("{\"title\":\"Never created\"}"));
			assertThat(answer.status()).as(command).isEqualTo(415);
			assertThat(answer.code()).isEqualTo("unsupported_media_type");
		}
		org.assertNothingStored();
	}

	@Test
	void a_trace_request_is_a_405_problem() {
		Response answer = RawHttp.send(this.port, "TRACE", bytes("/api/organizations"), List.of(), null);
		assertThat(answer.status()).isEqualTo(405);
		assertThat(answer.isProblem()).as("content type %s", answer.contentType()).isTrue();
		assertThat(answer.code()).isEqualTo("method_not_allowed");
	}

	private static Map.Entry<String, byte[]> bearer(long userId) {
		return header("Authorization", "Bearer "
				+ ApiClient.token(Long.toString(userId), null, Instant.now().plusSeconds(600), ApiClient.TEST_SECRET));
	}

	private static Map.Entry<String, byte[]> header(String name, String value) {
		return Map.entry(name, bytes(value));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
