package io.membership.infra.security;

import static io.membership.infra.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.membership.infra.MembershipApplication;
import io.membership.infra.support.ApiClient;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.TestOrganization;

/**
 * Tokens shaped like Keycloak's (API.md, "Security events"): RS256, verified with the
 * keys of a JWKS the test serves, an {@code aud} that must name the service, the user id
 * in a configured claim ({@code user_id}) while {@code sub} is Keycloak's UUID, and a
 * service principal (client credentials: a UUID {@code sub} and a {@code membership:*}
 * scope). The service runs on its embedded default with only the token settings changed.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class IdentityProviderTokensTest {

	private static final String AUDIENCE = "membership-api";

	private static final String ISSUER = "http://127.0.0.1/realms/labeling";

	@TempDir
	static Path dataDirectory;

	private static HttpServer identityProvider;

	private static RSAKey signingKey;

	private static ConfigurableApplicationContext application;

	private static int port;

	@BeforeAll
	static void startTheIdentityProviderAndTheService() throws Exception {
		signingKey = new RSAKeyGenerator(2048).keyID("realm-key-1").generate();
		byte[] jwks = new JWKSet(signingKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
		identityProvider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		identityProvider.createContext("/realms/labeling/protocol/openid-connect/certs", (exchange) -> {
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, jwks.length);
			exchange.getResponseBody().write(jwks);
			exchange.close();
		});
		identityProvider.start();
		String jwkSetUri = "http://127.0.0.1:" + identityProvider.getAddress().getPort()
				+ "/realms/labeling/protocol/openid-connect/certs";
		application = new SpringApplicationBuilder(MembershipApplication.class).run("--server.port=0",
				"--management.server.port=0", "--membership.data-dir=" + dataDirectory,
				"--membership.kafka.embedded.port=0", "--spring.main.banner-mode=off",
				"--membership.jwt.jwk-set-uri=" + jwkSetUri, "--membership.jwt.audience=" + AUDIENCE,
				"--membership.jwt.user-id-claim=user_id");
		port = application.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	@AfterAll
	static void stop() {
		if (application != null) {
			application.close();
		}
		if (identityProvider != null) {
			identityProvider.stop(0);
		}
	}

	/** A user's access token as Keycloak issues it, with a user id attribute mapped. */
	private static JWTClaimsSet.Builder userToken(long userId) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(ISSUER)
			.subject(UUID.randomUUID().toString())
			.audience(List.of(AUDIENCE, "account"))
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(300)))
			.claim("typ", "Bearer")
			.claim("azp", "labeling-app")
			.claim("scope", "openid email profile")
			.claim("preferred_username", "user" + userId)
			.claim("user_id", Long.toString(userId));
	}

	/** A client-credentials token: no user at all, a UUID sub and a service scope. */
	private static JWTClaimsSet.Builder serviceToken(String scope) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(ISSUER)
			.subject(UUID.randomUUID().toString())
			.audience(AUDIENCE)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(300)))
			.claim("typ", "Bearer")
			.claim("azp", "audit-exporter")
			.claim("clientId", "audit-exporter")
			.claim("scope", "profile " + scope);
	}

	private static String signed(JWTClaimsSet.Builder claims, RSAKey key) throws Exception {
		SignedJWT token = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
				claims.build());
		token.sign(new RSASSASigner(key));
		return token.serialize();
	}

	private static ApiClient client(String token) {
		return ApiClient.anonymous(port).withToken(token);
	}

	private static void assertInvalidToken(Answer answer) {
		assertProblem(answer, 401, "unauthorized");
		assertThat(answer.header("WWW-Authenticate")).as(answer.toString()).contains("error=\"invalid_token\"");
	}

	@Test
	void a_keycloak_user_token_acts_as_the_user_its_configured_claim_names() throws Exception {
		long userId = TestOrganization.newUserId();
		ApiClient owner = client(signed(userToken(userId), signingKey));
		Answer created = owner.post("/api/organizations", "{\"name\":\"Keycloak realm\"}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		String organization = created.json().get("organization_id").asString();
		TestOrganization.awaitMember(owner, "/api/organizations/" + organization, 1);
		Answer self = owner.get("/api/organizations/" + organization + "/memberships/" + userId);
		assertThat(self.status()).as(self.toString()).isEqualTo(200);
		assertThat(self.json().get("role").asString()).isEqualTo("OW");
	}

	@Test
	void a_token_for_another_audience_is_refused() throws Exception {
		String token = signed(userToken(TestOrganization.newUserId()).audience(List.of("account")), signingKey);
		assertInvalidToken(client(token).post("/api/organizations", "{\"name\":\"Wrong audience\"}"));
	}

	@Test
	void expiry_and_not_before_hold_with_at_most_a_minute_of_clock_skew() throws Exception {
		Instant now = Instant.now();
		Date issuedEarlier = Date.from(now.minusSeconds(300));
		String justExpired = signed(userToken(TestOrganization.newUserId()).issueTime(issuedEarlier)
			.notBeforeTime(issuedEarlier)
			.expirationTime(Date.from(now.minusSeconds(20))), signingKey);
		Answer withinSkew = client(justExpired).post("/api/organizations", "{\"name\":\"Within skew\"}");
		assertThat(withinSkew.status()).as("20 s past exp is within the skew: " + withinSkew).isEqualTo(201);
		String expired = signed(userToken(TestOrganization.newUserId()).issueTime(issuedEarlier)
			.notBeforeTime(issuedEarlier)
			.expirationTime(Date.from(now.minusSeconds(120))), signingKey);
		assertInvalidToken(client(expired).post("/api/organizations", "{\"name\":\"Expired\"}"));
		String notYet = signed(userToken(TestOrganization.newUserId()).notBeforeTime(Date.from(now.plusSeconds(120)))
			.expirationTime(Date.from(now.plusSeconds(600))), signingKey);
		assertInvalidToken(client(notYet).post("/api/organizations", "{\"name\":\"Not yet\"}"));
	}

	@Test
	void only_the_identity_providers_keys_and_algorithm_are_accepted() throws Exception {
		RSAKey stranger = new RSAKeyGenerator(2048).keyID("realm-key-1").generate();
		assertInvalidToken(client(signed(userToken(TestOrganization.newUserId()), stranger)).post("/api/organizations",
				"{\"name\":\"Forged\"}"));
		String hs256 = ApiClient.token(Long.toString(TestOrganization.newUserId()), null, Instant.now().plusSeconds(60),
				ApiClient.TEST_SECRET);
		assertInvalidToken(client(hs256).post("/api/organizations", "{\"name\":\"Other algorithm\"}"));
	}

	@Test
	void a_service_principal_with_a_uuid_sub_reads_the_audit_trail_but_acts_for_no_user() throws Exception {
		ApiClient auditor = client(signed(serviceToken("membership:audit"), signingKey));
		Answer export = auditor.get("/api/audit/events");
		assertThat(export.status()).as(export.toString()).isEqualTo(200);
		long ownerId = TestOrganization.newUserId();
		String organization = client(signed(userToken(ownerId), signingKey))
			.post("/api/organizations", "{\"name\":\"Audited\"}")
			.json()
			.get("organization_id")
			.asString();
		assertThat(auditor.get("/api/organizations/" + organization + "/audit/events").status()).isEqualTo(200);
		assertProblem(auditor.get("/api/organizations/" + organization + "/memberships"), 403, "action_not_permitted");
		assertProblem(auditor.post("/api/organizations", "{\"name\":\"As nobody\"}"), 403, "action_not_permitted");
	}

	@Test
	void a_token_without_a_user_id_that_is_no_service_principal_is_refused() throws Exception {
		String token = signed(userToken(1).claim("user_id", null), signingKey);
		assertInvalidToken(client(token).post("/api/organizations", "{\"name\":\"Nobody\"}"));
		String other = signed(serviceToken("labeling:read"), signingKey);
		assertInvalidToken(client(other).get("/api/audit/events"));
	}

	@Test
	void a_service_principal_accepts_an_invitation_for_the_user_who_joins() throws Exception {
		long ownerId = TestOrganization.newUserId();
		ApiClient owner = client(signed(userToken(ownerId), signingKey));
		String organization = owner.post("/api/organizations", "{\"name\":\"Invitations\"}")
			.json()
			.get("organization_id")
			.asString();
		String invitation = owner
			.post("/api/organizations/" + organization + "/invitations",
					"{\"email\":\"joiner@idp.test\",\"role\":\"AN\"}")
			.json()
			.get("token")
			.asString();
		long joiner = TestOrganization.newUserId();
		Answer joined = client(signed(serviceToken("membership:invitations"), signingKey)).post(
				"/api/invitations/" + invitation + "/accept",
				"{\"user_id\":" + joiner + ",\"email\":\"joiner@idp.test\"}");
		assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
		Answer history = owner.get("/api/organizations/" + organization + "/memberships/" + joiner
				+ "/role-history?min_version=" + joined.json().get("version").asLong());
		assertThat(history.status()).as(history.toString()).isEqualTo(200);
		assertThat(history.json().path("history").get(0).get("actor_user_id").asLong())
			.as("the service acted for the user who joined")
			.isEqualTo(joiner);
	}

}
