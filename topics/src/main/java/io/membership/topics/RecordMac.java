package io.membership.topics;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Proves that a record on the service's topics was written by the service itself: the
 * publisher adds a {@value #HEADER} header, an HMAC-SHA256 under a key that lives outside
 * Kafka, and the query side applies only records whose MAC verifies. Whoever can write to
 * the topic but does not hold the key cannot make a record the query side takes.
 *
 * <p>
 * The header's value is {@code v1:<key id>:<MAC, base64url without padding>}. The key id
 * names the key, so the key can be rotated: records are signed with the current key and
 * verified with it or any previous one still listed. The MAC covers, each as a 4-byte
 * big-endian length followed by its bytes (length -1 for an absent one), in this order:
 * the text {@code membership-record-mac-v1}, the key id, the topic, the record key
 * (UTF-8), the number of covered headers, then every {@code ce_*} header and
 * {@code content-type}, sorted by name, as name and value, and last the value. A covered
 * header that appears twice makes the record invalid, so no reader can be shown a value
 * the MAC did not cover. Partition, offset and timestamp are not covered: a record copied
 * elsewhere in the topic is a duplicate of an event, which every reader drops by
 * {@code ce_orgversion}.
 *
 * <p>
 * Records written before the service signed anything carry no MAC; below the offsets
 * given as {@code unsignedBelow} (per partition of {@value MembershipTopics#EVENTS}), a
 * record without a MAC header is accepted as such, and one with a MAC must still verify.
 */
public final class RecordMac {

	/** The header carrying the MAC. */
	public static final String HEADER = "membership_mac";

	private static final String VERSION = "v1";

	private static final String ALGORITHM = "HmacSHA256";

	private static final byte[] DOMAIN = "membership-record-mac-v1".getBytes(StandardCharsets.UTF_8);

	private static final int MAC_BYTES = 32;

	private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private final Key signing;

	private final Map<String, Key> verifying = new LinkedHashMap<>();

	private final Map<Integer, Long> unsignedBelow;

	/**
	 * Per key id, a {@link Mac} initialized with that key and never used itself: each MAC
	 * is computed on a clone of it, which costs a copy of its state, where
	 * {@code Mac.getInstance} and {@code init} per record cost a provider lookup and the
	 * key schedule (together about a sixth of the query side's work per event in a
	 * profile of the rebuild).
	 */
	private final Map<String, Mac> initialized = new LinkedHashMap<>();

	/**
	 * @param signing the key new records are signed with (and verified with)
	 * @param previous keys no longer used for signing, still accepted in verification
	 * @param unsignedBelow per partition of {@value MembershipTopics#EVENTS}, the offset
	 * below which a record without a MAC predates signing and is accepted
	 */
	public RecordMac(Key signing, List<Key> previous, Map<Integer, Long> unsignedBelow) {
		this.signing = signing;
		this.verifying.put(signing.id(), signing);
		for (Key key : previous) {
			if (this.verifying.putIfAbsent(key.id(), key) != null) {
				throw new IllegalArgumentException("Two Kafka record keys have the id '" + key.id() + "'");
			}
		}
		this.unsignedBelow = Map.copyOf(unsignedBelow);
		this.verifying.forEach((id, key) -> this.initialized.put(id, initialized(key)));
	}

	public RecordMac(Key signing) {
		this(signing, List.of(), Map.of());
	}

	/** The id of the key records are signed with now. */
	public String signingKeyId() {
		return this.signing.id();
	}

	/**
	 * Per partition of the events topic, the offset below which unsigned records pass.
	 */
	public Map<Integer, Long> unsignedBelow() {
		return this.unsignedBelow;
	}

	/**
	 * Adds the MAC header to a record the service is about to write, and returns it.
	 * @throws IllegalArgumentException if the record already has a MAC or has a covered
	 * header twice
	 */
	public ProducerRecord<String, byte[]> sign(ProducerRecord<String, byte[]> record) {
		if (record.headers().lastHeader(HEADER) != null) {
			throw new IllegalArgumentException("The record already has a " + HEADER + " header");
		}
		List<Header> covered = covered(record.headers());
		if (covered == null) {
			throw new IllegalArgumentException("The record has a CloudEvents header twice");
		}
		byte[] mac = mac(this.signing.id(), record.topic(), record.key(), covered, record.value());
		String value = VERSION + ":" + this.signing.id() + ":"
				+ Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
		record.headers().add(HEADER, value.getBytes(StandardCharsets.UTF_8));
		return record;
	}

	/** Whether the query side may take this record, and if not, why. */
	public Verdict verify(ConsumerRecord<String, byte[]> record) {
		Verdict verdict = verify(record.topic(), record.key(), record.headers(), record.value());
		if (verdict == Verdict.MISSING && MembershipTopics.EVENTS.equals(record.topic())
				&& record.offset() < this.unsignedBelow.getOrDefault(record.partition(), 0L)) {
			return Verdict.UNSIGNED_BEFORE_SIGNING;
		}
		return verdict;
	}

	/**
	 * Whether the MAC header of a record with this topic, key, headers and value is
	 * present and valid under one of the keys.
	 */
	public Verdict verify(String topic, String key, Headers headers, byte[] value) {
		Header header = null;
		for (Header candidate : headers.headers(HEADER)) {
			if (header != null) {
				return Verdict.MALFORMED;
			}
			header = candidate;
		}
		if (header == null) {
			return Verdict.MISSING;
		}
		if (header.value() == null) {
			return Verdict.MALFORMED;
		}
		String[] parts = new String(header.value(), StandardCharsets.UTF_8).split(":", -1);
		if (parts.length != 3 || !parts[0].equals(VERSION) || !KEY_ID.matcher(parts[1]).matches()) {
			return Verdict.MALFORMED;
		}
		byte[] claimed;
		try {
			claimed = Base64.getUrlDecoder().decode(parts[2]);
		}
		catch (IllegalArgumentException ex) {
			return Verdict.MALFORMED;
		}
		if (claimed.length != MAC_BYTES) {
			return Verdict.MALFORMED;
		}
		Key keyUsed = this.verifying.get(parts[1]);
		if (keyUsed == null) {
			return Verdict.UNKNOWN_KEY;
		}
		List<Header> covered = covered(headers);
		if (covered == null) {
			return Verdict.MALFORMED;
		}
		return MessageDigest.isEqual(claimed, mac(keyUsed.id(), topic, key, covered, value)) ? Verdict.VALID
				: Verdict.MISMATCH;
	}

	/**
	 * The {@code ce_*} and {@code content-type} headers sorted by name, or null if one of
	 * them appears twice.
	 */
	private static List<Header> covered(Headers headers) {
		Map<String, Header> byName = new TreeMap<>(Comparator.naturalOrder());
		for (Header header : headers) {
			if (header.key().startsWith("ce_") || header.key().equals("content-type")) {
				if (byName.put(header.key(), header) != null) {
					return null;
				}
			}
		}
		return new ArrayList<>(byName.values());
	}

	/**
	 * The MAC under the key with this id, fed field by field (each as its length and its
	 * bytes) rather than through a copy of the whole input.
	 */
	private byte[] mac(String keyId, String topic, String recordKey, List<Header> covered, byte[] value) {
		Mac mac = fresh(keyId);
		field(mac, DOMAIN);
		field(mac, utf8(keyId));
		field(mac, utf8(topic));
		field(mac, utf8(recordKey));
		length(mac, covered.size());
		for (Header header : covered) {
			field(mac, utf8(header.key()));
			field(mac, header.value());
		}
		field(mac, value);
		return mac.doFinal();
	}

	private static Mac initialized(Key key) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(new SecretKeySpec(key.secret(), ALGORITHM));
			return mac;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("This JVM cannot compute " + ALGORITHM, ex);
		}
	}

	/**
	 * A copy of the key's initialized MAC, ready for one computation: the prototype is
	 * shared between threads and only ever read. Should a provider's MAC not be
	 * cloneable, a new one is initialized instead.
	 */
	private Mac fresh(String keyId) {
		try {
			return (Mac) this.initialized.get(keyId).clone();
		}
		catch (CloneNotSupportedException ex) {
			return initialized(this.verifying.get(keyId));
		}
	}

	private static void field(Mac mac, byte[] bytes) {
		length(mac, (bytes != null) ? bytes.length : -1);
		if (bytes != null) {
			mac.update(bytes);
		}
	}

	/** A 4-byte big-endian length. */
	private static void length(Mac mac, int length) {
		mac.update((byte) (length >>> 24));
		mac.update((byte) (length >>> 16));
		mac.update((byte) (length >>> 8));
		mac.update((byte) length);
	}

	private static byte[] utf8(String text) {
		return (text != null) ? text.getBytes(StandardCharsets.UTF_8) : null;
	}

	/** What verifying a record found. */
	public enum Verdict {

		/** The MAC is valid under one of the keys. */
		VALID(true),

		/** No MAC, at an offset written before the service signed its records. */
		UNSIGNED_BEFORE_SIGNING(true),

		/** No MAC header. */
		MISSING(false),

		/**
		 * The MAC header is not {@code v1:<key id>:<32 bytes>}, appears twice, or a
		 * covered header appears twice.
		 */
		MALFORMED(false),

		/** Signed with a key id this service does not know. */
		UNKNOWN_KEY(false),

		/** The MAC does not match the record: forged, or changed after signing. */
		MISMATCH(false);

		private final boolean accepted;

		Verdict(boolean accepted) {
			this.accepted = accepted;
		}

		public boolean accepted() {
			return this.accepted;
		}

		/**
		 * The reason as a metric tag or log word: {@code missing}, {@code unknown_key}.
		 */
		public String reason() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/**
	 * A MAC key: its id, written into every record it signs, and its secret.
	 *
	 * @param id 1 to 64 characters from {@code [A-Za-z0-9._-]}
	 * @param secret at least 32 bytes
	 */
	public record Key(String id, byte[] secret) {

		public Key {
			if (id == null || !KEY_ID.matcher(id).matches()) {
				throw new IllegalArgumentException("A Kafka record key id is 1 to 64 characters from [A-Za-z0-9._-]");
			}
			if (secret == null || secret.length < 32) {
				throw new IllegalArgumentException("The Kafka record key '" + id + "' is shorter than 32 bytes");
			}
			secret = secret.clone();
		}

		/**
		 * {@code <id>:<secret>}, the secret's UTF-8 bytes being the key, as the
		 * configuration gives it.
		 */
		public static Key parse(String text) {
			int colon = (text != null) ? text.indexOf(':') : -1;
			if (colon < 0) {
				throw new IllegalArgumentException(
						"A Kafka record key is written <id>:<secret>, e.g. 2026-11:<at least 32 characters>");
			}
			return new Key(text.substring(0, colon), text.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public byte[] secret() {
			return this.secret.clone();
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Key key && key.id.equals(this.id) && MessageDigest.isEqual(key.secret, this.secret);
		}

		@Override
		public int hashCode() {
			return this.id.hashCode();
		}

		@Override
		public String toString() {
			return "Key[id=" + this.id + ", secret=(hidden)]";
		}

	}

}
