package io.membership.infra.security;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How bearer tokens are checked. With an issuer or a JWK set URI (production), tokens are
 * verified against the identity provider's keys, with one of {@code algorithms};
 * otherwise (the embedded default) they are HS256 tokens signed with {@code secret},
 * whose UTF-8 bytes are the key.
 *
 * @param secret the HS256 key of the embedded default ({@code MEMBERSHIP_JWT_SECRET})
 * @param issuerUri the identity provider's issuer ({@code MEMBERSHIP_JWT_ISSUER_URI})
 * @param jwkSetUri its keys ({@code MEMBERSHIP_JWT_JWK_SET_URI})
 * @param audience when set, a token's {@code aud} must contain it
 * ({@code MEMBERSHIP_JWT_AUDIENCE})
 * @param userIdClaim the claim that holds the user id
 * ({@code MEMBERSHIP_JWT_USER_ID_CLAIM}, default {@code sub})
 * @param algorithms the signature algorithms accepted from the identity provider
 * ({@code MEMBERSHIP_JWT_ALGORITHMS}, default {@code RS256})
 */
@ConfigurationProperties("membership.jwt")
public record JwtSettings(String secret, String issuerUri, String jwkSetUri, String audience, String userIdClaim,
		List<String> algorithms) {

	public JwtSettings {
		userIdClaim = hasText(userIdClaim) ? userIdClaim.strip() : "sub";
		algorithms = (algorithms == null || algorithms.isEmpty()) ? List.of("RS256") : List.copyOf(algorithms);
	}

	static boolean hasText(String value) {
		return value != null && !value.isBlank();
	}

}
