package io.membership.infra.web;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

import io.membership.events.ids.InvitationId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.text.TextRules;
import io.membership.web.Problems;

/**
 * What every request must look like before any handler sees it, checked in one place so
 * that no endpoint can forget it:
 * <ol>
 * <li>an endpoint that takes a body takes {@code application/json}, with or without
 * {@code charset=utf-8}, and nothing else (415), however JSON-like
 * ({@code application/merge-patch+json});</li>
 * <li>each id in the path or in a query parameter is one this service could have issued
 * (400 {@code invalid_organization_id}, {@code invalid_workspace_id},
 * {@code invalid_invitation_id}, {@code invalid_user_id}, {@code invalid_project_id},
 * ...); an id that cannot exist never reaches a lookup;</li>
 * <li>every query parameter, name and value, obeys the text rules (400
 * {@code invalid_text}).</li>
 * </ol>
 * Bodies are held to the same rules as they are read ({@link StrictJsonConfiguration}).
 */
final class RequestDoor implements HandlerInterceptor {

	/** The one content-type rule, as every 415 states it. */
	static final String JSON_ONLY = "Request bodies must be application/json, with or without charset=utf-8.";

	/** The path variables that hold ids, with the rule and the problem of each. */
	private static final Map<String, PathId> PATH_IDS = Map.of("organizationId",
			new PathId(OrganizationId::isWellFormed, "invalid_organization_id",
					"The organization id in the path is not one this service issues."),
			"workspaceId",
			new PathId(WorkspaceId::isWellFormed, "invalid_workspace_id",
					"The workspace id in the path is not one this service issues."),
			"invitationId",
			new PathId(InvitationId::isWellFormed, "invalid_invitation_id",
					"The invitation id in the path is not one this service issues."),
			"userId", new PathId(UserId::isWellFormed, "invalid_user_id", "user_id must be a positive integer."),
			"projectId", new PathId(ProjectId::isWellFormed, "invalid_project_id",
					"A project id is 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'."));

	/**
	 * The query parameters that hold ids, as the query side names them; blank is absent,
	 * and a user id may have spaces around it.
	 */
	private static final Map<String, PathId> QUERY_IDS = Map.of("workspace",
			new PathId(WorkspaceId::isWellFormed, "invalid_workspace_id",
					"The workspace id is not one this service issues."),
			"workspace_id",
			new PathId(WorkspaceId::isWellFormed, "invalid_workspace_id",
					"The workspace id is not one this service issues."),
			"user_id",
			new PathId((value) -> UserId.isWellFormed(value.strip()), "invalid_user_id",
					"user_id must be a positive integer."),
			"actor",
			new PathId((value) -> UserId.isWellFormed(value.strip()), "invalid_actor",
					"actor must be a user id, a positive integer."),
			"subject",
			new PathId((value) -> UserId.isWellFormed(value.strip()), "invalid_subject",
					"subject must be a user id, a positive integer."),
			"project_id", new PathId(ProjectId::isWellFormed, "invalid_project_id",
					"A project id is 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'."));

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		// A forward to /error carries the original request, which was already let in or
		// refused for a reason of its own.
		if (request.getDispatcherType() != DispatcherType.REQUEST) {
			return true;
		}
		if (handler instanceof HandlerMethod method && takesBody(method)) {
			requireJson(request);
		}
		requireWellFormedIds(request);
		requireValidQuery(request);
		return true;
	}

	private static boolean takesBody(HandlerMethod method) {
		for (MethodParameter parameter : method.getMethodParameters()) {
			if (parameter.hasParameterAnnotation(RequestBody.class)) {
				return true;
			}
		}
		return false;
	}

	private static void requireJson(HttpServletRequest request) {
		String header = request.getContentType();
		if (header == null || header.isBlank()) {
			boolean hasBody = request.getContentLengthLong() > 0
					|| request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
			if (hasBody) {
				throw unsupportedMediaType();
			}
			return;
		}
		MediaType type;
		try {
			type = MediaType.parseMediaType(header);
		}
		catch (InvalidMediaTypeException ex) {
			throw unsupportedMediaType();
		}
		if (!"application".equalsIgnoreCase(type.getType()) || !"json".equalsIgnoreCase(type.getSubtype())) {
			throw unsupportedMediaType();
		}
		for (String parameter : type.getParameters().keySet()) {
			if (!"charset".equalsIgnoreCase(parameter) || !isUtf8(type)) {
				throw unsupportedMediaType();
			}
		}
	}

	private static boolean isUtf8(MediaType type) {
		try {
			return StandardCharsets.UTF_8.equals(type.getCharset());
		}
		catch (IllegalCharsetNameException | UnsupportedCharsetException ex) {
			return false;
		}
	}

	private static ErrorResponseException unsupportedMediaType() {
		ErrorResponseException unsupported = new ErrorResponseException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, Problems
			.problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Unsupported Media Type", JSON_ONLY),
				null);
		unsupported.getHeaders().setAccept(List.of(MediaType.APPLICATION_JSON));
		return unsupported;
	}

	@SuppressWarnings("unchecked")
	private static void requireWellFormedIds(HttpServletRequest request) {
		Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
		if (!(variables instanceof Map<?, ?> map)) {
			return;
		}
		((Map<String, String>) map).forEach((name, value) -> {
			PathId rule = PATH_IDS.get(name);
			if (rule != null && !rule.wellFormed().test(value)) {
				throw badRequest(rule.code(), rule.detail());
			}
		});
	}

	private static void requireValidQuery(HttpServletRequest request) {
		if (request.getQueryString() == null) {
			return;
		}
		request.getParameterMap().forEach((name, values) -> {
			TextRules.violation(name, TextRules.Kind.LINE).ifPresent((violation) -> {
				throw badRequest("invalid_text", violation.describe("A query parameter name"));
			});
			for (String value : values) {
				TextRules.violation(value, TextRules.Kind.LINE).ifPresent((violation) -> {
					throw badRequest("invalid_text", violation.describe("Query parameter " + name));
				});
			}
			PathId id = QUERY_IDS.get(name);
			if (id != null) {
				for (String value : values) {
					if (!value.isBlank() && !id.wellFormed().test(value)) {
						throw badRequest(id.code(), id.detail());
					}
				}
			}
		});
	}

	private static ErrorResponseException badRequest(String code, String detail) {
		return new ErrorResponseException(HttpStatus.BAD_REQUEST,
				Problems.problem(HttpStatus.BAD_REQUEST, code, "Invalid request", detail), null);
	}

	/** How one kind of id in a path or a query parameter is checked, and refused. */
	private record PathId(Predicate<String> wellFormed, String code, String detail) {
	}

}
