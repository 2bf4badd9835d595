package io.membership.query.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.access.Role;
import io.membership.events.json.MembershipJson;
import io.membership.query.projection.ProjectedEvent;
import io.membership.query.support.OrganizationHistory;

/**
 * The query side reads back exactly what the publisher writes, and from a record it
 * cannot read, just enough to set the right organization aside.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EventRecordsTest {

	private final AuthenticRecords authenticity = new AuthenticRecords(OrganizationHistory.MAC,
			new SimpleMeterRegistry());

	private final OrganizationHistory history = OrganizationHistory.busy("Acme");

	private static ConsumerRecord<String, byte[]> read(ProducerRecord<String, byte[]> written) {
		return new ConsumerRecord<>(written.topic(), 0, 7, 0L, TimestampType.CREATE_TIME, 0, 0, written.key(),
				written.value(), written.headers(), Optional.empty());
	}

	@Test
	void every_event_the_publisher_writes_reads_back_with_its_version_and_id() {
		for (long version = 1; version <= this.history.version(); version++) {
			assertThat(EventRecords.parse(read(this.history.record(version)), this.authenticity))
				.contains(this.history.projectedAsRead(version));
		}
	}

	@Test
	void a_record_the_service_did_not_sign_is_no_event() {
		assertThat(EventRecords.parse(read(this.history.unsigned(2)), this.authenticity)).isEmpty();
		assertThat(this.authenticity.refused()).isEqualTo(1);
	}

	@Test
	void a_type_this_version_does_not_know_is_skipped_so_that_the_next_event_shows_a_gap() {
		ProducerRecord<String, byte[]> record = this.history.unsigned(2);
		RecordHeaders headers = new RecordHeaders();
		record.headers()
			.forEach((header) -> headers.add(header.key(), header.key().equals("ce_type")
					? "membership.ProjectCreated.v1".getBytes(StandardCharsets.UTF_8) : header.value()));
		ProducerRecord<String, byte[]> unknown = OrganizationHistory.MAC
			.sign(new ProducerRecord<>(record.topic(), null, record.key(), record.value(), headers));

		assertThat(EventRecords.parse(read(unknown), this.authenticity)).isEmpty();
		assertThat(this.authenticity.refused()).as("signed: not refused, only unknown").isZero();
	}

	@Test
	void of_a_record_that_cannot_be_applied_its_organization_version_id_and_type_are_told() {
		ConsumerRecord<String, byte[]> record = read(
				this.history.roleChanged(3, Role.REVIEWER, Role.MANAGER).record(this.history.version()));
		ProjectedEvent event = this.history.projected(this.history.version());

		assertThat(EventRecords.organizationOf(record)).isEqualTo(this.history.id());
		assertThat(EventRecords.versionOf(record)).isEqualTo(event.version());
		assertThat(EventRecords.eventIdOf(record)).isEqualTo(event.eventId());
		assertThat(EventRecords.typeOf(record)).isEqualTo("MemberRoleChanged");
	}

	@Test
	void of_a_record_without_its_headers_nothing_is_made_up() {
		ConsumerRecord<String, byte[]> bare = read(
				new ProducerRecord<>("membership.events.v1", "k".repeat(65), "{}".getBytes(StandardCharsets.UTF_8)));

		assertThat(EventRecords.organizationOf(bare)).isNull();
		assertThat(EventRecords.versionOf(bare)).isZero();
		assertThat(EventRecords.eventIdOf(bare)).isEqualTo("unknown");
		assertThat(EventRecords.typeOf(bare)).isEqualTo("unknown");
	}

	/**
	 * A record of one of the four events as the service published them before addresses
	 * left the events topic: the fixture's body, {@code membership.<Name>.v1}, signed.
	 */
	private static ConsumerRecord<String, byte[]> revision1(String type) throws IOException {
		byte[] body;
		try (InputStream fixture = EventRecordsTest.class.getResourceAsStream("/revision-1/" + type + ".json")) {
			body = fixture.readAllBytes();
		}
		String organization = MembershipJson.mapper().readTree(body).path("organization_id").asString();
		ProducerRecord<String, byte[]> record = new ProducerRecord<>("membership.events.v1", organization, body);
		JsonNode fields = MembershipJson.mapper().readTree(body);
		// Every header the service's publisher wrote then, in its order.
		for (String[] header : new String[][] { { "ce_specversion", "1.0" }, { "ce_id", "evt-" + type },
				{ "ce_source", "/organizations/" + organization }, { "ce_type", "membership." + type + ".v1" },
				{ "ce_time", fields.path("occurred_at").asString() }, { "content-type", "application/json" },
				{ "ce_orgversion", "1" }, { "ce_actorid", fields.path("actor_user_id").asString() },
				{ "ce_correlationid", fields.path("correlation_id").asString() } }) {
			record.headers().add(header[0], header[1].getBytes(StandardCharsets.UTF_8));
		}
		return read(OrganizationHistory.MAC.sign(record));
	}

	@ParameterizedTest
	@ValueSource(strings = { "OrganizationCreated", "UserInvited", "MemberJoined", "InvitationRevoked" })
	void a_revision_1_record_is_read_without_its_address_and_everything_else_as_it_was(String type) throws IOException {
		ConsumerRecord<String, byte[]> record = revision1(type);

		ProjectedEvent event = EventRecords.parse(record, this.authenticity).orElseThrow();

		assertThat(event.event().typeName()).isEqualTo(type);
		JsonNode read = MembershipJson.mapper().readTree(MembershipJson.mapper().writeValueAsString(event.event()));
		assertThat(read.toString()).as("no address is read from the events topic").doesNotContain("@acme.test");
		ObjectNode published = (ObjectNode) MembershipJson.mapper().readTree(record.value());
		published.remove(List.of("email", "owner_email"));
		published.properties()
			.forEach((member) -> assertThat(read.path(member.getKey())).as(member.getKey())
				.isEqualTo(member.getValue()));
	}

	@Test
	void a_revision_2_record_reads_as_its_revision_1_did_without_the_address() throws IOException {
		ConsumerRecord<String, byte[]> old = revision1("MemberJoined");
		ObjectNode body = (ObjectNode) MembershipJson.mapper().readTree(old.value());
		body.remove("email");
		RecordHeaders headers = new RecordHeaders();
		old.headers()
			.forEach((header) -> headers.add(header.key(), header.key().equals("ce_type")
					? "membership.MemberJoined.v2".getBytes(StandardCharsets.UTF_8) : header.value()));
		headers.remove("membership_mac");
		ConsumerRecord<String, byte[]> revision2 = read(OrganizationHistory.MAC.sign(new ProducerRecord<>(old.topic(),
				null, old.key(), MembershipJson.mapper().writeValueAsBytes(body), headers)));

		assertThat(EventRecords.parse(revision2, this.authenticity))
			.isEqualTo(EventRecords.parse(old, this.authenticity));
	}

	@Test
	void a_revision_newer_than_this_version_reads_is_an_unknown_type() {
		ProducerRecord<String, byte[]> record = this.history.unsigned(2);
		RecordHeaders headers = new RecordHeaders();
		record.headers()
			.forEach((header) -> headers.add(header.key(), header.key().equals("ce_type")
					? "membership.MemberJoined.v3".getBytes(StandardCharsets.UTF_8) : header.value()));

		assertThat(EventRecords.parse(
				read(OrganizationHistory.MAC
					.sign(new ProducerRecord<>(record.topic(), null, record.key(), record.value(), headers))),
				this.authenticity))
			.isEmpty();
	}

}
