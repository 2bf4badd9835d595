package io.membership.infra.security;

import java.util.Collection;
import java.util.List;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

import io.membership.events.Limits;
import io.membership.web.Caller;

/**
 * Who a token speaks for (API.md, "Security events"): a user, whose id (a positive
 * integer) is in the configured claim ({@code sub} unless
 * {@code MEMBERSHIP_JWT_USER_ID_CLAIM} names another); or a service principal, a token
 * with a {@code membership:*} scope, whose {@code sub} may be anything an identity
 * provider issues to a client (a UUID, a client id) of up to 64 printable ASCII
 * characters. Any other token is refused.
 */
final class UserIdClaimValidator implements OAuth2TokenValidator<Jwt> {

	/** The scopes that make a token a service principal's. */
	static final String SERVICE_SCOPE_PREFIX = "membership:";

	private final String claim;

	UserIdClaimValidator(String claim) {
		this.claim = claim;
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt jwt) {
		if (Caller.isUserId(jwt.getClaimAsString(this.claim))) {
			return OAuth2TokenValidatorResult.success();
		}
		if (isServicePrincipal(jwt) && isClientId(jwt.getSubject())) {
			return OAuth2TokenValidatorResult.success();
		}
		return OAuth2TokenValidatorResult.failure(new TokenRuleError("The token's " + this.claim
				+ " must be a positive integer user id, or the token a service principal's (a membership:* scope "
				+ "and a sub of 1 to " + Limits.ID + " printable characters)."));
	}

	/**
	 * The name a request is authenticated as: the user id from the claim, or a service
	 * principal's {@code sub}.
	 */
	static String principal(Jwt jwt, String claim) {
		String userId = jwt.getClaimAsString(claim);
		return Caller.isUserId(userId) ? userId : jwt.getSubject();
	}

	private static boolean isServicePrincipal(Jwt jwt) {
		return scopes(jwt).stream().anyMatch((scope) -> scope.startsWith(SERVICE_SCOPE_PREFIX));
	}

	/**
	 * The {@code scope} claim (space-separated, as Keycloak writes it) or {@code scp}.
	 */
	private static Collection<String> scopes(Jwt jwt) {
		Object scope = jwt.getClaim("scope");
		if (scope instanceof String text) {
			return List.of(text.trim().split("\\s+"));
		}
		Object scp = jwt.getClaim("scp");
		if (scp instanceof Collection<?> list) {
			return list.stream().map(String::valueOf).toList();
		}
		if (scope instanceof Collection<?> list) {
			return list.stream().map(String::valueOf).toList();
		}
		return List.of();
	}

	private static boolean isClientId(String subject) {
		return subject != null && !subject.isEmpty() && subject.length() <= Limits.ID
				&& subject.chars().allMatch((character) -> character > 0x20 && character < 0x7f);
	}

}
