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
 * Who sent a request, as its token says: the {@code sub} (a user id; the security
 * configuration refuses any other), the scopes of its {@code scope} claim, and the
 * {@code email} claim if it has one. Every door reads the caller here, so a command, a
 * query and the audit trail all name the same user and the same scopes.
 */
public record Caller(UserId userId, Set<String> scopes, String email) {

	/** A service that may accept invitations on a user's behalf. */
	public static final String INVITATIONS_SCOPE = "membership:invitations";

	/** A service that may read every organization's audit trail, and only read it. */
	public static final String AUDIT_SCOPE = "membership:audit";

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
		return new Caller(UserId.valueOf(authentication.getName()), scopes, email);
	}

	public boolean hasScope(String scope) {
		return this.scopes.contains(scope);
	}

}
