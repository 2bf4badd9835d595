package io.membership.query.feed;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;

/**
 * Observes the projection of each event that carries the trace context of the request
 * that produced it ({@code ce_traceparent}, the CloudEvents distributed-tracing
 * extension), as {@value #NAME}: with tracing on, a span in the request's trace, so one
 * trace runs from the command to the view that answers the next query. It lasts from the
 * poll that delivered the record to the commit of the transaction that applied it, which
 * is how long the event took to reach the view once it was read.
 */
final class ProjectionObservations {

	static final String NAME = "membership.projection";

	private static final String CLOUD_EVENTS_PREFIX = "ce_";

	private final ObservationRegistry registry;

	ProjectionObservations(ObservationRegistry registry) {
		this.registry = registry;
	}

	/** Started for every record of the poll that carries a trace context. */
	List<Observation> started(ConsumerRecords<String, byte[]> records) {
		if (this.registry.isNoop()) {
			return List.of();
		}
		List<Observation> started = new ArrayList<>();
		for (ConsumerRecord<String, byte[]> record : records) {
			if (record.headers().lastHeader(CLOUD_EVENTS_PREFIX + "traceparent") == null) {
				continue;
			}
			ReceiverContext<ConsumerRecord<String, byte[]>> context = new ReceiverContext<>(
					ProjectionObservations::traceHeader, Kind.CONSUMER);
			context.setCarrier(record);
			context.setRemoteServiceName("kafka");
			started.add(Observation.createNotStarted(NAME, () -> context, this.registry)
				.contextualName("project " + header(record, "ce_type"))
				.lowCardinalityKeyValue("type", String.valueOf(header(record, "ce_type")))
				.start());
		}
		return started;
	}

	/**
	 * The W3C fields a tracer asks for, as the CloudEvents extension names its headers.
	 */
	private static String traceHeader(ConsumerRecord<String, byte[]> record, String field) {
		return header(record, CLOUD_EVENTS_PREFIX + field);
	}

	private static String header(ConsumerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}
