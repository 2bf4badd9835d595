package io.membership.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.json.MembershipJson;

/**
 * hash = hex(SHA-256(UTF-8(prev_hash) || canonical(envelope))): fixed by its inputs, and
 * changed by any change to any of them.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class HashChainTest {

	private static final String OTHER_PREVIOUS = "a".repeat(64);

	private static ObjectNode envelope() {
		ObjectNode payload = (ObjectNode) MembershipJson.mapper()
			.readTree("{\"organization_id\":\"org_1\",\"user_id\":42,\"from_role\":\"AN\",\"to_role\":\"RE\","
					+ "\"reason\":null,\"workspaces\":[\"ws_a\",\"ws_b\"],\"actor_user_id\":1,"
					+ "\"occurred_at\":\"2026-11-23T10:15:30Z\",\"correlation_id\":\"corr-1\"}");
		return HashChain.envelope("org_1", 4, "evt_4", "MemberRoleChanged", "2026-11-23T10:15:30Z", payload);
	}

	@Test
	void the_hash_is_SHA_256_over_the_previous_hash_and_the_canonical_envelope_in_hex() {
		JsonNode payload = MembershipJson.mapper().readTree("{\"organization_id\":\"org_1\",\"name\":\"Acme\"}");
		ObjectNode first = HashChain.envelope("org_1", 1, "evt_1", "OrganizationCreated", "2026-11-23T10:15:30Z",
				payload);

		// printf '%s%s' 0000...0000
		// '{"event_id":"evt_1","occurred_at":"2026-11-23T10:15:30Z",
		// "organization_id":"org_1","payload":{"name":"Acme","organization_id":"org_1"},
		// "type":"OrganizationCreated","version":1}' | sha256sum
		assertThat(HashChain.hash(HashChain.GENESIS, first))
			.isEqualTo("e68d46f1be0cd384a4bc5347dc28db5469ae52a2ac901768a6e8758116ad4874");
		assertThat(HashChain.GENESIS).hasSize(64).matches("0+");
	}

	@Test
	void the_same_event_after_the_same_hash_always_hashes_the_same() {
		String hash = HashChain.hash(HashChain.GENESIS, envelope());

		assertThat(HashChain.hash(HashChain.GENESIS, envelope())).isEqualTo(hash);
		assertThat(HashChain.hash(HashChain.GENESIS, envelope().deepCopy())).isEqualTo(hash);
		assertThat(hash).matches("[0-9a-f]{64}");
	}

	@Test
	void the_order_of_members_in_the_stored_JSON_does_not_change_the_hash() {
		ObjectNode reordered = MembershipJson.mapper().createObjectNode();
		ObjectNode original = envelope();
		java.util.List<String> names = new java.util.ArrayList<>(original.propertyNames());
		java.util.Collections.reverse(names);
		names.forEach((name) -> reordered.set(name, original.get(name)));

		assertThat(HashChain.hash(HashChain.GENESIS, reordered)).isEqualTo(HashChain.hash(HashChain.GENESIS, original));
	}

	@Test
	void an_export_line_hashes_like_its_envelope_its_own_hash_fields_are_not_hashed() {
		ObjectNode line = envelope();
		line.put("prev_hash", HashChain.GENESIS);
		line.put("hash", "f".repeat(64));
		line.put("position", 17);

		assertThat(HashChain.hash(HashChain.GENESIS, line)).isNotEqualTo(HashChain.hash(HashChain.GENESIS, envelope()))
			.as("only prev_hash and hash are dropped; anything else is part of the content");
		line.remove("position");
		assertThat(HashChain.hash(HashChain.GENESIS, line)).isEqualTo(HashChain.hash(HashChain.GENESIS, envelope()));
		assertThat(line.has("hash")).as("the given line is left as it was").isTrue();
	}

	@Test
	void the_previous_hash_is_part_of_the_input() {
		assertThat(HashChain.hash(OTHER_PREVIOUS, envelope()))
			.isNotEqualTo(HashChain.hash(HashChain.GENESIS, envelope()));
	}

	@Test
	void each_hash_depends_on_every_event_before_it() {
		ObjectNode second = envelope();
		ObjectNode third = envelope();
		third.put("version", 5);
		third.put("event_id", "evt_5");
		String chained = HashChain.hash(HashChain.hash(HashChain.GENESIS, second), third);

		ObjectNode alteredSecond = envelope();
		((ObjectNode) alteredSecond.get("payload")).put("to_role", "AD");

		assertThat(HashChain.hash(HashChain.hash(HashChain.GENESIS, alteredSecond), third)).isNotEqualTo(chained);
	}

	static Stream<Arguments> changes() {
		return Stream.of(change("organization_id", (e) -> e.put("organization_id", "org_2")),
				change("version", (e) -> e.put("version", 5)), change("event_id", (e) -> e.put("event_id", "evt_5")),
				change("type", (e) -> e.put("type", "MemberActivated")),
				change("occurred_at", (e) -> e.put("occurred_at", "2026-11-23T10:15:31Z")),
				change("a payload value", (e) -> payload(e).put("to_role", "AD")),
				change("a payload number", (e) -> payload(e).put("user_id", 43)),
				change("a payload null made a string", (e) -> payload(e).put("reason", "")),
				change("a payload member added", (e) -> payload(e).put("extra", true)),
				change("a payload member removed", (e) -> payload(e).remove("correlation_id")),
				change("a payload array reordered", (e) -> {
					ArrayNode workspaces = payload(e).putArray("workspaces");
					workspaces.add("ws_b").add("ws_a");
				}), change("a payload string's case", (e) -> payload(e).put("correlation_id", "CORR-1")),
				change("a payload string's trailing space", (e) -> payload(e).put("correlation_id", "corr-1 ")),
				change("a number written as a string", (e) -> payload(e).put("user_id", "42")),
				change("an envelope member added", (e) -> e.put("note", "x")));
	}

	private static Arguments change(String what, Consumer<ObjectNode> change) {
		return Arguments.of(what, change);
	}

	private static ObjectNode payload(ObjectNode envelope) {
		return (ObjectNode) envelope.get("payload");
	}

	@ParameterizedTest(name = "changing {0} changes the hash")
	@MethodSource("changes")
	void any_change_to_any_envelope_field_changes_the_hash(String what, Consumer<ObjectNode> change) {
		ObjectNode changed = envelope();
		change.accept(changed);

		assertThat(HashChain.hash(HashChain.GENESIS, changed)).as(what)
			.isNotEqualTo(HashChain.hash(HashChain.GENESIS, envelope()));
	}

}
