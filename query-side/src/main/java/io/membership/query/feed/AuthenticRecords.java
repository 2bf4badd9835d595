package io.membership.query.feed;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.membership.topics.RecordMac.Verdict;
import io.membership.topics.RecordMac;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Lets the query side take only the records the service itself published
 * ({@link RecordMac}). Any other record is refused: it changes no view, so it cannot take
 * the version of the real event that follows it either. Each refused record is logged
 * once, by its position and the reason, never its content, and counted in
 * {@value #REJECTED}, tagged with the reason ({@code missing}, {@code malformed},
 * {@code unknown_key}, {@code mismatch}).
 */
public final class AuthenticRecords {

	static final String REJECTED = "membership.query.records.rejected";

	private static final Logger logger = LoggerFactory.getLogger(AuthenticRecords.class);

	private static final int LOGGED_KEY_LENGTH = 80;

	private final RecordMac mac;

	private final MeterRegistry meters;

	/**
	 * The last refused offset reported per partition: a consumer that starts again from
	 * its last committed position reads refused records again, but reports them once.
	 */
	private final Map<TopicPartition, Long> reported = new ConcurrentHashMap<>();

	private final AtomicLong refused = new AtomicLong();

	public AuthenticRecords(RecordMac mac, MeterRegistry meters) {
		this.mac = mac;
		this.meters = meters;
		for (Verdict verdict : Verdict.values()) {
			if (!verdict.accepted()) {
				counter(verdict);
			}
		}
	}

	/** Whether the record may be applied; reports it if not. */
	boolean accepts(ConsumerRecord<String, byte[]> record) {
		Verdict verdict = this.mac.verify(record);
		if (verdict.accepted()) {
			return true;
		}
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		Long last = this.reported.get(partition);
		if (last == null || record.offset() > last) {
			this.reported.put(partition, record.offset());
			this.refused.incrementAndGet();
			counter(verdict).increment();
			logger.warn("Refused the record at {}-{}@{} (key {}): {} MAC; it changes no view", record.topic(),
					record.partition(), record.offset(), escaped(record.key()), describe(verdict));
		}
		return false;
	}

	/** How many records were refused, each counted once. */
	public long refused() {
		return this.refused.get();
	}

	private Counter counter(Verdict verdict) {
		return Counter.builder(REJECTED)
			.description(
					"Records of the events and personal-data topics the query side refused for want of a valid MAC")
			.tag("reason", verdict.reason())
			.register(this.meters);
	}

	private static String describe(Verdict verdict) {
		return switch (verdict) {
			case MISSING -> "no";
			case MALFORMED -> "a malformed";
			case UNKNOWN_KEY -> "an unknown key's";
			default -> "a wrong";
		};
	}

	/**
	 * The record key as a log can hold it: quoted, printable ASCII kept, everything else
	 * as a {@code \}{@code uXXXX} escape, cut after {@value #LOGGED_KEY_LENGTH}
	 * characters.
	 */
	static String escaped(String key) {
		if (key == null) {
			return "(none)";
		}
		StringBuilder out = new StringBuilder("'");
		for (int i = 0; i < key.length() && i < LOGGED_KEY_LENGTH; i++) {
			char c = key.charAt(i);
			if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
				out.append(c);
			}
			else {
				out.append(String.format("\\u%04x", (int) c));
			}
		}
		out.append('\'');
		if (key.length() > LOGGED_KEY_LENGTH) {
			out.append(" (").append(key.length()).append(" characters)");
		}
		return out.toString();
	}

}
