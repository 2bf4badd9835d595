package io.membership.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.StreamSupport;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import io.membership.events.MemberRoleChanged;
import io.membership.events.OrganizationCreated;
import io.membership.events.access.Role;
import io.membership.events.ids.InviteLinkId;
import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.topics.RecordMac.Key;

/**
 * The records of {@value MembershipTopics#EVENTS} on the wire, pinned byte for byte as
 * the hand-written header code wrote them before the CloudEvents SDK's Kafka binding
 * wrote them: the same headers in the same order with the same values (binary mode,
 * {@code ce_} prefixes, {@code content-type}, the extensions, the trace context and the
 * MAC), so subscribers and the MAC see no change.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class CloudEventRecordsWireTest {

	private static final OrganizationId ORG = new OrganizationId("org_1");

	private static final RecordMac MAC = new RecordMac(Key.parse("2026-11:the-current-key-of-at-least-32-bytes"));

	static List<String> headers(ProducerRecord<String, byte[]> record) {
		return StreamSupport.stream(record.headers().spliterator(), false)
			.map((header) -> header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8))
			.toList();
	}

	@Test
	void an_event_with_a_subject_a_trace_and_a_time_with_milliseconds() {
		MemberRoleChanged event = new MemberRoleChanged(ORG, UserId.of(42), Role.ANNOTATOR, Role.REVIEWER,
				"passed the review training", UserId.of(1), Instant.parse("2026-11-26T10:00:00.100Z"), "c-1");

		ProducerRecord<String, byte[]> record = MAC
			.sign(CloudEventRecords.of(event, "e-1", 7, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

		assertThat(record.topic()).isEqualTo("membership.events.v1");
		assertThat(record.key()).isEqualTo("org_1");
		assertThat(record.partition()).isNull();
		assertThat(record.timestamp()).isNull();
		assertThat(new String(record.value(), StandardCharsets.UTF_8))
			.isEqualTo("{\"organization_id\":\"org_1\",\"user_id\":42,\"from_role\":\"AN\",\"to_role\":\"RE\","
					+ "\"reason\":\"passed the review training\",\"actor_user_id\":1,"
					+ "\"occurred_at\":\"2026-11-26T10:00:00.100Z\",\"correlation_id\":\"c-1\"}");
		assertThat(headers(record)).containsExactly("ce_specversion=1.0", "ce_id=e-1", "ce_source=/organizations/org_1",
				"ce_type=membership.MemberRoleChanged.v1", "ce_time=2026-11-26T10:00:00.100Z", "ce_subject=42",
				"content-type=application/json", "ce_orgversion=7", "ce_actorid=1", "ce_correlationid=c-1",
				"ce_traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
				"membership_mac=v1:2026-11:dWibr9Cqf6n70eBQn2nq_eJniItCjgoPHtqZIUp0DLc");
	}

	@Test
	void an_event_without_a_subject_at_a_whole_second_and_without_a_trace() {
		OrganizationCreated event = new OrganizationCreated(ORG, "Acme", UserId.of(1), "owner@acme.test",
				new InviteLinkId("lnk_1"), UserId.of(1), Instant.parse("2026-11-26T10:00:00Z"), "c-2");

		ProducerRecord<String, byte[]> record = MAC.sign(CloudEventRecords.of(event, "e-2", 1, "not a traceparent"));

		assertThat(headers(record)).containsExactly("ce_specversion=1.0", "ce_id=e-2", "ce_source=/organizations/org_1",
				"ce_type=membership.OrganizationCreated.v2", "ce_time=2026-11-26T10:00:00Z", "ce_subject=1",
				"content-type=application/json", "ce_orgversion=1", "ce_actorid=1", "ce_correlationid=c-2",
				"membership_mac=v1:2026-11:e1Giz5vsuECtJVkpYbFw-zFhx4OZRnYW6qnjSrKssZE");
	}

	@Test
	void a_record_written_reads_back_through_the_binding_with_every_attribute() {
		MemberRoleChanged event = new MemberRoleChanged(ORG, UserId.of(42), Role.ANNOTATOR, Role.REVIEWER, null,
				UserId.of(1), Instant.parse("2026-11-26T10:00:00.100Z"), "c-1");
		ProducerRecord<String, byte[]> written = MAC
			.sign(CloudEventRecords.of(event, "e-1", 7, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

		CloudEvent read = CloudEventRecords.read(RecordMacTest.read(written)).orElseThrow();

		assertThat(read.getSpecVersion()).isEqualTo(SpecVersion.V1);
		assertThat(read.getId()).isEqualTo("e-1");
		assertThat(read.getSource()).hasToString("/organizations/org_1");
		assertThat(read.getType()).isEqualTo("membership.MemberRoleChanged.v1");
		assertThat(read.getTime()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:00:00.100Z"));
		assertThat(read.getSubject()).isEqualTo("42");
		assertThat(read.getDataContentType()).isEqualTo("application/json");
		assertThat(read.getExtensionNames()).containsExactlyInAnyOrder("orgversion", "actorid", "correlationid",
				"traceparent");
		assertThat(CloudEventRecords.extension(read, "orgversion")).isEqualTo("7");
		assertThat(CloudEventRecords.extension(read, "traceparent"))
			.isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
		assertThat(read.getData().toBytes()).isEqualTo(written.value());
	}

	@Test
	void a_record_that_is_no_cloud_event_reads_as_none() {
		ProducerRecord<String, byte[]> bare = new ProducerRecord<>(MembershipTopics.EVENTS, "org_1",
				"{}".getBytes(StandardCharsets.UTF_8));
		bare.headers().add("ce_orgversion", "3".getBytes(StandardCharsets.UTF_8));

		assertThat(CloudEventRecords.read(RecordMacTest.read(bare))).isEmpty();
	}

}
