package io.membership.query.web;

import java.time.Duration;
import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import io.membership.query.view.PermissionView;

/** Lets query endpoints take a {@link QueryContext} parameter. */
@Configuration(proxyBeanMethods = false)
class QueryWebConfiguration implements WebMvcConfigurer {

	private final PermissionView view;

	private final Duration maxWait;

	/**
	 * @param maxWait how long a query with {@code min_version} waits for the view before
	 * answering 503
	 */
	QueryWebConfiguration(PermissionView view, @Value("${membership.query.min-version-wait:5s}") Duration maxWait) {
		this.view = view;
		this.maxWait = maxWait;
	}

	@Override
	public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
		resolvers.add(new QueryContextArgumentResolver(this.view, this.maxWait));
	}

}
