package io.membership.infra.kafka;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.axonframework.eventhandling.DomainEventMessage;

import io.membership.events.MembershipEvent;
import io.membership.events.json.MembershipJson;
import io.membership.topics.MembershipTopics;

/**
 * An event as a Kafka record in CloudEvents 1.0 binary content mode: the value is the
 * event's JSON body, the attributes are {@code ce_}-prefixed headers. The extensions
 * {@code orgversion}, {@code actorid} and {@code correlationid} let a subscriber drop
 * duplicates, detect gaps and trace a change back to the request without parsing the
 * body.
 */
final class CloudEventRecords {

	static final String SPEC_VERSION = "1.0";

	static final String CONTENT_TYPE = "application/json";

	private CloudEventRecords() {
	}

	static ProducerRecord<String, byte[]> of(MembershipEvent event, DomainEventMessage<?> message) {
		String organization = event.organizationId().value();
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(MembershipTopics.EVENTS, organization,
				MembershipJson.mapper().writeValueAsBytes(event));
		Headers headers = record.headers();
		put(headers, "ce_specversion", SPEC_VERSION);
		put(headers, "ce_id", message.getIdentifier());
		put(headers, "ce_source", "/organizations/" + organization);
		put(headers, "ce_type", type(event));
		put(headers, "ce_time", DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()));
		event.subject().ifPresent((subject) -> put(headers, "ce_subject", subject.toString()));
		put(headers, "content-type", CONTENT_TYPE);
		put(headers, "ce_orgversion", Long.toString(message.getSequenceNumber() + 1));
		put(headers, "ce_actorid", event.actorUserId().toString());
		put(headers, "ce_correlationid", event.correlationId());
		return record;
	}

	static String type(MembershipEvent event) {
		return "membership." + event.typeName() + ".v1";
	}

	private static void put(Headers headers, String name, String value) {
		headers.add(name, value.getBytes(StandardCharsets.UTF_8));
	}

}
