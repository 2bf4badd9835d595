package io.membership.infra.support;

import org.apache.kafka.clients.producer.ProducerRecord;

import io.membership.topics.RecordMac;

/**
 * The key the service under test signs its Kafka records with
 * ({@code membership.kafka.record-key}), so that a test writing to the topic itself can
 * sign as the service does, and a test reading it can verify.
 */
public final class TestRecordKey {

	/** {@code <id>:<secret>}, as {@code MEMBERSHIP_KAFKA_RECORD_KEY} takes it. */
	public static final String VALUE = "test:membership-test-kafka-record-key-0123456789";

	private static final RecordMac MAC = new RecordMac(RecordMac.Key.parse(VALUE));

	private TestRecordKey() {
	}

	public static RecordMac mac() {
		return MAC;
	}

	/** Adds the MAC the service would add. */
	public static ProducerRecord<String, byte[]> sign(ProducerRecord<String, byte[]> record) {
		return MAC.sign(record);
	}

}
