package io.membership.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

import io.membership.events.access.AccessRefusal;

/**
 * The shape of every error this API answers: RFC 9457 problem details whose {@code type}
 * is derived from a stable machine-readable {@code code}, which is also a member of its
 * own so clients can switch on it.
 */
public final class Problems {

	/**
	 * The detail of {@code request_rejected}, whichever layer refused the request (the
	 * firewall, Tomcat, a header read inside Spring MVC).
	 */
	public static final String REQUEST_REJECTED_DETAIL = "The request has a header or path the service does not accept.";

	/**
	 * The request attribute holding the {@code code} of the problem a request was
	 * answered with, for the filters that look at the answer once it is made (the
	 * security events).
	 */
	public static final String CODE_ATTRIBUTE = Problems.class.getName() + ".code";

	private static final String TYPE_PREFIX = "urn:membership:problem:";

	private static final URI ABOUT_BLANK = URI.create("about:blank");

	private Problems() {
	}

	public static ProblemDetail problem(HttpStatusCode status, String code, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(typeOf(code));
		if (title != null) {
			problem.setTitle(title);
		}
		problem.setProperty("code", code);
		return problem;
	}

	/**
	 * A problem for a handler to throw; Spring MVC answers it as
	 * {@code application/problem+json}.
	 */
	public static ErrorResponseException exception(HttpStatusCode status, String code, String title, String detail) {
		return new ErrorResponseException(status, problem(status, code, title, detail), null);
	}

	/**
	 * 404 for an organization that does not exist and, alike, for one the caller is not a
	 * member of.
	 */
	public static ErrorResponseException organizationNotFound() {
		AccessRefusal refusal = AccessRefusal.ORGANIZATION_NOT_FOUND;
		return exception(HttpStatus.NOT_FOUND, refusal.code(), refusal.title(), refusal.title());
	}

	/** 403 for a member whose role does not grant what they asked for. */
	public static ErrorResponseException actionNotPermitted(String detail) {
		AccessRefusal refusal = AccessRefusal.ACTION_NOT_PERMITTED;
		return exception(HttpStatus.FORBIDDEN, refusal.code(), refusal.title(), detail);
	}

	/** 404 for a member the organization does not have. */
	public static ErrorResponseException memberNotFound(Object user) {
		AccessRefusal refusal = AccessRefusal.MEMBER_NOT_FOUND;
		return exception(HttpStatus.NOT_FOUND, refusal.code(), refusal.title(), "User " + user + " is not a member.");
	}

	/** 404 for a workspace the organization does not have. */
	public static ErrorResponseException workspaceNotFound(Object workspace) {
		AccessRefusal refusal = AccessRefusal.WORKSPACE_NOT_FOUND;
		return exception(HttpStatus.NOT_FOUND, refusal.code(), refusal.title(), "No workspace " + workspace + ".");
	}

	/** 404 for a project the organization does not have (or the caller may not read). */
	public static ErrorResponseException projectNotFound(Object project) {
		AccessRefusal refusal = AccessRefusal.PROJECT_NOT_FOUND;
		return exception(HttpStatus.NOT_FOUND, refusal.code(), refusal.title(), "No project " + project + ".");
	}

	/** The problem {@code type} of a code. */
	public static URI typeOf(String code) {
		return URI.create(TYPE_PREFIX + code);
	}

	/**
	 * A problem made elsewhere (Spring MVC's own, an {@code ErrorResponseException}) with
	 * a {@code code}, the status's default unless it has one, and the {@code type} that
	 * code implies unless it has a type of its own.
	 */
	public static ProblemDetail coded(ProblemDetail problem, HttpStatusCode status) {
		Map<String, Object> properties = problem.getProperties();
		Object code = (properties != null) ? properties.get("code") : null;
		if (code == null) {
			code = defaultCode(status);
			problem.setProperty("code", code);
		}
		if (problem.getType() == null || ABOUT_BLANK.equals(problem.getType())) {
			problem.setType(typeOf(code.toString()));
		}
		return problem;
	}

	/**
	 * The same problem as a plain map, for writers outside Spring MVC (the security
	 * filters).
	 */
	public static Map<String, Object> body(HttpStatusCode status, String code, String detail) {
		ProblemDetail problem = problem(status, code, null, detail);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", problem.getType().toString());
		body.put("title", problem.getTitle());
		body.put("status", problem.getStatus());
		body.put("detail", problem.getDetail());
		body.put("code", code);
		return body;
	}

	/** The code a problem gets when nothing more specific was said. */
	public static String defaultCode(HttpStatusCode status) {
		return switch (status.value()) {
			case 400 -> "invalid_request";
			case 401 -> "unauthorized";
			case 403 -> "forbidden";
			case 404 -> "not_found";
			case 405 -> "method_not_allowed";
			case 406 -> "not_acceptable";
			case 409 -> "conflict";
			case 412 -> "precondition_failed";
			case 413 -> "payload_too_large";
			case 415 -> "unsupported_media_type";
			case 503 -> "unavailable";
			default -> (status.is5xxServerError()) ? "internal_error" : "error";
		};
	}

}
