package io.membership.web;

import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.ClaimAccessor;

import io.membership.events.ids.UserId;

/**
 * Who sent a request, as its token says: the user id (the claim the service is configured
 * to read, {@code sub} by default), the scopes of its {@code scope} claim, and the
 * {@code email} claim if it has one. Every door reads the caller here, so a command, a
 * query and the audit trail all name the same user and the same scopes.
 *
 * <p>
 * A service principal (a token with a {@code membership:*} scope, such as an identity
 * provider's client-credentials token) may carry no user id at all, only a {@code sub}
 * such as a UUID: it then has its scopes and no {@link #userId()}, and every door that
 * acts for a user refuses it ({@link #user()}).
 *
 * @param userId the acting user, or null for a service principal without one
 * @param principal the token's user id, or the service principal's {@code sub}
 */
public record Caller(UserId userId, String principal, Set<String> scopes, String email) {

	/** A service that may accept invitations on a user's behalf. */
	public static final String INVITATIONS_SCOPE = "membership:invitations";

	/** A service that may read every organization's audit trail, and only read it. */
	public static final String AUDIT_SCOPE = "membership:audit";

	/** A service that may erase a person's personal data (API.md, erasure). */
	public static final String ERASURE_SCOPE = "membership:erasure";

	private static final String SCOPE_PREFIX = "SCOPE_";

	public Caller {
		scopes = Set.copyOf(scopes);
	}

	/**
	 * The authenticated caller of the current request.
	 * @throws AuthenticationCredentialsNotFoundException if there is none (a 401)
	 */
	public static Caller current() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()) {
			throw new AuthenticationCredentialsNotFoundException("No authenticated caller");
		}
		Set<String> scopes = authentication.getAuthorities()
			.stream()
			.map(GrantedAuthority::getAuthority)
			.filter((authority) -> authority != null && authority.startsWith(SCOPE_PREFIX))
			.map((authority) -> authority.substring(SCOPE_PREFIX.length()))
			.collect(Collectors.toUnmodifiableSet());
		String email = (authentication.getPrincipal() instanceof ClaimAccessor claims)
				? claims.getClaimAsString("email") : null;
		String principal = authentication.getName();
		UserId userId = isUserId(principal) ? UserId.valueOf(principal) : null;
		return new Caller(userId, principal, scopes, email);
	}

	/** Whether a token's claim holds a user id: a positive integer (Label Studio's). */
	public static boolean isUserId(String claim) {
		return claim != null && claim.matches("[1-9][0-9]{0,17}");
	}

	/**
	 * The acting user.
	 * @throws org.springframework.web.ErrorResponseException 403 for a service principal
	 * without a user id
	 */
	public UserId user() {
		if (this.userId == null) {
			throw Problems.actionNotPermitted("This request acts as a user, and the token is a service principal's ("
					+ this.principal + ") without a user id.");
		}
		return this.userId;
	}

	public boolean hasScope(String scope) {
		return this.scopes.contains(scope);
	}

}
