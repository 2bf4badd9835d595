package io.membership.infra.tracing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Puts the W3C {@value #TRACEPARENT} of the request that sends a command (its span, in
 * the caller's trace when the caller sent one) into the command's metadata, where Axon's
 * correlation data carries it onto the events the command produces, and from the event
 * store to the Kafka publisher, which runs on threads of its own, later.
 *
 * <p>
 * Read at dispatch, on the request's thread: a command the gateway retries after losing a
 * race to append is dispatched again from another thread, with the metadata it already
 * has.
 */
class TraceParentOnCommands implements MessageDispatchInterceptor<CommandMessage<?>> {

	/** The key in commands' and events' metadata, as the W3C header is named. */
	static final String TRACEPARENT = "traceparent";

	private final ObjectProvider<Tracer> tracer;

	private final ObjectProvider<Propagator> propagator;

	TraceParentOnCommands(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
		this.tracer = tracer;
		this.propagator = propagator;
	}

	@Override
	public BiFunction<Integer, CommandMessage<?>, CommandMessage<?>> handle(
			List<? extends CommandMessage<?>> messages) {
		String traceParent = currentTraceParent();
		return (index, command) -> (traceParent == null || command.getMetaData().containsKey(TRACEPARENT)) ? command
				: command.andMetaData(Map.of(TRACEPARENT, traceParent));
	}

	private String currentTraceParent() {
		Tracer tracing = this.tracer.getIfAvailable();
		Propagator propagation = this.propagator.getIfAvailable();
		Span span = (tracing != null) ? tracing.currentSpan() : null;
		if (span == null || propagation == null) {
			return null;
		}
		Map<String, String> carrier = new HashMap<>();
		propagation.inject(span.context(), carrier, (map, key, value) -> map.put(key, value));
		return carrier.get(TRACEPARENT);
	}

}
