package io.membership.infra.security;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The port the API is served on, once it is known, so that what is open on the management
 * port (the metrics a scraper reads without a token) is never open on the API port,
 * whatever the two are configured to.
 */
class ApiPort implements ApplicationListener<WebServerInitializedEvent> {

	private volatile int port = -1;

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		// The management server's context has a namespace of its own; the API's has none.
		if (event.getApplicationContext().getServerNamespace() == null) {
			this.port = event.getWebServer().getPort();
		}
	}

	/** Requests to this path that did not arrive on the API port. */
	RequestMatcher elsewhere(String path) {
		return (HttpServletRequest request) -> this.port != -1 && request.getLocalPort() != this.port
				&& path.equals(request.getRequestURI());
	}

}
