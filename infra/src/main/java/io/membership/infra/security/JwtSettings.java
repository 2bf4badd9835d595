package io.membership.infra.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How bearer tokens are checked. With an issuer or a JWK set URI (production), tokens are
 * verified against the identity provider's keys; otherwise (the embedded default) they
 * are HS256 tokens signed with {@code secret}, whose UTF-8 bytes are the key.
 */
@ConfigurationProperties("membership.jwt")
public record JwtSettings(String secret, String issuerUri, String jwkSetUri) {

	static boolean hasText(String value) {
		return value != null && !value.isBlank();
	}

}
