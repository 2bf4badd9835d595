package io.membership.infra.security;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

/**
 * The route a request matched
 * ({@code /api/organizations/{organizationId}/memberships/{userId}/role}) and its
 * variables: what a security event records instead of the path, which can hold an
 * invitation token. Spring MVC leaves both on a request it dispatched; a request refused
 * before it (an invalid token, the idempotency filter's 409) is matched here against the
 * same routes.
 */
@Component
class RouteTemplates {

	private final ObjectProvider<RequestMappingHandlerMapping> handlerMapping;

	private volatile List<PathPattern> patterns;

	RouteTemplates(
			@Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> handlerMapping) {
		this.handlerMapping = handlerMapping;
	}

	/** The route the request matched, or null when it matches none. */
	@SuppressWarnings("unchecked")
	Route of(HttpServletRequest request) {
		Object matched = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		if (matched != null) {
			Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
			return new Route(matched.toString(),
					(variables instanceof Map<?, ?> map) ? (Map<String, String>) map : Map.of());
		}
		PathContainer path = PathContainer.parsePath(request.getRequestURI());
		for (PathPattern pattern : patterns()) {
			PathPattern.PathMatchInfo match = pattern.matchAndExtract(path);
			if (match != null) {
				return new Route(pattern.getPatternString(), match.getUriVariables());
			}
		}
		return null;
	}

	/** Every route of the API, the most specific first, as Spring MVC would choose. */
	private List<PathPattern> patterns() {
		List<PathPattern> known = this.patterns;
		if (known == null) {
			RequestMappingHandlerMapping mapping = this.handlerMapping.getIfAvailable();
			known = (mapping == null) ? List.of()
					: mapping.getHandlerMethods()
						.keySet()
						.stream()
						.map((info) -> info.getPathPatternsCondition())
						.filter(Objects::nonNull)
						.map(PathPatternsRequestCondition::getPatterns)
						.flatMap((patterns) -> patterns.stream())
						.distinct()
						.sorted(Comparator.nullsLast(PathPattern.SPECIFICITY_COMPARATOR))
						.toList();
			this.patterns = known;
		}
		return known;
	}

	/** A route template and the values of its variables in the request's path. */
	record Route(String template, Map<String, String> variables) {
	}

}
