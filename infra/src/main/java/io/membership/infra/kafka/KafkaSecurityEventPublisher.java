package io.membership.infra.kafka;

import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.rw.CloudEventWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.membership.audit.security.SecurityEvent;
import io.membership.audit.security.SecurityEventPublisher;
import io.membership.events.json.MembershipJson;
import io.membership.topics.CloudEventRecords;
import io.membership.topics.MembershipTopics;
import io.membership.topics.RecordMac;

/**
 * Publishes security events to {@value MembershipTopics#SECURITY}, keyed by organization
 * id or {@code -}, as the service's other records are: CloudEvents 1.0 in binary mode
 * ({@code ce_type} {@value #TYPE}) and signed with the record MAC ({@link RecordMac}). An
 * event is published again each time its count grows ({@code SecurityEvents} flushes at
 * most every few seconds), so {@code ce_id} is the event id and the count: a subscriber
 * that drops duplicate CloudEvents by id still sees every count, and the highest count of
 * an {@code event_id} is its current one.
 *
 * <p>
 * Nothing waits for Kafka: the record is handed to the producer, and a failure is logged
 * and metered ({@code membership.security.events.unpublished}). The table keeps the event
 * either way.
 */
class KafkaSecurityEventPublisher implements SecurityEventPublisher {

	static final String TYPE = "membership.SecurityEvent.v1";

	/** The key of an event that names no organization. */
	static final String NO_ORGANIZATION = "-";

	private static final Logger logger = LoggerFactory.getLogger(KafkaSecurityEventPublisher.class);

	private final PublishingProducer producer;

	private final RecordMac mac;

	private final Counter unpublished;

	KafkaSecurityEventPublisher(PublishingProducer producer, RecordMac mac, MeterRegistry meters) {
		this.producer = producer;
		this.mac = mac;
		this.unpublished = Counter.builder("membership.security.events.unpublished")
			.description("Security event records Kafka did not take; the table still has them")
			.register(meters);
	}

	@Override
	public void publish(SecurityEvent event) {
		try {
			this.producer.send(this.mac.sign(recordOf(event)), (metadata, failure) -> {
				if (failure != null) {
					failed(event, failure);
				}
			});
		}
		catch (RuntimeException ex) {
			failed(event, ex);
		}
	}

	/**
	 * The record of a security event, unsigned, its headers written by the CloudEvents
	 * SDK's Kafka binding in the order they have always had ({@link CloudEventRecords}).
	 */
	static ProducerRecord<String, byte[]> recordOf(SecurityEvent event) {
		String key = (event.organizationId() != null) ? event.organizationId() : NO_ORGANIZATION;
		CloudEventWriter<ProducerRecord<String, byte[]>> writer = CloudEventRecords.writer(MembershipTopics.SECURITY,
				key);
		writer.withContextAttribute("id", event.eventId() + ":" + event.count())
			.withContextAttribute("source",
					(event.organizationId() != null) ? "/organizations/" + event.organizationId() : "/security-events")
			.withContextAttribute("type", TYPE)
			.withContextAttribute("time", event.occurredAt().toString())
			.withContextAttribute("datacontenttype", "application/json")
			.withContextAttribute("correlationid", event.correlationId());
		return writer.end(BytesCloudEventData.wrap(MembershipJson.mapper().writeValueAsBytes(event.toJson())));
	}

	private void failed(SecurityEvent event, Throwable failure) {
		this.unpublished.increment();
		logger.warn("Security event {} was not published to Kafka: {}", event.eventId(), failure.toString());
	}

}
