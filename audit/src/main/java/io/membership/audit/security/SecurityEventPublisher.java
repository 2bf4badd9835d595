package io.membership.audit.security;

/**
 * Where a security event goes once it is stored, so that a copy lives outside the
 * database: the service publishes it to Kafka ({@code membership.security.v1}).
 */
public interface SecurityEventPublisher {

	/**
	 * Hands the event, with its count so far, to be published; never waits for Kafka and
	 * never throws (a failure is logged and metered).
	 */
	void publish(SecurityEvent event);

}
