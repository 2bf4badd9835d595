package io.membership.infra.security;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import io.membership.audit.security.SecurityEvent;
import io.membership.audit.security.SecurityEventKind;
import io.membership.audit.security.SecurityEvents;
import io.membership.events.access.Action;
import io.membership.events.ids.OrganizationId;
import io.membership.infra.security.RouteTemplates.Route;
import io.membership.web.Caller;
import io.membership.web.CorrelationIds;
import io.membership.web.Problems;

/**
 * Turns a refused request into a security event (API.md, "Security events"), with what
 * may be recorded of it and nothing else: the route template rather than the path (which
 * can hold an invitation token), never the query string (a member search can be an e-mail
 * address), the body or the token. The organization and the member the request was about
 * come from the route's variables; the action and the member of a query from its
 * {@code action} and {@code user_id} parameters, only when they are well-formed ids.
 */
@Component
public class RefusedRequests {

	private static final Logger logger = LoggerFactory.getLogger(RefusedRequests.class);

	private final SecurityEvents events;

	private final RouteTemplates routes;

	RefusedRequests(SecurityEvents events, RouteTemplates routes) {
		this.events = events;
		this.routes = routes;
	}

	/**
	 * The kind of event a status answered to an authenticated caller is, or null for
	 * none: every 403, and a 409 or 412 of a command (queries answer neither).
	 */
	static SecurityEventKind kindOf(int status, String method) {
		boolean command = !(HttpMethod.GET.matches(method) || HttpMethod.HEAD.matches(method));
		return switch (status) {
			case 403 -> SecurityEventKind.FORBIDDEN;
			case 409 -> command ? SecurityEventKind.REFUSED : null;
			case 412 -> command ? SecurityEventKind.PRECONDITION_FAILED : null;
			default -> null;
		};
	}

	/** An authenticated caller's request refused with the status's kind. */
	void refused(HttpServletRequest request, SecurityEventKind kind, Caller caller, int status) {
		Object code = request.getAttribute(Problems.CODE_ATTRIBUTE);
		record(request, kind, caller.principal(),
				(code != null) ? code.toString() : Problems.defaultCode(HttpStatus.valueOf(status)));
	}

	/**
	 * A request whose bearer token was not valid: it names no caller the service could
	 * believe.
	 */
	void invalidToken(HttpServletRequest request, String code) {
		record(request, SecurityEventKind.INVALID_TOKEN, null, code);
	}

	/**
	 * Records the event; a failure to is logged, never passed to the request, whose
	 * answer is made already.
	 */
	private void record(HttpServletRequest request, SecurityEventKind kind, String caller, String code) {
		try {
			recordOrThrow(request, kind, caller, code);
		}
		catch (RuntimeException ex) {
			logger.warn("A refused request could not be recorded as a security event", ex);
		}
	}

	private void recordOrThrow(HttpServletRequest request, SecurityEventKind kind, String caller, String code) {
		Route route = this.routes.of(request);
		String organization = null;
		Long subject = null;
		if (route != null) {
			String organizationId = route.variables().get("organizationId");
			if (organizationId != null && isOrganizationId(organizationId)) {
				organization = organizationId;
			}
			subject = userId(route.variables().get("userId"));
		}
		String action = null;
		// Only a GET's parameters: reading those of a POST could consume a form body.
		if (HttpMethod.GET.matches(request.getMethod())) {
			String named = parameter(request, "action");
			action = (named != null) ? Action.fromId(named).map(Action::id).orElse(null) : null;
			if (subject == null) {
				subject = userId(parameter(request, "user_id"));
			}
		}
		this.events.record(kind,
				new SecurityEvent.Request(organization, caller, request.getMethod(),
						(route != null) ? route.template() : SecurityEvent.Request.NO_ROUTE, action, subject, code,
						correlationId(request), request.getRemoteAddr()));
	}

	/**
	 * A query parameter, or null when the query string cannot be decoded (Tomcat says so
	 * when a parameter is first read): the event is recorded without it.
	 */
	private static String parameter(HttpServletRequest request, String name) {
		try {
			return request.getParameter(name);
		}
		catch (RuntimeException undecodable) {
			return null;
		}
	}

	private static boolean isOrganizationId(String value) {
		try {
			new OrganizationId(value);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static Long userId(String value) {
		return Caller.isUserId(value) ? Long.valueOf(value) : null;
	}

	/** The id the request's log lines carry: the caller's, or the one made up for it. */
	private static String correlationId(HttpServletRequest request) {
		String header = request.getHeader(CorrelationIds.HEADER);
		if (CorrelationIds.isValid(header)) {
			return header;
		}
		Object generated = request.getAttribute(CorrelationIds.ATTRIBUTE);
		return (generated != null) ? generated.toString() : CorrelationIds.newId();
	}

}
