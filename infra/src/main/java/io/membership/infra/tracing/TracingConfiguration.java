package io.membership.infra.tracing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Carries a request's trace context with the events it produced: into the command's
 * metadata at dispatch ({@link TraceParentOnCommands}), from the command to its events by
 * Axon's correlation data, and onto the Kafka records by the publisher (CloudEvents
 * distributed-tracing extension, {@code ce_traceparent}).
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

	/** The metadata key the publisher reads the trace context of an event from. */
	public static final String TRACEPARENT = TraceParentOnCommands.TRACEPARENT;

	/**
	 * Axon's auto-configuration registers it on the command gateway. The tracer is looked
	 * up when a command is sent: with tracing switched off
	 * ({@code management.tracing.enabled=false}) there is none, and commands go without.
	 */
	@Bean
	TraceParentOnCommands traceParentOnCommands(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
		return new TraceParentOnCommands(tracer, propagator);
	}

	/**
	 * Copies the command's trace context into the metadata of every event it produces.
	 */
	@Bean
	CorrelationDataProvider traceParentCorrelation() {
		return new SimpleCorrelationDataProvider(TRACEPARENT);
	}

	/**
	 * Axon's own default, which it drops as soon as the application declares any
	 * correlation data provider: events keep naming the message that caused them.
	 */
	@Bean
	CorrelationDataProvider messageOrigin() {
		return new MessageOriginProvider();
	}

}
