package io.membership.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;

import io.membership.audit.security.SecurityEvent;
import io.membership.audit.security.SecurityEventKind;
import io.membership.topics.RecordMac;
import io.membership.topics.RecordMac.Key;

/**
 * The records of {@code membership.security.v1} on the wire, pinned byte for byte as the
 * hand-written header code wrote them before the CloudEvents SDK's Kafka binding wrote
 * them. The MAC covers the topic, the key, the CloudEvents headers and the value, so its
 * pinned value pins the value's bytes too.
 */
@DisplayNameGeneration(ReplaceUnderscores.class)
class SecurityEventRecordWireTest {

	private static final RecordMac MAC = new RecordMac(Key.parse("2026-11:the-current-key-of-at-least-32-bytes"));

	static List<String> headers(ProducerRecord<String, byte[]> record) {
		return StreamSupport.stream(record.headers().spliterator(), false)
			.map((header) -> header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8))
			.toList();
	}

	static SecurityEvent event(String organization) {
		return new SecurityEvent(UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427"),
				Instant.parse("2026-11-26T10:00:00.120Z"), organization, "7", SecurityEventKind.FORBIDDEN, "POST",
				"/api/organizations/org_1/members", "members_change", 42L, "forbidden", "c-9", "10.0.0.1", 3);
	}

	@Test
	void an_event_of_an_organization() {
		ProducerRecord<String, byte[]> record = MAC.sign(KafkaSecurityEventPublisher.recordOf(event("org_1")));

		assertThat(record.topic()).isEqualTo("membership.security.v1");
		assertThat(record.key()).isEqualTo("org_1");
		assertThat(record.partition()).isNull();
		assertThat(record.timestamp()).isNull();
		assertThat(headers(record)).containsExactly("ce_specversion=1.0",
				"ce_id=1b4e28ba-2fa1-11d2-883f-0016d3cca427:3", "ce_source=/organizations/org_1",
				"ce_type=membership.SecurityEvent.v1", "ce_time=2026-11-26T10:00:00.120Z",
				"content-type=application/json", "ce_correlationid=c-9",
				"membership_mac=v1:2026-11:i_pqvrtKrxlQfD_knDlhZntP3UMg3dZI3NoLn654jp4");
	}

	@Test
	void an_event_that_names_no_organization() {
		ProducerRecord<String, byte[]> record = MAC.sign(KafkaSecurityEventPublisher.recordOf(event(null)));

		assertThat(record.key()).isEqualTo("-");
		assertThat(headers(record)).containsExactly("ce_specversion=1.0",
				"ce_id=1b4e28ba-2fa1-11d2-883f-0016d3cca427:3", "ce_source=/security-events",
				"ce_type=membership.SecurityEvent.v1", "ce_time=2026-11-26T10:00:00.120Z",
				"content-type=application/json", "ce_correlationid=c-9",
				"membership_mac=v1:2026-11:0Oy-5rrg9peHJ-VMOMDga9LBSd4y5qFMu2nP3SCW0ro");
	}

}
