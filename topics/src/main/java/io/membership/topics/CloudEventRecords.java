package io.membership.topics;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

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
 */
public final class CloudEventRecords {

	static final String SPEC_VERSION = "1.0";

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
		String organization = event.organizationId().value();
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(MembershipTopics.EVENTS, organization,
				MembershipJson.mapper().writeValueAsBytes(event));
		Headers headers = record.headers();
		put(headers, "ce_specversion", SPEC_VERSION);
		put(headers, "ce_id", eventId);
		put(headers, "ce_source", "/organizations/" + organization);
		put(headers, "ce_type", type(event));
		put(headers, "ce_time", DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()));
		event.subject().ifPresent((subject) -> put(headers, "ce_subject", subject.toString()));
		put(headers, "content-type", CONTENT_TYPE);
		put(headers, "ce_orgversion", Long.toString(version));
		// A service principal that asked for an erasure has no user id.
		if (event.actorUserId() != null) {
			put(headers, "ce_actorid", event.actorUserId().toString());
		}
		put(headers, "ce_correlationid", event.correlationId());
		return record;
	}

	/**
	 * Adds the trace context of the request that produced the event, if it had a valid
	 * one, so a subscriber's spans join that trace; before the record is signed.
	 */
	public static ProducerRecord<String, byte[]> traced(ProducerRecord<String, byte[]> record, Object traceParent) {
		if (traceParent instanceof String value && W3C_TRACEPARENT.matcher(value).matches()) {
			put(record.headers(), TRACEPARENT, value);
		}
		return record;
	}

	static String type(MembershipEvent event) {
		return event.cloudEventType();
	}

	private static void put(Headers headers, String name, String value) {
		headers.add(name, value.getBytes(StandardCharsets.UTF_8));
	}

}
