package io.membership.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 bearer tokens as the embedded default accepts them (claims {@code sub} and
 * {@code exp}, signed with {@code MEMBERSHIP_JWT_SECRET}), minted here with the JDK
 * alone.
 */
final class Tokens {

	static final String SECRET = "membership-bench-secret-0123456789-abcdefgh";

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private Tokens() {
	}

	/** A token acting as the user, valid for the next twelve hours. */
	static String forUser(long userId) {
		String header = encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
		long expiresAt = Instant.now().plusSeconds(12 * 3600).getEpochSecond();
		String claims = encode("{\"sub\":\"" + userId + "\",\"exp\":" + expiresAt + "}");
		String signingInput = header + "." + claims;
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return signingInput + "."
					+ BASE64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	private static String encode(String json) {
		return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

}
