package io.membership.infra.security;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestDatabase;
import io.membership.infra.support.TestOrganization;

/**
 * The {@code email} claim is the one token claim the service stores (the Owner's address
 * on OrganizationCreated), so a token whose claim is not an address the API would accept
 * in a body is refused as an invalid token (401), on every request, before anything is
 * decided or stored. A token without the claim is fine.
 */
@PostgresServiceTest
class EmailClaimTest {

	private static final JsonMapper CLAIMS = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

	@LocalServerPort
	int port;

	static Stream<Arguments> invalidClaims() {
		return Stream.of(Arguments.of("2,000 characters", "a".repeat(1988) + "@members.test"),
				Arguments.of("255 characters",
						"a".repeat(64) + "@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".test"),
				Arguments.of("not an address", "not an email"), Arguments.of("empty", ""),
				Arguments.of("an array", List.of("a@members.test", "b@members.test")),
				Arguments.of("an object", Map.of("address", "a@members.test")), Arguments.of("a number", 42),
				Arguments.of("a boolean", true), Arguments.of("a NUL", "owner\u0000@members.test"),
				Arguments.of("a line feed", "owner@members.test\nX-Forged: 1"),
				Arguments.of("a bidirectional override", "owner\u202e@members.test"),
				Arguments.of("an unpaired surrogate", "owner\ud800@members.test"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidClaims")
	void a_token_whose_email_claim_is_not_a_valid_address_is_refused_and_nothing_is_stored(String what, Object claim)
			throws SQLException {
		long events = storedEvents();

		Answer answer = ApiClient.anonymous(this.port)
			.withToken(token(TestOrganization.newUserId(), claim))
			.post("/api/organizations", "{\"name\":\"Never created\"}");

		JsonNode problem = assertProblem(answer, 401, "unauthorized");
		assertThat(answer.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
		assertThat(problem.path("detail").asString()).startsWith("The token's email claim");
		assertThat(storedEvents()).isEqualTo(events);
	}

	@Test
	void a_token_with_an_invalid_email_claim_is_refused_on_queries_too() {
		TestOrganization org = TestOrganization.create(this.port);

		Answer answer = ApiClient.anonymous(this.port)
			.withToken(token(org.ownerId(), "not an email"))
			.get(org.path() + "/memberships");

		assertProblem(answer, 401, "unauthorized");
	}

	@Test
	void an_address_of_254_characters_is_accepted_stored_and_served_unchanged() {
		String email = "a".repeat(64) + "@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(56) + ".test";
		assertThat(email).hasSize(254);
		assertOwnerEmailServed(email);
	}

	@Test
	void a_plain_address_is_accepted_stored_and_served_unchanged() {
		assertOwnerEmailServed("owner.name+tag@members.test");
	}

	@Test
	void a_token_without_an_email_claim_is_accepted() {
		long owner = TestOrganization.newUserId();

		Answer created = ApiClient.anonymous(this.port)
			.withToken(token(owner, null))
			.post("/api/organizations", "{\"name\":\"No email\"}");

		assertThat(created.status()).as(created.toString()).isEqualTo(201);
	}

	private void assertOwnerEmailServed(String email) {
		long owner = TestOrganization.newUserId();
		ApiClient client = ApiClient.anonymous(this.port).withToken(token(owner, email));

		Answer created = client.post("/api/organizations", "{\"name\":\"Owner with an email\"}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);

		Answer member = whenKnown(() -> client.get("/api/organizations/"
				+ created.json().path("organization_id").asString() + "/memberships/" + owner + "?min_version=1"));
		assertThat(member.status()).as(member.toString()).isEqualTo(200);
		assertThat(member.json().path("email").asString()).isEqualTo(email);
	}

	/**
	 * An HS256 token for {@code userId} with this {@code email} claim (none if null). The
	 * claims are written with every non-ASCII character escaped, so that an unpaired
	 * surrogate reaches the service as {@code \ud800} rather than as the {@code ?} a
	 * UTF-8 encoder would make of it.
	 */
	static String token(long userId, Object email) {
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("sub", Long.toString(userId));
		claims.put("exp", Instant.now().plusSeconds(600).getEpochSecond());
		if (email != null) {
			claims.put("email", email);
		}
		JWSObject jwt = new JWSObject(new JWSHeader(JWSAlgorithm.HS256),
				new Payload(CLAIMS.writeValueAsString(claims)));
		try {
			jwt.sign(new MACSigner(ApiClient.TEST_SECRET.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	private static long storedEvents() throws SQLException {
		try (Connection connection = TestDatabase.get().connect();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM domainevententry")) {
			rows.next();
			return rows.getLong(1);
		}
	}

	/** Asks again while the query side does not know the new organization yet. */
	private static Answer whenKnown(Supplier<Answer> query) {
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

}
