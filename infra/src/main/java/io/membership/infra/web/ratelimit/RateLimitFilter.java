package io.membership.infra.web.ratelimit;

import java.io.IOException;
import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.membership.infra.web.ProblemWriter;
import io.membership.infra.web.ratelimit.RateLimits.Kind;

/**
 * Answers 429 {@code rate_limited} with {@code Retry-After} to a caller past its budget
 * ({@link RateLimits}), before the request reaches anything that stores: the idempotency
 * store (so a limited request can be sent again with the same key) and the handlers. Runs
 * after Spring Security's filter chain (order -100), which has authenticated the caller;
 * a request without a valid token was answered 401 there and spends no budget.
 */
@Component
@Order(0)
class RateLimitFilter extends OncePerRequestFilter {

	/** The one POST that asks rather than changes: a query, as its budget goes. */
	private static final String CHECK_BATCH = "/permissions/check-batch";

	private final RateLimits limits;

	private final ProblemWriter problems;

	private final Counter limitedCommands;

	private final Counter limitedQueries;

	RateLimitFilter(@Value("${membership.rate-limits.commands-per-second:1000}") long commandsPerSecond,
			@Value("${membership.rate-limits.queries-per-second:25000}") long queriesPerSecond, ProblemWriter problems,
			MeterRegistry meters) {
		this.limits = new RateLimits(commandsPerSecond, queriesPerSecond);
		this.problems = problems;
		this.limitedCommands = limited(meters, "command");
		this.limitedQueries = limited(meters, "query");
	}

	private static Counter limited(MeterRegistry meters, String kind) {
		return Counter.builder("membership.requests.rate.limited")
			.description("Requests answered 429 rate_limited, the caller being past its budget")
			.tag("kind", kind)
			.register(meters);
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !request.getRequestURI().startsWith("/api/");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication caller = SecurityContextHolder.getContext().getAuthentication();
		if (caller == null || !caller.isAuthenticated()) {
			chain.doFilter(request, response);
			return;
		}
		Kind kind = kindOf(request);
		Duration wait = this.limits.take(caller.getName(), kind);
		if (wait.isZero()) {
			chain.doFilter(request, response);
			return;
		}
		((kind == Kind.COMMAND) ? this.limitedCommands : this.limitedQueries).increment();
		response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(wholeSecondsAtLeastOne(wait)));
		this.problems.write(response, HttpStatus.TOO_MANY_REQUESTS, "rate_limited",
				"Too many " + ((kind == Kind.COMMAND) ? "commands" : "queries")
						+ " from this caller; nothing was done. Send it again after Retry-After seconds.");
	}

	private static Kind kindOf(HttpServletRequest request) {
		String method = request.getMethod();
		if (HttpMethod.GET.matches(method) || HttpMethod.HEAD.matches(method)
				|| (HttpMethod.POST.matches(method) && request.getRequestURI().endsWith(CHECK_BATCH))) {
			return Kind.QUERY;
		}
		return Kind.COMMAND;
	}

	/**
	 * Retry-After takes whole seconds; rounding down to 0 would invite an instant retry.
	 */
	private static long wholeSecondsAtLeastOne(Duration wait) {
		long seconds = wait.toSeconds() + ((wait.toNanosPart() > 0) ? 1 : 0);
		return Math.max(1, seconds);
	}

}
