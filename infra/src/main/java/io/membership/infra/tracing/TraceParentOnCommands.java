package io.membership.infra.tracing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelTraceContext;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.api.trace.SpanContext;
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

	/**
	 * The tracer and its propagator, once looked up, or empty when tracing is off (or
	 * propagates no W3C trace context). Looking beans up by type, as an
	 * {@link ObjectProvider} does on each call, was a good part of this interceptor's
	 * time in a profile of the command path; which beans exist does not change once the
	 * service runs.
	 */
	private volatile Optional<W3cTracing> w3cTracing;

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

	/**
	 * The current span's W3C traceparent. OpenTelemetry's span context is formatted here
	 * as its W3C propagator writes it ({@code 00-<trace id>-<span id>-<trace flags>}, and
	 * nothing for an invalid context), rather than injected through every configured
	 * propagator (W3C and baggage) into a map only to keep one of its entries; a context
	 * of any other tracer still goes through the propagator.
	 */
	private String currentTraceParent() {
		W3cTracing tracing = w3cTracing().orElse(null);
		Span span = (tracing != null) ? tracing.tracer().currentSpan() : null;
		if (span == null) {
			return null;
		}
		TraceContext context = span.context();
		if (context instanceof OtelTraceContext) {
			SpanContext otel = OtelTraceContext.toOtelSpanContext(context);
			return otel.isValid()
					? "00-" + otel.getTraceId() + "-" + otel.getSpanId() + "-" + otel.getTraceFlags().asHex() : null;
		}
		Map<String, String> carrier = new HashMap<>();
		tracing.propagator().inject(context, carrier, (map, key, value) -> map.put(key, value));
		return carrier.get(TRACEPARENT);
	}

	private Optional<W3cTracing> w3cTracing() {
		Optional<W3cTracing> found = this.w3cTracing;
		if (found == null) {
			Tracer tracing = this.tracer.getIfAvailable();
			Propagator propagation = this.propagator.getIfAvailable();
			// Without a propagator that writes traceparent (tracing off, or B3 only) the
			// commands went without one before, and still do.
			found = (tracing != null && propagation != null && propagation.fields().contains(TRACEPARENT))
					? Optional.of(new W3cTracing(tracing, propagation)) : Optional.empty();
			this.w3cTracing = found;
		}
		return found;
	}

	private record W3cTracing(Tracer tracer, Propagator propagator) {
	}

}
