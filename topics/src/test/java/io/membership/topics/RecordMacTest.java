package io.membership.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.membership.topics.RecordMac.Key;
import io.membership.topics.RecordMac.Verdict;

/**
 * The MAC the publisher adds to its records: it verifies for the record as written, and
 * for nothing else, whichever part a writer without the key changes.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class RecordMacTest {

	private static final Key KEY = Key.parse("2026-11:the-current-key-of-at-least-32-bytes");

	private static final Key OLD_KEY = Key.parse("2026-05:the-previous-key-of-at-least-32-bytes");

	private static final RecordMac MAC = new RecordMac(KEY);

	/** A record as the publisher writes it, with every header. */
	static ProducerRecord<String, byte[]> record() {
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(MembershipTopics.EVENTS, "org_1",
				"{\"organization_id\":\"org_1\",\"to_role\":\"AN\"}".getBytes(StandardCharsets.UTF_8));
		for (String[] header : new String[][] { { "ce_specversion", "1.0" }, { "ce_id", "e-1" },
				{ "ce_source", "/organizations/org_1" }, { "ce_type", "membership.MemberRoleChanged.v1" },
				{ "ce_time", "2026-11-26T10:00:00Z" }, { "ce_subject", "42" }, { "content-type", "application/json" },
				{ "ce_orgversion", "7" }, { "ce_actorid", "1" }, { "ce_correlationid", "c-1" } }) {
			record.headers().add(header[0], header[1].getBytes(StandardCharsets.UTF_8));
		}
		return record;
	}

	/** The record as a consumer reads it back from partition 0 at {@code offset}. */
	static ConsumerRecord<String, byte[]> read(ProducerRecord<String, byte[]> written, long offset) {
		return new ConsumerRecord<>(written.topic(), 0, offset, 0L, TimestampType.CREATE_TIME, 0, 0, written.key(),
				written.value(), written.headers(), Optional.empty());
	}

	static ConsumerRecord<String, byte[]> read(ProducerRecord<String, byte[]> written) {
		return read(written, 100);
	}

	/** A copy of the record with other headers. */
	static ProducerRecord<String, byte[]> withHeaders(ProducerRecord<String, byte[]> record,
			UnaryOperator<Headers> change) {
		Headers headers = new RecordHeaders();
		record.headers().forEach((header) -> headers.add(new RecordHeader(header.key(), header.value())));
		return new ProducerRecord<>(record.topic(), null, record.key(), record.value(), change.apply(headers));
	}

	static Headers replacing(Headers headers, String name, String value) {
		Headers changed = new RecordHeaders();
		for (Header header : headers) {
			changed.add(header.key(),
					header.key().equals(name) ? value.getBytes(StandardCharsets.UTF_8) : header.value());
		}
		return changed;
	}

	@Test
	void a_signed_record_verifies_and_names_its_key() {
		ProducerRecord<String, byte[]> signed = MAC.sign(record());

		assertThat(MAC.verify(read(signed))).isEqualTo(Verdict.VALID);
		assertThat(new String(signed.headers().lastHeader(RecordMac.HEADER).value(), StandardCharsets.UTF_8))
			.matches("v1:2026-11:[A-Za-z0-9_-]{43}");
	}

	/**
	 * The MAC as the class comment specifies it, computed here from that text alone: each
	 * field as a 4-byte big-endian length and its bytes, the covered headers sorted by
	 * name.
	 */
	static String specifiedMac(Key key, String topic, String recordKey, Headers headers, byte[] value)
			throws Exception {
		java.io.ByteArrayOutputStream input = new java.io.ByteArrayOutputStream();
		java.io.DataOutputStream out = new java.io.DataOutputStream(input);
		java.util.function.Consumer<byte[]> field = (bytes) -> {
			try {
				out.writeInt((bytes != null) ? bytes.length : -1);
				if (bytes != null) {
					out.write(bytes);
				}
			}
			catch (java.io.IOException ex) {
				throw new IllegalStateException(ex);
			}
		};
		field.accept("membership-record-mac-v1".getBytes(StandardCharsets.UTF_8));
		field.accept(key.id().getBytes(StandardCharsets.UTF_8));
		field.accept(topic.getBytes(StandardCharsets.UTF_8));
		field.accept((recordKey != null) ? recordKey.getBytes(StandardCharsets.UTF_8) : null);
		java.util.TreeMap<String, byte[]> covered = new java.util.TreeMap<>();
		headers.forEach((header) -> {
			if (header.key().startsWith("ce_") || header.key().equals("content-type")) {
				covered.put(header.key(), header.value());
			}
		});
		out.writeInt(covered.size());
		covered.forEach((name, headerValue) -> {
			field.accept(name.getBytes(StandardCharsets.UTF_8));
			field.accept(headerValue);
		});
		field.accept(value);
		javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
		mac.init(new javax.crypto.spec.SecretKeySpec(key.secret(), "HmacSHA256"));
		return "v1:" + key.id() + ":"
				+ java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(input.toByteArray()));
	}

	@Test
	void the_mac_is_the_one_the_specification_gives_also_without_a_record_key_or_a_value() throws Exception {
		ProducerRecord<String, byte[]> full = record();
		ProducerRecord<String, byte[]> tombstone = new ProducerRecord<String, byte[]>(full.topic(), null, "user:42",
				(byte[]) null, withHeaders(full, UnaryOperator.identity()).headers());
		ProducerRecord<String, byte[]> keyless = new ProducerRecord<String, byte[]>(full.topic(), null, (String) null,
				full.value(), withHeaders(full, UnaryOperator.identity()).headers());
		for (ProducerRecord<String, byte[]> written : List.of(full, tombstone, keyless)) {
			String expected = specifiedMac(KEY, written.topic(), written.key(), written.headers(), written.value());

			MAC.sign(written);

			assertThat(new String(written.headers().lastHeader(RecordMac.HEADER).value(), StandardCharsets.UTF_8))
				.isEqualTo(expected);
			assertThat(MAC.verify(read(written))).isEqualTo(Verdict.VALID);
		}
	}

	@Test
	void threads_signing_and_verifying_at_once_each_get_their_own_records_mac() throws Exception {
		RecordMac rotated = new RecordMac(KEY, List.of(OLD_KEY), Map.of());
		RecordMac old = new RecordMac(OLD_KEY);
		List<java.util.concurrent.Callable<Boolean>> work = new java.util.ArrayList<>();
		for (int thread = 0; thread < 8; thread++) {
			int seed = thread;
			work.add(() -> {
				for (int i = 0; i < 500; i++) {
					ProducerRecord<String, byte[]> written = new ProducerRecord<String, byte[]>(MembershipTopics.EVENTS,
							null, "org_" + seed + "_" + i, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8),
							withHeaders(record(), UnaryOperator.identity()).headers());
					((i % 2 == 0) ? rotated : old).sign(written);
					String expected = specifiedMac((i % 2 == 0) ? KEY : OLD_KEY, written.topic(), written.key(),
							withHeaders(written, (headers) -> {
								headers.remove(RecordMac.HEADER);
								return headers;
							}).headers(), written.value());
					if (!expected.equals(
							new String(written.headers().lastHeader(RecordMac.HEADER).value(), StandardCharsets.UTF_8))
							|| rotated.verify(read(written)) != Verdict.VALID) {
						return false;
					}
				}
				return true;
			});
		}
		java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
		try {
			for (java.util.concurrent.Future<Boolean> done : threads.invokeAll(work)) {
				assertThat(done.get()).isTrue();
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	static Stream<String> coveredHeaders() {
		return Stream.of("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "content-type",
				"ce_orgversion", "ce_actorid", "ce_correlationid");
	}

	@ParameterizedTest
	@MethodSource("coveredHeaders")
	void changing_any_covered_header_fails_verification(String name) {
		ProducerRecord<String, byte[]> signed = MAC.sign(record());

		ProducerRecord<String, byte[]> changed = withHeaders(signed, (headers) -> replacing(headers, name, "8"));
		ProducerRecord<String, byte[]> removed = withHeaders(signed, (headers) -> headers.remove(name));
		ProducerRecord<String, byte[]> repeated = withHeaders(signed,
				(headers) -> headers.add(name, "8".getBytes(StandardCharsets.UTF_8)));

		assertThat(MAC.verify(read(changed))).isEqualTo(Verdict.MISMATCH);
		assertThat(MAC.verify(read(removed))).isEqualTo(Verdict.MISMATCH);
		assertThat(MAC.verify(read(repeated))).as("a second %s, which a reader would take as the last", name)
			.isEqualTo(Verdict.MALFORMED);
	}

	@Test
	void an_added_cloudevents_header_fails_verification_but_another_header_does_not() {
		ProducerRecord<String, byte[]> signed = MAC.sign(record());

		assertThat(MAC.verify(read(
				withHeaders(signed, (headers) -> headers.add("ce_dataschema", "x".getBytes(StandardCharsets.UTF_8))))))
			.isEqualTo(Verdict.MISMATCH);
		assertThat(MAC.verify(read(withHeaders(signed,
				(headers) -> headers.add("traceparent", "00-1-2-01".getBytes(StandardCharsets.UTF_8))))))
			.as("headers outside ce_* and content-type are not the event's; tracing may add them")
			.isEqualTo(Verdict.VALID);
	}

	@Test
	void changing_the_value_the_record_key_or_the_topic_fails_verification() {
		ProducerRecord<String, byte[]> signed = MAC.sign(record());
		byte[] value = signed.value().clone();
		value[value.length - 3] = 'D';

		assertThat(MAC.verify(read(new ProducerRecord<>(signed.topic(), null, signed.key(), value, signed.headers()))))
			.isEqualTo(Verdict.MISMATCH);
		assertThat(MAC.verify(
				read(new ProducerRecord<String, byte[]>(signed.topic(), null, signed.key(), null, signed.headers()))))
			.isEqualTo(Verdict.MISMATCH);
		assertThat(
				MAC.verify(read(new ProducerRecord<>(signed.topic(), null, "org_2", signed.value(), signed.headers()))))
			.isEqualTo(Verdict.MISMATCH);
		assertThat(MAC.verify(read(new ProducerRecord<String, byte[]>(signed.topic(), null, (String) null,
				signed.value(), signed.headers()))))
			.isEqualTo(Verdict.MISMATCH);
		assertThat(MAC.verify(read(
				new ProducerRecord<>(MembershipTopics.ROLES, null, signed.key(), signed.value(), signed.headers()))))
			.isEqualTo(Verdict.MISMATCH);
	}

	@Test
	void the_encoding_is_unambiguous_where_fields_meet() {
		// The same bytes split differently between a header's name and value, or between
		// the key and the topic, must not give the same MAC.
		ProducerRecord<String, byte[]> one = new ProducerRecord<>("t", "ab", new byte[0]);
		one.headers().add("ce_a", "bc".getBytes(StandardCharsets.UTF_8));
		ProducerRecord<String, byte[]> other = new ProducerRecord<>("t", "ab", new byte[0]);
		other.headers().add("ce_ab", "c".getBytes(StandardCharsets.UTF_8));
		MAC.sign(one);
		other.headers().add(one.headers().lastHeader(RecordMac.HEADER));

		assertThat(MAC.verify(read(other))).isEqualTo(Verdict.MISMATCH);

		ProducerRecord<String, byte[]> emptyKey = MAC.sign(new ProducerRecord<>("t", "", new byte[0]));
		ProducerRecord<String, byte[]> noKey = new ProducerRecord<>("t", (String) null, new byte[0]);
		noKey.headers().add(emptyKey.headers().lastHeader(RecordMac.HEADER));

		assertThat(MAC.verify(read(noKey))).isEqualTo(Verdict.MISMATCH);
	}

	@Test
	void another_secret_under_the_same_key_id_fails_verification() {
		ProducerRecord<String, byte[]> forged = new RecordMac(
				Key.parse("2026-11:a-guessed-secret-of-at-least-32-bytes"))
			.sign(record());

		assertThat(MAC.verify(read(forged))).isEqualTo(Verdict.MISMATCH);
	}

	@Test
	void a_record_without_a_mac_or_with_a_malformed_one_is_refused_with_its_reason() {
		assertThat(MAC.verify(read(record()))).isEqualTo(Verdict.MISSING);
		for (String malformed : List.of("", "v1:2026-11", "v2:2026-11:" + "A".repeat(43), "v1:2026-11:!!!",
				"v1:2026-11:" + "A".repeat(42), "v1:bad id:" + "A".repeat(43), "v1:2026-11:" + "A".repeat(43) + ":x")) {
			ProducerRecord<String, byte[]> record = record();
			record.headers().add(RecordMac.HEADER, malformed.getBytes(StandardCharsets.UTF_8));
			assertThat(MAC.verify(read(record))).as("MAC header '%s'", malformed).isEqualTo(Verdict.MALFORMED);
		}
		ProducerRecord<String, byte[]> twice = MAC.sign(record());
		twice.headers().add(twice.headers().lastHeader(RecordMac.HEADER));
		assertThat(MAC.verify(read(twice))).isEqualTo(Verdict.MALFORMED);
	}

	@Test
	void after_a_rotation_records_signed_with_the_previous_key_still_verify_and_new_ones_use_the_new_key() {
		ProducerRecord<String, byte[]> old = new RecordMac(OLD_KEY).sign(record());
		RecordMac rotated = new RecordMac(KEY, List.of(OLD_KEY), Map.of());

		assertThat(rotated.verify(read(old))).isEqualTo(Verdict.VALID);
		ProducerRecord<String, byte[]> fresh = rotated.sign(record());
		assertThat(new String(fresh.headers().lastHeader(RecordMac.HEADER).value(), StandardCharsets.UTF_8))
			.startsWith("v1:2026-11:");
		assertThat(rotated.verify(read(fresh))).isEqualTo(Verdict.VALID);
		assertThat(new RecordMac(OLD_KEY).verify(read(fresh))).as("the previous key alone does not know the new one")
			.isEqualTo(Verdict.UNKNOWN_KEY);
		assertThat(MAC.verify(read(old))).as("once the previous key is dropped").isEqualTo(Verdict.UNKNOWN_KEY);
	}

	@Test
	void unsigned_records_pass_only_below_the_offset_recorded_for_their_partition() {
		RecordMac mac = new RecordMac(KEY, List.of(), Map.of(0, 100L));

		assertThat(mac.verify(read(record(), 99))).isEqualTo(Verdict.UNSIGNED_BEFORE_SIGNING);
		assertThat(mac.verify(read(record(), 100))).isEqualTo(Verdict.MISSING);
		ProducerRecord<String, byte[]> wrong = record();
		wrong.headers().add(RecordMac.HEADER, ("v1:2026-11:" + "A".repeat(43)).getBytes(StandardCharsets.UTF_8));
		assertThat(mac.verify(read(wrong, 5))).as("a MAC, where there is one, must verify").isEqualTo(Verdict.MISMATCH);
		assertThat(new RecordMac(KEY).verify(read(record(), 0))).as("nothing unsigned passes by default")
			.isEqualTo(Verdict.MISSING);
	}

	@Test
	void keys_are_refused_when_short_badly_named_or_given_twice() {
		assertThatIllegalArgumentException().isThrownBy(() -> Key.parse("k1:too-short"));
		assertThatIllegalArgumentException().isThrownBy(() -> Key.parse("no-id-separator-at-all-in-32-bytes-or-more"));
		assertThatIllegalArgumentException().isThrownBy(() -> Key.parse("a b:the-current-key-of-at-least-32-bytes"));
		assertThatIllegalArgumentException().isThrownBy(() -> new RecordMac(KEY, List.of(KEY), Map.of()));
		assertThat(KEY.toString()).doesNotContain("the-current-key");
	}

}
