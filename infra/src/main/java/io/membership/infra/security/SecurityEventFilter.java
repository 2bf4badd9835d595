package io.membership.infra.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.annotation.Order;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.membership.audit.security.SecurityEventKind;
import io.membership.web.Caller;

/**
 * The one place that sees how an authenticated caller's request was answered, whoever
 * answered it (a controller's own authorization, the Organization's refusal, the
 * idempotency filter): a 403, or a command's 409 or 412, is recorded as a security event
 * ({@link RefusedRequests}). It runs inside Spring Security's filter chain (order -100),
 * so the caller is still known when the answer is made; what that chain answers itself
 * (401 for an invalid token, its own 403) is recorded by {@link ProblemResponses}. An
 * answered request costs one look at its status; a 429 or anything else records nothing.
 */
@Component
@Order(-50)
class SecurityEventFilter extends OncePerRequestFilter {

	private final RefusedRequests refused;

	SecurityEventFilter(RefusedRequests refused) {
		this.refused = refused;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !request.getRequestURI().startsWith("/api/");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		chain.doFilter(request, response);
		if (request.isAsyncStarted()) {
			// A query waiting for a version, the audit export: neither answers 403 late,
			// they refuse before they wait.
			return;
		}
		int status = response.getStatus();
		SecurityEventKind kind = RefusedRequests.kindOf(status, request.getMethod());
		if (kind == null) {
			return;
		}
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication != null && authentication.isAuthenticated()) {
			this.refused.refused(request, kind, Caller.current(), status);
		}
	}

}
