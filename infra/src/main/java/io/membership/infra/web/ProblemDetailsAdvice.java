package io.membership.infra.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import io.membership.command.organization.CommandRefusedException;
import io.membership.command.organization.Refusal;
import io.membership.command.web.RefusalStatus;
import io.membership.infra.web.TextRulesStringDeserializer.InvalidTextException;
import io.membership.query.view.OrganizationViewStale;
import io.membership.web.Problems;

/**
 * Turns every failure into RFC 9457 problem details with a {@code code}: the
 * Organization's refusals by their kind (404, 403, 409, 412), bad input as 400, an
 * unreachable database ({@link DatabaseUnavailable}) or a race for an organization lost
 * too often as a 503 to retry, and anything unexpected as a 500 that tells the caller
 * nothing internal.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

	/**
	 * A set-aside organization stays so until an operator rebuilds: not a matter of
	 * seconds.
	 */
	private static final String VIEW_STALE_RETRY_AFTER_SECONDS = "30";

	@ExceptionHandler(CommandRefusedException.class)
	ResponseEntity<ProblemDetail> refused(CommandRefusedException refused) {
		Refusal refusal = refused.refusal();
		HttpStatus status = RefusalStatus.of(refusal);
		return answer(Problems.problem(status, refusal.code(), refusal.title(), refused.getMessage()));
	}

	/**
	 * An organization that does not exist reads exactly like one the caller is not in.
	 */
	@ExceptionHandler(AggregateNotFoundException.class)
	ResponseEntity<ProblemDetail> unknownOrganization(AggregateNotFoundException missing) {
		return answer(Problems.organizationNotFound().getBody());
	}

	/**
	 * The command lost the race to append to its organization even after it was decided
	 * again on fresh state several times (another instance kept winning): nothing was
	 * recorded, and the caller retries shortly.
	 */
	@ExceptionHandler(ConcurrencyException.class)
	ResponseEntity<ProblemDetail> contended(ConcurrencyException contended) {
		logger.warn("Answering 503, a command kept losing the race to append: {}", contended.getMessage());
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "1")
			.body(Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "concurrent_update", "Concurrent update",
					"The organization was changed by other requests at the same moment, repeatedly; nothing was "
							+ "recorded. Retry in a moment."));
	}

	/**
	 * Spring Security's firewall checks header values only when they are read, which for
	 * {@code X-Correlation-Id} or {@code If-Match} is inside Spring MVC: a value with
	 * bytes it does not allow is the client's mistake, not ours.
	 */
	@ExceptionHandler(RequestRejectedException.class)
	ResponseEntity<ProblemDetail> rejected(RequestRejectedException rejected) {
		return answer(Problems.problem(HttpStatus.BAD_REQUEST, "request_rejected", "Request rejected",
				Problems.REQUEST_REJECTED_DETAIL));
	}

	/**
	 * Tomcat reports a query string it cannot decode (a stray {@code %}, bytes that are
	 * not UTF-8) when a parameter is first read.
	 */
	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<ProblemDetail> undecodableParameters(InvalidParameterException undecodable) {
		return answer(Problems.problem(HttpStatus.BAD_REQUEST, "invalid_parameter", "Invalid parameter",
				"The query string cannot be decoded."));
	}

	/**
	 * The organization's views are known to be behind (the projection set it aside), so
	 * the query fails closed until a rebuild repairs them; every other organization is
	 * served as usual.
	 */
	@ExceptionHandler(OrganizationViewStale.class)
	ResponseEntity<ProblemDetail> viewStale(OrganizationViewStale stale) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, VIEW_STALE_RETRY_AFTER_SECONDS)
			.body(Problems.problem(HttpStatus.SERVICE_UNAVAILABLE, "view_stale", "View not current",
					"This organization's views could not be brought up to date and are being held back until "
							+ "they are rebuilt, so nothing is answered from them. Retry later."));
	}

	/**
	 * A value a command or an id refused on its way in. Its message may come from a
	 * library, so it is not passed on.
	 */
	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<ProblemDetail> invalidValue(IllegalArgumentException invalid) {
		return answer(Problems.problem(HttpStatus.BAD_REQUEST, "invalid_request", "Invalid request",
				"The request has a value the service does not take."));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception failure) {
		if (DatabaseUnavailable.causedBy(failure)) {
			return databaseUnavailable(failure);
		}
		logger.error("Unexpected failure", failure);
		return answer(Problems.problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "Internal error",
				"The request failed unexpectedly; nothing was recorded. It is safe to retry."));
	}

	/**
	 * The database is away (Axon's event store, a projection or a transaction could not
	 * reach it): the caller retries shortly. Logged without a stack trace, since an
	 * outage produces one per request.
	 */
	private static ResponseEntity<ProblemDetail> databaseUnavailable(Exception failure) {
		logger.warn("Answering 503, the database is unavailable: {}", mostSpecificMessage(failure));
		return ResponseEntity.status(DatabaseUnavailable.STATUS)
			.header(HttpHeaders.RETRY_AFTER, DatabaseUnavailable.RETRY_AFTER_SECONDS)
			.body(Problems.problem(DatabaseUnavailable.STATUS, DatabaseUnavailable.CODE, DatabaseUnavailable.TITLE,
					DatabaseUnavailable.DETAIL));
	}

	private static String mostSpecificMessage(Throwable failure) {
		Throwable cause = failure;
		for (int depth = 0; cause.getCause() != null && cause.getCause() != cause && depth < 32; depth++) {
			cause = cause.getCause();
		}
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException invalid,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, String>> errors = invalid.getBindingResult()
			.getFieldErrors()
			.stream()
			.map((error) -> Map.of("field", snakeCase(error), "message", String.valueOf(error.getDefaultMessage())))
			.toList();
		ProblemDetail problem = Problems.problem(HttpStatus.BAD_REQUEST, "invalid_request", "Invalid request",
				"The request body has invalid fields.");
		problem.setProperty("errors", errors);
		return new ResponseEntity<>(problem, headers, HttpStatus.BAD_REQUEST);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException unreadable,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		RequestBodyLimitFilter.BodyTooLargeException tooLarge = causeOf(unreadable,
				RequestBodyLimitFilter.BodyTooLargeException.class);
		InvalidTextException invalidText = causeOf(unreadable, InvalidTextException.class);
		ProblemDetail problem;
		if (tooLarge != null) {
			problem = Problems.problem(HttpStatus.BAD_REQUEST, "body_too_large", "Request body too large",
					tooLarge.getMessage());
		}
		else if (invalidText != null) {
			problem = Problems.problem(HttpStatus.BAD_REQUEST, "invalid_text", "Invalid text",
					invalidText.violation().describe(RequestBodyProblems.fieldOf(invalidText)));
		}
		else {
			problem = Problems.problem(HttpStatus.BAD_REQUEST, "malformed_body", "Malformed request body",
					RequestBodyProblems.detail(unreadable));
		}
		return new ResponseEntity<>(problem, headers, HttpStatus.BAD_REQUEST);
	}

	/**
	 * Every 415 says the one content-type rule, whether Spring's mapping refused the type
	 * or {@link RequestDoor} did.
	 */
	@Override
	protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException unsupported,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = Problems.problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
				"Unsupported Media Type", RequestDoor.JSON_ONLY);
		return new ResponseEntity<>(problem, headers, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
	}

	/** A path no endpoint serves, in words that do not speak of static resources. */
	@Override
	protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException missing,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = Problems.problem(HttpStatus.NOT_FOUND, "not_found", "Not Found",
				"No endpoint answers " + missing.getHttpMethod() + " at this path.");
		return new ResponseEntity<>(problem, headers, HttpStatus.NOT_FOUND);
	}

	/**
	 * Spring's own 4xx answers (405, 406, 415, ...) and {@code InvalidRequestException}s
	 * arrive here without a body: their problem is the exception's own, which Spring
	 * would otherwise render later without a {@code code} or a {@code type}.
	 */
	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception failure, Object body, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		Object problem = (body == null && failure instanceof ErrorResponse error) ? error.getBody() : body;
		if (problem instanceof ProblemDetail detail) {
			problem = Problems.coded(detail, status);
			remember(detail);
		}
		return super.handleExceptionInternal(failure, problem, headers, status, request);
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ResponseEntity<ProblemDetail> mismatchedParameter(MethodArgumentTypeMismatchException mismatch) {
		return answer(Problems.problem(HttpStatus.BAD_REQUEST, "invalid_parameter", "Invalid parameter",
				"'" + mismatch.getName() + "' has an invalid value."));
	}

	private static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
		remember(problem);
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

	/**
	 * Leaves the problem's code on the request for the filters that look at the answer
	 * once it is made: the security events record the code of a 403, 409 or 412.
	 */
	private static void remember(ProblemDetail problem) {
		Map<String, Object> properties = problem.getProperties();
		Object code = (properties != null) ? properties.get("code") : null;
		RequestAttributes request = RequestContextHolder.getRequestAttributes();
		if (code != null && request != null) {
			request.setAttribute(Problems.CODE_ATTRIBUTE, code.toString(), RequestAttributes.SCOPE_REQUEST);
		}
	}

	private static <T extends Throwable> T causeOf(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	private static String snakeCase(FieldError error) {
		return error.getField().replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
	}

}
