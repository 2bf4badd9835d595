package io.membership.audit.chain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.json.MembershipJson;

/**
 * Each organization's events form a hash chain: an event's {@code hash} is
 *
 * <pre>
 * hex(SHA-256(UTF-8(prev_hash) || CanonicalJson(envelope)))
 * </pre>
 *
 * where {@code prev_hash} is the previous event's hash (64 zeros for the organization's
 * first event) and the envelope is the object {@code {organization_id, version, event_id,
 * type, occurred_at, payload}} exactly as the audit export writes it. Changing, removing,
 * inserting or reordering any event changes every hash after it, and signed checkpoints
 * of the head make a rewritten chain visible.
 */
public final class HashChain {

	/**
	 * The member of an export line beside the envelope that holds the address the event
	 * refers to ({@code {"email": ..., "erased": ...}}): never hashed.
	 */
	public static final String PERSONAL_DATA = "personal_data";

	/** The {@code prev_hash} of an organization's first event. */
	public static final String GENESIS = "0".repeat(64);

	private HashChain() {
	}

	/** The hashed part of an export line. */
	public static ObjectNode envelope(String organizationId, long version, String eventId, String type,
			String occurredAt, JsonNode payload) {
		ObjectNode envelope = MembershipJson.mapper().createObjectNode();
		envelope.put("organization_id", organizationId);
		envelope.put("version", version);
		envelope.put("event_id", eventId);
		envelope.put("type", type);
		envelope.put("occurred_at", occurredAt);
		envelope.set("payload", payload);
		return envelope;
	}

	/** The hash of an event whose envelope (with or without its hash fields) is given. */
	public static String hash(String previousHash, JsonNode envelope) {
		JsonNode hashed = envelope;
		// An export line carries its hash fields and the personal data kept apart from
		// the
		// event, which are not hashed (forgetting the personal data must not change a
		// hash); an envelope being linked has none of them, and needs no copy.
		if (envelope.has("prev_hash") || envelope.has("hash") || envelope.has(PERSONAL_DATA)) {
			ObjectNode withoutHashes = (ObjectNode) envelope.deepCopy();
			withoutHashes.remove("prev_hash");
			withoutHashes.remove("hash");
			withoutHashes.remove(PERSONAL_DATA);
			hashed = withoutHashes;
		}
		try {
			MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
			sha256.update(previousHash.getBytes(StandardCharsets.UTF_8));
			sha256.update(CanonicalJson.bytes(hashed));
			return HexFormat.of().formatHex(sha256.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
	}

}
