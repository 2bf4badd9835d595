package io.membership.bench;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Signs the synthetic records as the service's publisher does, so that its query side
 * applies them: the service under measurement is given {@link #KEY} as
 * {@code MEMBERSHIP_KAFKA_RECORD_KEY}. The encoding is the one {@code RecordMac} in the
 * topics module defines (its Javadoc); the bench runs without the service's classes on
 * its classpath, so it is written out again here.
 */
final class RecordSigning {

	static final String KEY_ID = "bench";

	static final String SECRET = "membership-bench-kafka-record-key-0123456789";

	/** {@code <id>:<secret>}, as {@code MEMBERSHIP_KAFKA_RECORD_KEY} takes it. */
	static final String KEY = KEY_ID + ":" + SECRET;

	private RecordSigning() {
	}

	static ProducerRecord<String, byte[]> sign(ProducerRecord<String, byte[]> record) {
		Map<String, byte[]> covered = new TreeMap<>();
		for (Header header : record.headers()) {
			if (header.key().startsWith("ce_") || header.key().equals("content-type")) {
				covered.put(header.key(), header.value());
			}
		}
		ByteArrayOutputStream input = new ByteArrayOutputStream();
		field(input, "membership-record-mac-v1".getBytes(StandardCharsets.UTF_8));
		field(input, KEY_ID.getBytes(StandardCharsets.UTF_8));
		field(input, record.topic().getBytes(StandardCharsets.UTF_8));
		field(input, (record.key() != null) ? record.key().getBytes(StandardCharsets.UTF_8) : null);
		input.writeBytes(ByteBuffer.allocate(4).putInt(covered.size()).array());
		covered.forEach((name, value) -> {
			field(input, name.getBytes(StandardCharsets.UTF_8));
			field(input, value);
		});
		field(input, record.value());
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			String header = "v1:" + KEY_ID + ":"
					+ Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(input.toByteArray()));
			record.headers().add("membership_mac", header.getBytes(StandardCharsets.UTF_8));
			return record;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void field(ByteArrayOutputStream input, byte[] bytes) {
		input.writeBytes(ByteBuffer.allocate(4).putInt((bytes != null) ? bytes.length : -1).array());
		if (bytes != null) {
			input.writeBytes(bytes);
		}
	}

}
