package io.membership.query.feed;

import java.util.Optional;

import io.cloudevents.CloudEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.membership.events.MembershipEvent;
import io.membership.events.ids.OrganizationId;
import io.membership.events.json.MembershipJson;
import io.membership.query.projection.ProjectedEvent;
import io.membership.topics.CloudEventRecords;

/**
 * Reads an event from a record of {@code membership.events.v1}, as the publisher writes
 * it: CloudEvents 1.0 in binary content mode, the JSON body as the value, the attributes
 * as {@code ce_*} headers, read by the CloudEvents SDK's Kafka binding
 * ({@link CloudEventRecords#read}). Also what little can be told of a record that could
 * not be applied, for setting its organization aside.
 */
public final class EventRecords {

	private static final Logger logger = LoggerFactory.getLogger(EventRecords.class);

	private EventRecords() {
	}

	/**
	 * The event a record carries, or empty for a record the service did not publish (no
	 * valid MAC) or a type this version does not know; the live consumer and a rebuild
	 * read records alike.
	 */
	public static Optional<ProjectedEvent> parse(ConsumerRecord<String, byte[]> record, AuthenticRecords authenticity) {
		if (!authenticity.accepts(record)) {
			return Optional.empty();
		}
		CloudEvent cloudEvent = CloudEventRecords.read(record).orElse(null);
		String type = (cloudEvent != null) ? cloudEvent.getType() : null;
		Optional<Class<? extends MembershipEvent>> eventClass = (type != null) ? MembershipEvent.typeNamed(type)
				: Optional.empty();
		if (eventClass.isEmpty()) {
			// A type this version does not know: the organization's next event will show
			// up as a gap, recorded and reported, rather than being applied past it.
			logger.error("Unknown event type {} at {}-{}@{}", type, record.topic(), record.partition(),
					record.offset());
			return Optional.empty();
		}
		MembershipEvent event = MembershipJson.mapper().readValue(record.value(), eventClass.get());
		return Optional.of(new ProjectedEvent(event,
				Long.parseLong(CloudEventRecords.extension(cloudEvent, "orgversion")), cloudEvent.getId()));
	}

	/** The organization the record's key names, or null if it names none. */
	static OrganizationId organizationOf(ConsumerRecord<String, byte[]> record) {
		try {
			return (record.key() != null) ? new OrganizationId(record.key()) : null;
		}
		catch (IllegalArgumentException notAnOrganizationId) {
			return null;
		}
	}

	/** The organization's version the record claims, or 0 if unreadable. */
	static long versionOf(ConsumerRecord<String, byte[]> record) {
		try {
			return Long.parseLong(CloudEventRecords.read(record)
				.map((event) -> CloudEventRecords.extension(event, "orgversion"))
				.orElseThrow());
		}
		catch (RuntimeException unreadable) {
			return 0;
		}
	}

	/** The record's event id, or {@code unknown} if missing or too long to record. */
	static String eventIdOf(ConsumerRecord<String, byte[]> record) {
		String id = CloudEventRecords.read(record).map(CloudEvent::getId).orElse(null);
		return (id != null && id.length() <= 64) ? id : "unknown";
	}

	/** The simple name of the record's event type, or {@code unknown}. */
	static String typeOf(ConsumerRecord<String, byte[]> record) {
		String type = CloudEventRecords.read(record).map(CloudEvent::getType).orElse(null);
		Optional<Class<? extends MembershipEvent>> known = (type != null) ? MembershipEvent.typeNamed(type)
				: Optional.empty();
		return known.map(Class::getSimpleName).orElse("unknown");
	}

}
