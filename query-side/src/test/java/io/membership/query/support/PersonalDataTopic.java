package io.membership.query.support;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

import io.membership.topics.MembershipTopics;

/**
 * Records of {@value MembershipTopics#PERSONAL_DATA} as the publisher writes them (the
 * lead's interface for issue 17): key {@code user:{id}} or {@code invitation:{id}}, the
 * address as {@code {"email": ...}}, the CloudEvents headers of type
 * {@code membership.PersonalData.v1}, signed with {@link OrganizationHistory#MAC}; a
 * tombstone (null value) once the address is erased.
 */
public final class PersonalDataTopic {

	private PersonalDataTopic() {
	}

	/** The address under the key, published at that instant. */
	public static ProducerRecord<String, byte[]> address(String key, String email, Instant at) {
		String id = key.substring(key.indexOf(':') + 1);
		String member = key.startsWith("user:") ? "\"user_id\": \"" + id + "\"" : "\"invitation_id\": \"" + id + "\"";
		return OrganizationHistory.MAC
			.sign(record(key, ("{\"email\": \"" + email + "\", " + member + "}").getBytes(StandardCharsets.UTF_8), at));
	}

	/** The key's tombstone, written at that instant. */
	public static ProducerRecord<String, byte[]> tombstone(String key, Instant at) {
		return OrganizationHistory.MAC.sign(record(key, null, at));
	}

	/** The address under the key, as anyone may write it: without a MAC. */
	public static ProducerRecord<String, byte[]> unsigned(String key, String email, Instant at) {
		return record(key, ("{\"email\": \"" + email + "\"}").getBytes(StandardCharsets.UTF_8), at);
	}

	private static ProducerRecord<String, byte[]> record(String key, byte[] value, Instant at) {
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(MembershipTopics.PERSONAL_DATA, key, value);
		Headers headers = record.headers();
		put(headers, "ce_specversion", "1.0");
		put(headers, "ce_id", UUID.randomUUID().toString());
		put(headers, "ce_source", "/personal-data");
		put(headers, "ce_type", "membership.PersonalData.v1");
		put(headers, "ce_time", DateTimeFormatter.ISO_INSTANT.format(at));
		if (value != null) {
			put(headers, "content-type", "application/json");
		}
		return record;
	}

	private static void put(Headers headers, String name, String value) {
		headers.add(name, value.getBytes(StandardCharsets.UTF_8));
	}

}
