package io.membership.infra.logging;

import java.io.IOException;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

import io.membership.web.CorrelationIds;

/**
 * Puts the request's correlation id in the MDC, so every line logged while it is served
 * carries it (and, from Micrometer Tracing, its trace id), and logs one line per request
 * when it is answered: method, route, status and time.
 *
 * <p>
 * The route is the matched pattern ({@code /api/invitations/{token}/accept}), never the
 * path itself, which can hold an invitation token. It runs inside the HTTP observation
 * (whose scope puts the trace id in the MDC) and before Spring Security, so refused
 * requests are logged too. The management port (health, metrics) has filters of its own
 * and is not logged.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class RequestLogFilter extends OncePerRequestFilter {

	private static final Logger logger = LoggerFactory.getLogger(RequestLogFilter.class);

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader(CorrelationIds.HEADER);
		String correlationId;
		if (CorrelationIds.isValid(header)) {
			correlationId = header;
		}
		else {
			// None, or one the command side will refuse (400): either way the lines of
			// this request need an id of their own.
			correlationId = CorrelationIds.newId();
			request.setAttribute(CorrelationIds.ATTRIBUTE, correlationId);
		}
		long started = System.nanoTime();
		MDC.put(CorrelationIds.MDC_KEY, correlationId);
		boolean answered = false;
		try {
			chain.doFilter(request, response);
			answered = true;
		}
		finally {
			if (answered && request.isAsyncStarted()) {
				// A query waiting for a version, or the audit export: answered later, on
				// another thread.
				request.getAsyncContext().addListener(new Answered(correlationId, started));
			}
			else {
				log(request, answered ? response.getStatus() : HttpServletResponse.SC_INTERNAL_SERVER_ERROR, started);
			}
			MDC.remove(CorrelationIds.MDC_KEY);
		}
	}

	private static void log(HttpServletRequest request, int status, long started) {
		if (logger.isInfoEnabled()) {
			Object route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
			logger.info("{} {} {} {} ms", request.getMethod(), (route != null) ? route : "(no route)", status,
					(System.nanoTime() - started) / 1_000_000);
		}
	}

	/** Logs an asynchronous request once it is answered, with its correlation id. */
	private record Answered(String correlationId, long started) implements AsyncListener {

		@Override
		public void onComplete(AsyncEvent event) {
			MDC.put(CorrelationIds.MDC_KEY, this.correlationId);
			try {
				log((HttpServletRequest) event.getSuppliedRequest(),
						((HttpServletResponse) event.getSuppliedResponse()).getStatus(), this.started);
			}
			finally {
				MDC.remove(CorrelationIds.MDC_KEY);
			}
		}

		@Override
		public void onTimeout(AsyncEvent event) {
		}

		@Override
		public void onError(AsyncEvent event) {
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
		}

	}

}
