package io.membership.infra;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * Wraps the service's data source so that a transaction takes a pooled connection at its
 * first statement, not when it begins.
 *
 * <p>
 * Axon begins a command's transaction before it locks the organization, and a command on
 * a cached organization issues its first statement only when it appends the event. With
 * the connection taken at the beginning, commands queued on one organization's lock each
 * held a connection while they waited: 32 clients on one organization held the whole pool
 * of 10, and the other requests, waiting past the pool's 2 s timeout, were answered 503
 * {@code database_unavailable} by a database that was up. A connection is now held only
 * while statements run. An unreachable database is still reported at the first statement,
 * as the same connection failure, so it is still answered 503.
 */
final class LazyConnections implements BeanPostProcessor {

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof DataSource dataSource && !(bean instanceof LazyConnectionDataSourceProxy)) {
			return new LazyConnectionDataSourceProxy(dataSource);
		}
		return bean;
	}

}
