package io.membership.query.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import io.membership.events.access.Role;
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

}
