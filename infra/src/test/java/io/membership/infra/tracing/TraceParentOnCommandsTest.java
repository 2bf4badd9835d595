package io.membership.infra.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * The traceparent a command carries is the one the W3C propagator would write for the
 * request's span, sampled or not, and none without tracing or without W3C propagation.
 * (OpenTelemetry's SDK sets the W3C random-trace-id flag, 02, beside the sampled one.)
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TraceParentOnCommandsTest {

	private final SdkTracerProvider sampled = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn()).build();

	private final SdkTracerProvider unsampled = SdkTracerProvider.builder().setSampler(Sampler.alwaysOff()).build();

	@AfterEach
	void close() {
		this.sampled.close();
		this.unsampled.close();
	}

	@Test
	void a_command_sent_in_a_sampled_span_carries_what_the_w3c_propagator_writes_for_it() {
		OtelTracer tracer = tracer(this.sampled);
		Propagator propagator = propagator(W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());

		TraceParents sent = sentAndWritten(tracer, propagator);

		assertThat(sent.carried()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]").isEqualTo(sent.written());
	}

	@Test
	void a_command_sent_in_an_unsampled_span_carries_its_context_flagged_unsampled() {
		OtelTracer tracer = tracer(this.unsampled);
		Propagator propagator = propagator(W3CTraceContextPropagator.getInstance());

		TraceParents sent = sentAndWritten(tracer, propagator);

		assertThat(sent.carried()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[02]").isEqualTo(sent.written());
	}

	@Test
	void without_w3c_propagation_or_without_a_tracer_a_command_carries_none() {
		OtelTracer tracer = tracer(this.sampled);

		assertThat(sentAndWritten(tracer, propagator(W3CBaggagePropagator.getInstance())).carried()).isNull();
		CommandMessage<?> untraced = intercept(new TraceParentOnCommands(provider(Tracer.class, null),
				provider(Propagator.class, propagator(W3CTraceContextPropagator.getInstance()))));
		assertThat(untraced.getMetaData()).doesNotContainKey(TraceParentOnCommands.TRACEPARENT);
	}

	@Test
	void a_command_that_already_carries_one_keeps_it() {
		OtelTracer tracer = tracer(this.sampled);
		TraceParentOnCommands interceptor = new TraceParentOnCommands(provider(Tracer.class, tracer),
				provider(Propagator.class, propagator(W3CTraceContextPropagator.getInstance())));
		String earlier = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
		CommandMessage<?> command = GenericCommandMessage.asCommandMessage("retried")
			.andMetaData(Map.of(TraceParentOnCommands.TRACEPARENT, earlier));

		Span span = tracer.nextSpan().start();
		try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
			assertThat(interceptor.handle(List.of(command)).apply(0, command).getMetaData())
				.containsEntry(TraceParentOnCommands.TRACEPARENT, earlier);
		}
		finally {
			span.end();
		}
	}

	/**
	 * The traceparent a command sent in a span carried, and what the propagator writes
	 * for that span.
	 */
	private record TraceParents(String carried, String written) {
	}

	private static TraceParents sentAndWritten(OtelTracer tracer, Propagator propagator) {
		TraceParentOnCommands interceptor = new TraceParentOnCommands(provider(Tracer.class, tracer),
				provider(Propagator.class, propagator));
		Span span = tracer.nextSpan().start();
		try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
			Map<String, String> carrier = new HashMap<>();
			propagator.inject(span.context(), carrier, Map::put);
			return new TraceParents(
					(String) intercept(interceptor).getMetaData().get(TraceParentOnCommands.TRACEPARENT),
					carrier.get(TraceParentOnCommands.TRACEPARENT));
		}
		finally {
			span.end();
		}
	}

	private static CommandMessage<?> intercept(TraceParentOnCommands interceptor) {
		CommandMessage<?> command = GenericCommandMessage.asCommandMessage("a command");
		return interceptor.handle(List.of(command)).apply(0, command);
	}

	private static OtelTracer tracer(SdkTracerProvider provider) {
		return new OtelTracer(provider.get("test"), new OtelCurrentTraceContext(), (event) -> {
		});
	}

	private static Propagator propagator(TextMapPropagator... propagators) {
		return new OtelPropagator(ContextPropagators.create(TextMapPropagator.composite(propagators)),
				TracerProvider.noop().get("extracting"));
	}

	private static <T> ObjectProvider<T> provider(Class<T> type, T bean) {
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		if (bean != null) {
			beans.addBean(type.getSimpleName(), bean);
		}
		return beans.getBeanProvider(type);
	}

}
