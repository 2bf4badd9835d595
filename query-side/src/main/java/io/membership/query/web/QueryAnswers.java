package io.membership.query.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;

/** What every query answer shares: its version as the {@code ETag}, and paging links. */
final class QueryAnswers {

	private QueryAnswers() {
	}

	/** 200 with the body and the version its data reflects as a strong {@code ETag}. */
	static <T> ResponseEntity<T> versioned(T body, long version) {
		return ResponseEntity.ok().eTag("\"" + version + "\"").body(body);
	}

	/**
	 * The request's own path and query with {@code name} set to {@code value}: a relative
	 * URL that asks for another page with the same filters.
	 */
	static String withParameter(HttpServletRequest request, String name, String value) {
		StringBuilder link = new StringBuilder(request.getRequestURI());
		char separator = '?';
		for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
			if (parameter.getKey().equals(name)) {
				continue;
			}
			for (String each : parameter.getValue()) {
				link.append(separator).append(encoded(parameter.getKey())).append('=').append(encoded(each));
				separator = '&';
			}
		}
		return link.append(separator).append(encoded(name)).append('=').append(encoded(value)).toString();
	}

	private static String encoded(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8);
	}

}
