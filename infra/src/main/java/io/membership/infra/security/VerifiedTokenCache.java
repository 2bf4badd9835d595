package io.membership.infra.security;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.util.StringUtils;

/**
 * A decoder that parses and verifies each distinct token once and keeps the result for a
 * short while, since an upstream app sends the same token with request after request.
 *
 * <p>
 * Parsing a JWT and checking its signature was the largest single cost of a permission
 * check in a profile (two JSON parses and an HMAC or RSA verification, for an answer
 * taken from memory in about a microsecond). The cache is keyed by the whole compact
 * token, header, claims and signature: a hit is the very string whose signature was
 * verified before, so nothing unverified is ever accepted from it. The time-bound rules
 * ({@code exp}, {@code nbf}) and every other validator run again on each use, so a cached
 * token stops being accepted the moment it expires, exactly as without the cache. Only
 * tokens that passed are kept; a refused one is decoded (and refused) again every time.
 * An entry lives at most {@link #LIFETIME}, the same bound Nimbus puts on a cached JWK
 * set, so a key withdrawn by the identity provider stops being honoured just as late as
 * it would be without this cache.
 */
final class VerifiedTokenCache implements JwtDecoder {

	static final Duration LIFETIME = Duration.ofMinutes(5);

	private final JwtDecoder verifying;

	private final OAuth2TokenValidator<Jwt> validator;

	private final Cache<String, Jwt> verified;

	/**
	 * @param verifying decodes, verifies and validates a token it has not seen
	 * @param validator the same validators, run again on every use of a cached token
	 * @param maximumTokens how many distinct tokens are kept (least recently used go
	 * first)
	 */
	VerifiedTokenCache(JwtDecoder verifying, OAuth2TokenValidator<Jwt> validator, long maximumTokens) {
		this.verifying = verifying;
		this.validator = validator;
		this.verified = Caffeine.newBuilder().maximumSize(maximumTokens).expireAfterWrite(LIFETIME).build();
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		Jwt cached = this.verified.getIfPresent(token);
		if (cached == null) {
			Jwt jwt = this.verifying.decode(token);
			this.verified.put(token, jwt);
			return jwt;
		}
		OAuth2TokenValidatorResult result = this.validator.validate(cached);
		if (result.hasErrors()) {
			this.verified.invalidate(token);
			throw new JwtValidationException(describe(result), result.getErrors());
		}
		return cached;
	}

	/** The message {@code NimbusJwtDecoder} gives the same refusal. */
	private static String describe(OAuth2TokenValidatorResult result) {
		return result.getErrors()
			.stream()
			.map(OAuth2Error::getDescription)
			.filter(StringUtils::hasLength)
			.findFirst()
			.map((description) -> "An error occurred while attempting to decode the Jwt: " + description)
			.orElse("Unable to validate Jwt");
	}

}
