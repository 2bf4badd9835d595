package io.membership.query.feed;

import java.util.Map;
import java.util.Optional;

import io.cloudevents.CloudEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.InvitationRevoked;
import io.membership.events.MemberJoined;
import io.membership.events.MembershipEvent;
import io.membership.events.OrganizationCreated;
import io.membership.events.UserInvited;
import io.membership.events.ids.OrganizationId;
import io.membership.events.json.MembershipJson;
import io.membership.query.projection.PersonalDataProjection;
import io.membership.query.projection.ProjectedEvent;
import io.membership.topics.CloudEventRecords;

/**
 * Reads an event from a record of {@code membership.events.v1}, as the publisher writes
 * it: CloudEvents 1.0 in binary content mode, the JSON body as the value, the attributes
 * as {@code ce_*} headers, read by the CloudEvents SDK's Kafka binding
 * ({@link CloudEventRecords#read}). Also what little can be told of a record that could
 * not be applied, for setting its organization aside.
 *
 * <p>
 * Its {@code ce_type} names the event's revision ({@code membership.<Name>.v<revision>}).
 * Revision 2 of {@link OrganizationCreated}, {@link UserInvited}, {@link MemberJoined}
 * and {@link InvitationRevoked} no longer carries the e-mail address; their revision-1
 * records, still on the topic, do, and are read here, for the live consumer and the
 * rebuild alike, without it ({@link PersonalDataProjection#withoutAddress}): the query
 * side takes addresses from {@code membership.personal-data.v1} alone. A revision newer
 * than this version reads is an unknown type.
 */
public final class EventRecords {

	private static final Logger logger = LoggerFactory.getLogger(EventRecords.class);

	/**
	 * The newest revision of each event type this version reads, where it is not 1.
	 */
	private static final Map<Class<? extends MembershipEvent>, Integer> REVISIONS = Map.of(OrganizationCreated.class, 2,
			UserInvited.class, 2, MemberJoined.class, 2, InvitationRevoked.class, 2);

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
		return parse(record, CloudEventRecords.read(record).orElse(null), authenticity);
	}

	/**
	 * As {@link #parse(ConsumerRecord, AuthenticRecords)}, with the record's CloudEvents
	 * attributes already read ({@link CloudEventRecords#read}; null if it has none), so
	 * that a caller that needs them too (the projection's observations) reads them once.
	 */
	public static Optional<ProjectedEvent> parse(ConsumerRecord<String, byte[]> record, CloudEvent cloudEvent,
			AuthenticRecords authenticity) {
		if (!authenticity.accepts(record)) {
			return Optional.empty();
		}
		String type = (cloudEvent != null) ? cloudEvent.getType() : null;
		Optional<Class<? extends MembershipEvent>> eventClass = (type != null) ? readableType(type) : Optional.empty();
		if (eventClass.isEmpty()) {
			// A type this version does not know: the organization's next event will show
			// up as a gap, recorded and reported, rather than being applied past it.
			logger.error("Unknown event type {} at {}-{}@{}", type, record.topic(), record.partition(),
					record.offset());
			return Optional.empty();
		}
		MembershipEvent event = MembershipJson.mapper().treeToValue(upcast(record.value()), eventClass.get());
		return Optional.of(new ProjectedEvent(event,
				Long.parseLong(CloudEventRecords.extension(cloudEvent, "orgversion")), cloudEvent.getId()));
	}

	/**
	 * The body as the newest revision has it: whatever revision it is, no member of it
	 * that held an address is read (revision 2 has none).
	 */
	private static JsonNode upcast(byte[] value) {
		JsonNode body = MembershipJson.mapper().readTree(value);
		return (body instanceof ObjectNode object) ? PersonalDataProjection.withoutAddress(object) : body;
	}

	/**
	 * The class of a CloudEvents type {@code membership.<Name>.v<revision>} this version
	 * reads: a known name of a revision no newer than it knows.
	 */
	private static Optional<Class<? extends MembershipEvent>> readableType(String type) {
		int revisionAt = type.lastIndexOf(".v");
		if (!type.startsWith("membership.") || revisionAt < 0) {
			return Optional.empty();
		}
		int revision;
		try {
			revision = Integer.parseInt(type.substring(revisionAt + 2));
		}
		catch (NumberFormatException notARevision) {
			return Optional.empty();
		}
		return MembershipEvent.typeNamed(type)
			.filter((known) -> revision >= 1 && revision <= REVISIONS.getOrDefault(known, 1));
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
