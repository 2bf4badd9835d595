package io.membership.query.web;

import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.core.MethodParameter;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

import io.membership.events.ids.UserId;
import io.membership.query.view.PermissionView;

/** Builds the {@link QueryContext} of a query request. */
class QueryContextArgumentResolver implements HandlerMethodArgumentResolver {

	private static final String SCOPE_PREFIX = "SCOPE_";

	private final PermissionView view;

	private final MinVersionWaits waits;

	QueryContextArgumentResolver(PermissionView view, MinVersionWaits waits) {
		this.view = view;
		this.waits = waits;
	}

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return parameter.getParameterType() == QueryContext.class;
	}

	@Override
	public QueryContext resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
			NativeWebRequest request, WebDataBinderFactory binderFactory) {
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
		boolean waited = request.getAttribute(MinVersionWaits.WAITED_ATTRIBUTE,
				RequestAttributes.SCOPE_REQUEST) != null;
		return new QueryContext(UserId.valueOf(authentication.getName()), scopes,
				minVersion(request.getParameter("min_version")), this.view, this.waits, !waited);
	}

	private static Long minVersion(String raw) {
		if (raw == null || raw.isBlank()) {
			return null;
		}
		try {
			long version = Long.parseLong(raw.strip());
			if (version < 0) {
				throw new NumberFormatException();
			}
			return version;
		}
		catch (NumberFormatException ex) {
			throw QueryProblems.invalid("invalid_min_version", "min_version must be a non-negative integer.");
		}
	}

}
