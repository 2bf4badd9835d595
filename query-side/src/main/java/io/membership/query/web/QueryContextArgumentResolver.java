package io.membership.query.web;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

import io.membership.query.view.PermissionView;
import io.membership.web.Caller;

/** Builds the {@link QueryContext} of a query request. */
class QueryContextArgumentResolver implements HandlerMethodArgumentResolver {

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
		Caller caller = Caller.current();
		boolean waited = request.getAttribute(MinVersionWaits.WAITED_ATTRIBUTE,
				RequestAttributes.SCOPE_REQUEST) != null;
		return new QueryContext(caller.user(), minVersion(request.getParameter("min_version")), this.view, this.waits,
				!waited);
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
