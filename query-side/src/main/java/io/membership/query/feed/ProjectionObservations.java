package io.membership.query.feed;

import java.util.ArrayList;
import java.util.List;

import io.cloudevents.CloudEvent;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.membership.topics.CloudEventRecords;

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

	private final ObservationRegistry registry;

	ProjectionObservations(ObservationRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Started for every record of the poll that carries a trace context, from the
	 * attributes the poll's reading found ({@link PollApplier#parse}), not read again.
	 */
	List<Observation> started(List<PollApplier.Parsed> records) {
		if (this.registry.isNoop()) {
			return List.of();
		}
		List<Observation> started = new ArrayList<>();
		for (PollApplier.Parsed parsed : records) {
			ConsumerRecord<String, byte[]> record = parsed.record();
			CloudEvent event = parsed.cloudEvent();
			if (event == null || event.getExtension("traceparent") == null) {
				continue;
			}
			// The W3C fields a tracer asks for, as the CloudEvents distributed-tracing
			// extension names its attributes.
			ReceiverContext<ConsumerRecord<String, byte[]>> context = new ReceiverContext<>(
					(carrier, field) -> CloudEventRecords.extension(event, field), Kind.CONSUMER);
			context.setCarrier(record);
			context.setRemoteServiceName("kafka");
			started.add(Observation.createNotStarted(NAME, () -> context, this.registry)
				.contextualName("project " + event.getType())
				.lowCardinalityKeyValue("type", event.getType())
				.start());
		}
		return started;
	}

}
