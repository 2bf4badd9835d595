package io.membership.command.web;

import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

import io.membership.events.Limits;
import io.membership.web.Caller;
import io.membership.web.CorrelationIds;

/**
 * Builds the {@link CommandContext} of a request once, so no endpoint reads the caller or
 * the consistency headers on its own. The correlation id is echoed on the response so a
 * caller that sent none learns the one that was recorded.
 */
class CommandContextArgumentResolver implements HandlerMethodArgumentResolver {

	static final String CORRELATION_HEADER = CorrelationIds.HEADER;

	private static final Pattern VERSION = Pattern.compile("(?:W/)?\"?([0-9]{1,18})\"?");

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return parameter.getParameterType() == CommandContext.class;
	}

	@Override
	public CommandContext resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
			NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
		HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
		Caller caller = Caller.current();
		String correlationId = correlationId(request.getHeader(CORRELATION_HEADER),
				request.getAttribute(CorrelationIds.ATTRIBUTE));
		HttpServletResponse response = webRequest.getNativeResponse(HttpServletResponse.class);
		if (response != null) {
			response.setHeader(CORRELATION_HEADER, correlationId);
		}
		return new CommandContext(caller, correlationId, expectedVersion(request.getHeader(HttpHeaders.IF_MATCH)));
	}

	/**
	 * The caller's header, or else the id the request's log lines already carry (made up
	 * by the logging filter), so the event records the same one.
	 */
	private static String correlationId(String header, Object madeUp) {
		if (header == null || header.isBlank()) {
			return (madeUp instanceof String id) ? id : CorrelationIds.newId();
		}
		if (!CorrelationIds.isValid(header)) {
			throw new InvalidRequestException("invalid_correlation_id", "X-Correlation-Id must be 1 to "
					+ Limits.CORRELATION_ID + " characters of letters, digits and ._:/+=-");
		}
		return header;
	}

	private static Long expectedVersion(String header) {
		if (header == null || header.isBlank()) {
			return null;
		}
		var matcher = VERSION.matcher(header.trim());
		if (!matcher.matches()) {
			throw new InvalidRequestException("invalid_if_match",
					"If-Match must be the version an answer carried in its ETag, e.g. \"12\".");
		}
		return Long.parseLong(matcher.group(1));
	}

}
