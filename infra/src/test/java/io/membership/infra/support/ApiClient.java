package io.membership.infra.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to the running service over real HTTP, as an upstream app would, with HS256
 * tokens signed by the test secret.
 */
public final class ApiClient {

	public static final String TEST_SECRET = "membership-test-secret-0123456789-abcdef";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * One HTTP client for every {@link ApiClient}: it is thread-safe, and a client per
	 * request would each hold a selector thread until garbage collected.
	 */
	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final String baseUrl;

	private final String token;

	private final Map<String, String> headers;

	private ApiClient(String baseUrl, String token, Map<String, String> headers) {
		this.baseUrl = baseUrl;
		this.token = token;
		this.headers = headers;
	}

	public static ApiClient anonymous(int port) {
		return new ApiClient("http://localhost:" + port, null, Map.of());
	}

	/** A client acting as the given user id. */
	public static ApiClient as(int port, long userId) {
		return anonymous(port)
			.withToken(token(Long.toString(userId), null, Instant.now().plusSeconds(600), TEST_SECRET));
	}

	/**
	 * A client acting as the given user id whose token's {@code email} claim holds
	 * {@code email}: the address their identity provider vouches for.
	 */
	public static ApiClient as(int port, long userId, String email) {
		return anonymous(port)
			.withToken(token(Long.toString(userId), null, email, Instant.now().plusSeconds(600), TEST_SECRET));
	}

	public ApiClient withToken(String newToken) {
		return new ApiClient(this.baseUrl, newToken, this.headers);
	}

	public ApiClient withHeader(String name, String value) {
		Map<String, String> more = new LinkedHashMap<>(this.headers);
		more.put(name, value);
		return new ApiClient(this.baseUrl, this.token, more);
	}

	public static String token(String subject, String scope, Instant expiresAt, String secret) {
		return token(subject, scope, expiresAt, secret, Map.of());
	}

	public static String token(String subject, String scope, String email, Instant expiresAt, String secret) {
		return token(subject, scope, expiresAt, secret, (email != null) ? Map.of("email", email) : Map.of());
	}

	public static String token(String subject, String scope, Instant expiresAt, String secret,
			Map<String, Object> extraClaims) {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject);
		extraClaims.forEach(claims::claim);
		if (expiresAt != null) {
			claims.expirationTime(Date.from(expiresAt));
		}
		if (scope != null) {
			claims.claim("scope", scope);
		}
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
		try {
			jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	public Answer get(String path) {
		return send("GET", path, null);
	}

	public Answer post(String path, String json) {
		return send("POST", path, json);
	}

	public Answer patch(String path, String json) {
		return send("PATCH", path, json);
	}

	public Answer delete(String path) {
		return send("DELETE", path, null);
	}

	public Answer send(String method, String path, String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(30))
			.method(method,
					(json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		if (json != null && this.headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
			request.header("Content-Type", "application/json");
		}
		if (this.token != null) {
			request.header("Authorization", "Bearer " + this.token);
		}
		this.headers.forEach(request::header);
		try {
			HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Answer(response.statusCode(), response.headers().map(), response.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** One HTTP answer: status, headers and the body parsed as JSON where it is JSON. */
	public record Answer(int status, Map<String, java.util.List<String>> headers, String text) {

		public JsonNode json() {
			return JSON.readTree(this.text);
		}

		public String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().equalsIgnoreCase(name))
				.map((entry) -> entry.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

		public String code() {
			return json().path("code").asString();
		}

		@Override
		public String toString() {
			return this.status + " " + this.text;
		}

	}

}
