package io.membership.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.PersonalDataErased;
import io.membership.events.access.Role;
import io.membership.events.ids.InvitationId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.json.MembershipJson;

/**
 * A subscriber's address book, kept as the contract asks: addresses from
 * {@code membership.personal-data.v1} only, forgotten on a tombstone or on
 * PersonalDataErased, never brought back by a record published before the erasure; and a
 * record of the events topic that refers to a key it has never heard of tells it to read
 * the personal-data topic to its end first.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AddressBookTest {

	private static final String ORG = "org_1";

	private final AddressBook book = new AddressBook();

	private long offset;

	private ConsumerRecord<String, byte[]> address(String key, String email, Instant at) {
		return record(key, ("{\"email\":\"" + email + "\"}").getBytes(StandardCharsets.UTF_8), at);
	}

	private ConsumerRecord<String, byte[]> record(String key, byte[] value, Instant at) {
		Headers headers = new RecordHeaders();
		headers.add("ce_type", "membership.PersonalData.v1".getBytes(StandardCharsets.UTF_8));
		headers.add("ce_time", at.toString().getBytes(StandardCharsets.UTF_8));
		return new ConsumerRecord<>(AddressBook.PERSONAL_DATA_TOPIC, 0, this.offset++, 0L, TimestampType.CREATE_TIME,
				-1, -1, key, value, headers, Optional.empty());
	}

	private static PersonalDataErased erasure(Instant at) {
		return new PersonalDataErased(new OrganizationId(ORG), Events.ANNA, List.of(new InvitationId("inv_1")),
				Events.OWNER, "1", at, "corr-9");
	}

	@Test
	void an_address_is_learned_and_a_tombstone_forgets_it_without_showing_it() {
		Outcome learned = this.book.accept(address("user:42", "anna@acme.test", Events.AT));
		Outcome forgotten = this.book.accept(record("user:42", null, Events.AT.plusSeconds(60)));

		assertThat(learned.describe()).isEqualTo("user:42: anna@acme.test");
		assertThat(forgotten.describe()).isEqualTo("user:42: address erased");
		assertThat(this.book.address("user:42")).isEmpty();
		assertThat(this.book.isErased("user:42")).isTrue();
	}

	@Test
	void the_erasure_event_forgets_the_person_and_their_invitations_before_the_tombstones_arrive() {
		this.book.accept(address("user:42", "anna@acme.test", Events.AT));
		this.book.accept(address("invitation:inv_1", "anna@acme.test", Events.AT));
		RoleChangeFollower follower = new RoleChangeFollower(this.book);

		List<Outcome> outcomes = follower
			.accept(CloudEventsRecords.consumed(erasure(Events.AT.plusSeconds(60)), 1, "evt-erased", 0));

		assertThat(outcomes).extracting(Outcome::describe)
			.containsExactly("user:42: address erased", "invitation:inv_1: address erased");
		assertThat(this.book.address("user:42")).isEmpty();
		assertThat(this.book.address("invitation:inv_1")).isEmpty();
	}

	@Test
	void an_address_published_before_the_erasure_and_read_after_it_stays_forgotten() {
		this.book.erase(erasure(Events.AT.plusSeconds(60)));

		Outcome late = this.book.accept(address("user:42", "anna@acme.test", Events.AT));

		assertThat(late.describe()).isEqualTo("user:42: address erased");
		assertThat(this.book.address("user:42")).isEmpty();
	}

	@Test
	void an_address_published_after_the_erasure_is_a_new_address() {
		this.book.erase(erasure(Events.AT));

		this.book.accept(address("user:42", "anna@new.test", Events.AT.plusSeconds(3600)));

		assertThat(this.book.address("user:42")).contains("anna@new.test");
		assertThat(this.book.isErased("user:42")).isFalse();
	}

	@Test
	void an_event_referring_to_an_unknown_key_of_either_revision_says_to_read_the_topic_first() {
		ConsumerRecord<String, byte[]> revision1 = CloudEventsRecords.consumed(Events.joined(ORG, Role.ANNOTATOR), 2,
				"evt-2", 1);
		ObjectNode body = (ObjectNode) MembershipJson.mapper().readTree(revision1.value());
		body.remove("email");
		ConsumerRecord<String, byte[]> revision2 = CloudEventsRecords.consumed(ORG,
				MembershipJson.mapper().writeValueAsBytes(body), new RecordHeaders(revision1.headers().toArray()), 2);
		revision2.headers().remove("ce_type");
		revision2.headers().add("ce_type", "membership.MemberJoined.v2".getBytes(StandardCharsets.UTF_8));

		assertThat(this.book.refersToUnknownKey(revision1)).isTrue();
		assertThat(this.book.refersToUnknownKey(revision2)).isTrue();
		this.book.accept(address("user:42", "anna@acme.test", Events.AT));
		assertThat(this.book.refersToUnknownKey(revision2)).isFalse();
		assertThat(this.book.refersToUnknownKey(
				CloudEventsRecords.consumed(Events.roleChanged(ORG, Role.ANNOTATOR, Role.REVIEWER), 3, "evt-3", 3)))
			.as("no address in a role change")
			.isFalse();
	}

}
