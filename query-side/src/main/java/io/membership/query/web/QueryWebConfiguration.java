package io.membership.query.web;

import java.time.Duration;
import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import io.membership.query.view.PermissionView;

/**
 * Lets query endpoints take a {@link QueryContext} parameter, and wait for
 * {@code min_version} without a request thread ({@link MinVersionWaits}).
 */
@Configuration(proxyBeanMethods = false)
class QueryWebConfiguration implements WebMvcConfigurer {

	private final PermissionView view;

	private final MinVersionWaits waits;

	/**
	 * @param maxWait how long a query with {@code min_version} waits for the view before
	 * answering 503
	 * @param maxWaitingPerCaller how many queries of one caller may wait at a time; the
	 * next is answered 429
	 */
	QueryWebConfiguration(PermissionView view, @Value("${membership.query.min-version-wait:5s}") Duration maxWait,
			@Value("${membership.query.max-waiting-per-caller:4}") int maxWaitingPerCaller) {
		this.view = view;
		this.waits = new MinVersionWaits(view, maxWait, maxWaitingPerCaller);
	}

	@Override
	public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
		resolvers.add(new QueryContextArgumentResolver(this.view, this.waits));
	}

	/** First, so that no other resolver takes a query's signal to wait for an error. */
	@Override
	public void extendHandlerExceptionResolvers(List<HandlerExceptionResolver> resolvers) {
		resolvers.add(0, this.waits);
	}

}
