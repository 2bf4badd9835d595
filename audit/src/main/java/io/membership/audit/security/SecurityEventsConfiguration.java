package io.membership.audit.security;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The security events: their table, the fold that records them, their retention. */
@Configuration(proxyBeanMethods = false)
class SecurityEventsConfiguration {

	@Bean
	SecurityEventStore securityEventStore(JdbcClient jdbc) {
		return new SecurityEventStore(jdbc);
	}

	@Bean
	SecurityEvents securityEvents(SecurityEventStore store, SecurityEventPublisher publisher, Clock clock,
			@Value("${membership.security-events.retention:" + SecurityEvents.DEFAULT_RETENTION
					+ "}") Duration retention,
			MeterRegistry meters) {
		return new SecurityEvents(store, publisher, clock, retention, meters);
	}

}
