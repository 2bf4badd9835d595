package io.membership.example.consumer;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import io.membership.events.MembershipEvent;
import io.membership.events.json.MembershipJson;

/**
 * Records as the service publishes them (API.md, "Kafka"; infra's
 * {@code CloudEventRecords}): key = organization id, value = the JSON body, CloudEvents
 * attributes as {@code ce_} headers.
 */
final class CloudEventsRecords {

	private CloudEventsRecords() {
	}

	static Headers headers(MembershipEvent event, long version, String eventId) {
		Headers headers = new RecordHeaders();
		put(headers, "ce_specversion", "1.0");
		put(headers, "ce_id", eventId);
		put(headers, "ce_source", "/organizations/" + event.organizationId());
		put(headers, "ce_type", "membership." + event.typeName() + ".v1");
		put(headers, "ce_time", DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()));
		event.subject().ifPresent((subject) -> put(headers, "ce_subject", subject.toString()));
		put(headers, "content-type", "application/json");
		put(headers, "ce_orgversion", Long.toString(version));
		put(headers, "ce_actorid", event.actorUserId().toString());
		put(headers, "ce_correlationid", event.correlationId());
		return headers;
	}

	static ConsumerRecord<String, byte[]> consumed(MembershipEvent event, long version, String eventId, long offset) {
		return consumed(event.organizationId().value(), MembershipJson.mapper().writeValueAsBytes(event),
				headers(event, version, eventId), offset);
	}

	static ConsumerRecord<String, byte[]> consumed(String key, byte[] value, Headers headers, long offset) {
		return new ConsumerRecord<>(RoleChangeFollower.EVENTS_TOPIC, 0, offset, 0L, TimestampType.CREATE_TIME, -1, -1,
				key, value, headers, Optional.empty());
	}

	static ProducerRecord<String, byte[]> produced(MembershipEvent event, long version, String eventId) {
		return new ProducerRecord<>(RoleChangeFollower.EVENTS_TOPIC, null, event.organizationId().value(),
				MembershipJson.mapper().writeValueAsBytes(event), headers(event, version, eventId));
	}

	private static void put(Headers headers, String name, String value) {
		headers.add(name, value.getBytes(StandardCharsets.UTF_8));
	}

}
