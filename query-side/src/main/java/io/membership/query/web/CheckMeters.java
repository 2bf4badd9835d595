package io.membership.query.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Permission checks answered, as {@value #NAME} tagged {@code outcome} {@code allowed} or
 * {@code denied}; each check of a batch counts. A sudden swing towards denied after a
 * deployment or a role change is worth a look.
 */
@Component
class CheckMeters {

	static final String NAME = "membership.checks";

	private final Counter allowed;

	private final Counter denied;

	CheckMeters(MeterRegistry registry) {
		this.allowed = counter(registry, "allowed");
		this.denied = counter(registry, "denied");
	}

	void answered(boolean wasAllowed) {
		(wasAllowed ? this.allowed : this.denied).increment();
	}

	private static Counter counter(MeterRegistry registry, String outcome) {
		return Counter.builder(NAME)
			.description("Permission checks answered, by outcome")
			.tag("outcome", outcome)
			.register(registry);
	}

}
