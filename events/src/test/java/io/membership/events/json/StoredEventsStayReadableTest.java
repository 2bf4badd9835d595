package io.membership.events.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import io.membership.events.OrganizationCreated;
import io.membership.events.text.TextRules;

/**
 * The text rules and strict types hold at the service's doors, not in the published
 * language: {@link MembershipJson} reads the event store and Kafka, and every event
 * stored before the rules existed must still read, as written.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StoredEventsStayReadableTest {

	@Test
	void an_event_stored_with_text_the_doors_now_refuse_still_reads_as_it_was_written() {
		String stored = """
				{"organization_id":"org_1","name":"x\\u0000\\ud800\\u202e","owner_user_id":1,
				 "owner_email":"not an email","invite_link_id":"lnk_1","actor_user_id":1,
				 "occurred_at":"2026-11-23T05:15:26Z","correlation_id":"c"}""";

		OrganizationCreated event = MembershipJson.mapper().readValue(stored, OrganizationCreated.class);

		assertThat(event.name()).isEqualTo("x\u0000\ud800\u202e");
		assertThat(TextRules.isValid(event.name(), TextRules.Kind.LINE)).isFalse();
		// Revision 1 carried the address; it is never taken from the JSON any more (the
		// upcaster drops it, and the event store keeps it apart).
		assertThat(event.ownerEmail()).isNull();
	}

}
