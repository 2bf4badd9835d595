package io.membership.infra.web;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

import io.membership.events.access.Role;

/**
 * Why a request body could not be read, in words a client can act on: which field, and
 * what it must be. Jackson's own messages name classes, parser settings and tokens, so
 * none of them is passed on; only the kind of failure, the field's path and the location
 * in the body are taken from it.
 */
final class RequestBodyProblems {

	/**
	 * The start of Jackson's message for a key given twice (STRICT_DUPLICATE_DETECTION).
	 */
	private static final String DUPLICATE = "Duplicate Object property \"";

	private static final String ROLE_CODES = "the codes are OW, AD, MA, RE, AN, NO and DI";

	private RequestBodyProblems() {
	}

	static String detail(HttpMessageNotReadableException unreadable) {
		JacksonException failure = jacksonCause(unreadable);
		if (failure == null) {
			return (unreadable.getCause() == null) ? "The request body is missing or is not valid JSON."
					: "The request body cannot be read.";
		}
		if (failure instanceof UnrecognizedPropertyException unknown) {
			return "Unknown field '" + unknown.getPropertyName() + "'.";
		}
		if (failure instanceof ValueInstantiationException refused) {
			return refusedValue(refused);
		}
		if (failure instanceof StreamConstraintsException) {
			return "The request body is nested too deeply, or holds a number, string or name that is too long.";
		}
		if (failure instanceof InputCoercionException) {
			String field = fieldOf(failure);
			return (field.isEmpty()) ? "A number in the request body is out of range." : field + " is out of range.";
		}
		if (failure instanceof MismatchedInputException mismatch) {
			String field = fieldOf(mismatch);
			return field.isEmpty() ? "The request body must be a JSON object."
					: field + " must be " + expected(mismatch.getTargetType()) + ".";
		}
		String message = failure.getOriginalMessage();
		if (failure instanceof StreamReadException && message != null && message.startsWith(DUPLICATE)) {
			int end = message.indexOf('"', DUPLICATE.length());
			String name = (end > 0) ? message.substring(DUPLICATE.length(), end) : "A field";
			return name + " appears more than once in the request body.";
		}
		TokenStreamLocation location = failure.getLocation();
		if (failure instanceof StreamReadException && location != null && location.getLineNr() > 0) {
			return "The request body is not valid JSON (line " + location.getLineNr() + ", column "
					+ location.getColumnNr() + ").";
		}
		return "The request body is not valid JSON.";
	}

	/**
	 * The path of the field a failure was about, as a client writes it:
	 * {@code workspaces[0]}, {@code user_id}; empty for the body itself.
	 */
	static String fieldOf(JacksonException failure) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference step : failure.getPath()) {
			if (step.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(step.getPropertyName());
			}
			else if (step.getIndex() >= 0) {
				path.append('[').append(step.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static JacksonException jacksonCause(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof JacksonException jackson) {
				return jackson;
			}
		}
		return null;
	}

	/** A value the type's own factory refused: for a role, an unknown code. */
	private static String refusedValue(ValueInstantiationException refused) {
		String field = fieldOf(refused);
		if (refused.getType() != null && refused.getType().getRawClass() == Role.class
				&& refused.getCause() instanceof IllegalArgumentException unknown && unknown.getMessage() != null) {
			// Role's own message ("unknown role code 'XX'"), written for clients.
			String message = unknown.getMessage();
			return Character.toUpperCase(message.charAt(0)) + message.substring(1) + " in " + field + "; " + ROLE_CODES
					+ ".";
		}
		return field + " has a value the service does not take.";
	}

	private static String expected(Class<?> type) {
		if (type == null) {
			return "of another type";
		}
		if (type == String.class) {
			return "a string";
		}
		if (type == Long.class || type == long.class || type == Integer.class || type == int.class
				|| type == Short.class || type == short.class || type == java.math.BigInteger.class) {
			return "an integer";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "true or false";
		}
		if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
			return "a number";
		}
		if (type == Role.class) {
			return "a role code; " + ROLE_CODES;
		}
		if (Collection.class.isAssignableFrom(type) || type.isArray() || type == List.class) {
			return "a list";
		}
		if (Map.class.isAssignableFrom(type) || type.isRecord()) {
			return "a JSON object";
		}
		return "of another type";
	}

}
