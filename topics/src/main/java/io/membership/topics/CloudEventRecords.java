package io.membership.topics;

import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Pattern;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.membership.events.MembershipEvent;
import io.membership.events.json.MembershipJson;

/**
 * An event as a Kafka record in CloudEvents 1.0 binary content mode: the value is the
 * event's JSON body, the attributes are {@code ce_}-prefixed headers. The extensions
 * {@code orgversion}, {@code actorid} and {@code correlationid} let a subscriber drop
 * duplicates, detect gaps and trace a change back to the request without parsing the
 * body; {@code traceparent} (when the request had a trace) lets it join its spans to the
 * request's trace. The publisher writes every event so, and the query side reads it back
 * ({@code EventRecords} there); the query side's tests write theirs with it too.
 * <p>
 * The CloudEvents SDK's Kafka binding writes and reads the headers. The attributes are
 * handed to its binary-mode writer one by one, as strings, rather than built into a
 * {@link CloudEvent} and written whole: that way the headers keep the order and the
 * values they have always had on the wire ({@code ce_time} as
 * {@link DateTimeFormatter#ISO_INSTANT} writes it, with milliseconds kept as
 * {@code .100}; the extensions in a fixed order), where the SDK's event would write its
 * extensions in hash order and its time with the offset formatter, which trims trailing
 * zeros.
 */
public final class CloudEventRecords {

	static final String CONTENT_TYPE = "application/json";

	/**
	 * The CloudEvents distributed-tracing extension's {@code traceparent}, as a header in
	 * binary mode: the W3C trace context of the request that produced the event.
	 */
	public static final String TRACEPARENT = "ce_traceparent";

	/** A W3C traceparent of version 00, as subscribers' tracers parse it. */
	private static final Pattern W3C_TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

	private CloudEventRecords() {
	}

	/**
	 * The record of an event, unsigned.
	 * @param eventId the event's id ({@code ce_id}), the event store's message id
	 * @param version the organization's version once the event is applied
	 * ({@code ce_orgversion}): its first event is 1
	 */
	public static ProducerRecord<String, byte[]> of(MembershipEvent event, String eventId, long version) {
		return of(event, eventId, version, null);
	}

	/**
	 * The record of an event, unsigned, with the trace context of the request that
	 * produced it ({@code ce_traceparent}) if it had a valid one, so a subscriber's spans
	 * join that trace.
	 */
	public static ProducerRecord<String, byte[]> of(MembershipEvent event, String eventId, long version,
			Object traceParent) {
		String organization = event.organizationId().value();
		CloudEventWriter<ProducerRecord<String, byte[]>> writer = writer(MembershipTopics.EVENTS, organization);
		writer.withContextAttribute("id", eventId)
			.withContextAttribute("source", "/organizations/" + organization)
			.withContextAttribute("type", type(event))
			.withContextAttribute("time", DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()));
		event.subject().ifPresent((subject) -> writer.withContextAttribute("subject", subject.toString()));
		writer.withContextAttribute("datacontenttype", CONTENT_TYPE)
			.withContextAttribute("orgversion", Long.toString(version));
		// An erasure a service principal asked for has no acting user.
		if (event.actorUserId() != null) {
			writer.withContextAttribute("actorid", event.actorUserId().toString());
		}
		writer.withContextAttribute("correlationid", event.correlationId());
		if (traceParent instanceof String value && W3C_TRACEPARENT.matcher(value).matches()) {
			writer.withContextAttribute("traceparent", value);
		}
		return writer.end(BytesCloudEventData.wrap(MembershipJson.mapper().writeValueAsBytes(event)));
	}

	/**
	 * The SDK's binary-mode writer of a record of {@code topic} under {@code key}, its
	 * {@code ce_specversion} (1.0) written: the caller adds the attributes, in the order
	 * they go on the wire, and ends it with the value.
	 */
	public static CloudEventWriter<ProducerRecord<String, byte[]>> writer(String topic, String key) {
		return KafkaMessageFactory.<String>createWriter(topic, key).create(SpecVersion.V1);
	}

	/**
	 * The CloudEvent a record carries in binary mode, as the SDK's Kafka binding reads
	 * its headers and value, or empty if it is none (no {@code ce_specversion}, a
	 * required attribute missing, a malformed {@code ce_time}). The MAC is not checked
	 * here.
	 */
	public static Optional<CloudEvent> read(ConsumerRecord<String, byte[]> record) {
		try {
			return Optional.of(KafkaMessageFactory.createReader(record).toEvent());
		}
		catch (RuntimeException notACloudEvent) {
			return Optional.empty();
		}
	}

	/** An extension attribute of an event read from a record, as text, or null. */
	public static String extension(CloudEvent event, String name) {
		Object value = event.getExtension(name);
		return (value != null) ? value.toString() : null;
	}

	static String type(MembershipEvent event) {
		return event.cloudEventType();
	}

}
