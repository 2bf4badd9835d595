package io.membership.query.web;

import java.lang.reflect.Type;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * A query with a request body (the batch check) that waited for {@code min_version} is
 * run again from the start ({@link MinVersionWaits}), but its body was read on the first
 * dispatch and the request's input holds nothing any more: without this, the second
 * dispatch finds the body missing and answers 400 {@code malformed_body} instead of the
 * answer the caller waited for. The body read the first time is kept in a request
 * attribute, and given again on the dispatch after the wait.
 */
@ControllerAdvice(basePackageClasses = WaitedRequestBodies.class)
class WaitedRequestBodies extends RequestBodyAdviceAdapter {

	private static final String PREFIX = WaitedRequestBodies.class.getName() + ".";

	@Override
	public boolean supports(MethodParameter parameter, Type targetType,
			Class<? extends HttpMessageConverter<?>> converterType) {
		return true;
	}

	@Override
	public Object afterBodyRead(Object body, HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
			Class<? extends HttpMessageConverter<?>> converterType) {
		RequestAttributes request = RequestContextHolder.getRequestAttributes();
		if (request != null) {
			request.setAttribute(attribute(parameter), body, RequestAttributes.SCOPE_REQUEST);
		}
		return body;
	}

	@Override
	public Object handleEmptyBody(Object body, HttpInputMessage inputMessage, MethodParameter parameter,
			Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
		RequestAttributes request = RequestContextHolder.getRequestAttributes();
		if (body != null || request == null
				|| request.getAttribute(MinVersionWaits.WAITED_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST) == null) {
			return body;
		}
		return request.getAttribute(attribute(parameter), RequestAttributes.SCOPE_REQUEST);
	}

	/** One attribute per handler parameter. */
	private static String attribute(MethodParameter parameter) {
		return PREFIX + parameter.getExecutable().toGenericString() + "#" + parameter.getParameterIndex();
	}

}
