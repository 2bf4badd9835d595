package io.membership.topics;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.AddressKeptApart;
import io.membership.events.MembershipEvent;
import io.membership.events.json.MembershipJson;

/**
 * The records of {@value MembershipTopics#PERSONAL_DATA}, unsigned: keyed
 * {@code user:<user_id>} or {@code invitation:<invitation_id>}, the value the address
 * with what it belongs to, or null (a tombstone) once it is erased; with the CloudEvents
 * binary-mode headers of the other topics ({@code ce_type} {@value #TYPE}).
 */
public final class PersonalDataRecords {

	public static final String TYPE = "membership.PersonalData.v1";

	/*
	 * The headers are written by hand rather than through the CloudEvents SDK's writer
	 * (as CloudEventRecords does): a tombstone has no data, and the binding's header
	 * names and values are the same either way.
	 */

	private PersonalDataRecords() {
	}

	/** The record of the address an event refers to; the event must carry it. */
	public static ProducerRecord<String, byte[]> of(MembershipEvent event, Instant time) {
		AddressKeptApart addressed = (AddressKeptApart) event;
		return stored(addressed.personalDataKey(), addressed.email(), event.organizationId().value(), time);
	}

	/**
	 * The record of a key as stored, for republishing: its address, or a tombstone once
	 * erased.
	 * @param organizationId the organization that sent it, for an invitation key
	 */
	public static ProducerRecord<String, byte[]> stored(String key, String email, String organizationId, Instant time) {
		if (email == null) {
			return tombstone(key, time);
		}
		ObjectNode value = MembershipJson.mapper().createObjectNode();
		value.put("email", email);
		String id = key.substring(key.indexOf(':') + 1);
		if (key.startsWith("user:")) {
			// As in the key, in decimal: the interface of the erasure fixes it as a
			// string.
			value.put("user_id", id);
		}
		else {
			value.put("invitation_id", id);
			value.put("organization_id", organizationId);
		}
		return record(key, MembershipJson.mapper().writeValueAsBytes(value), time);
	}

	/** The tombstone of an erased key. */
	public static ProducerRecord<String, byte[]> tombstone(String key, Instant time) {
		return record(key, null, time);
	}

	private static ProducerRecord<String, byte[]> record(String key, byte[] value, Instant time) {
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(MembershipTopics.PERSONAL_DATA, key, value);
		Headers headers = record.headers();
		put(headers, "ce_specversion", "1.0");
		put(headers, "ce_id", UUID.randomUUID().toString());
		put(headers, "ce_source", "/personal-data/" + key);
		put(headers, "ce_type", TYPE);
		put(headers, "ce_time", DateTimeFormatter.ISO_INSTANT.format(time));
		if (value != null) {
			put(headers, "content-type", CloudEventRecords.CONTENT_TYPE);
		}
		return record;
	}

	private static void put(Headers headers, String name, String value) {
		headers.add(name, value.getBytes(StandardCharsets.UTF_8));
	}

}
