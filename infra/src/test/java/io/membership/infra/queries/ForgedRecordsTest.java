package io.membership.infra.queries;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.access.Role;
import io.membership.infra.kafka.KafkaBootstrapServers;
import io.membership.infra.support.ApiClient.Answer;
import io.membership.infra.support.ForgedRecords;
import io.membership.infra.support.PostgresServiceTest;
import io.membership.infra.support.TestOrganization;
import io.membership.infra.support.TestOrganization.Member;
import io.membership.infra.support.TestRecordKey;
import io.membership.topics.MembershipTopics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Anyone who can write to {@code membership.events.v1} can put a record there that looks
 * exactly like the publisher's: valid JSON, every CloudEvents header, the organization's
 * next version. The query side applies only records carrying a valid MAC of the service's
 * own key, so such a record changes no view, is logged and counted, and cannot take the
 * place of the real event that follows it.
 */
@PostgresServiceTest
@ExtendWith(OutputCaptureExtension.class)
class ForgedRecordsTest {

	private static final String REJECTED = "membership.query.records.rejected";

	@LocalServerPort
	int port;

	@Autowired
	KafkaBootstrapServers bootstrapServers;

	@Autowired
	MeterRegistry meters;

	@Autowired
	JdbcClient jdbc;

	@Test
	void a_forged_record_with_the_next_version_changes_no_view_is_counted_and_does_not_shadow_the_real_event(
			CapturedOutput output) throws Exception {
		TestOrganization org = TestOrganization.create(this.port);
		Member annotator = org.join("AN");
		assertThat(check(org, annotator, org.version()).json().path("role").asString()).isEqualTo("AN");
		double missingBefore = rejected("missing");
		double mismatchBefore = rejected("mismatch");

		String correlation = "forged-" + UUID.randomUUID();
		long next = org.version() + 1;
		List<RecordMetadata> forged = ForgedRecords.write(this.bootstrapServers.value(),
				ForgedRecords.roleChange(org.id(), org.ownerId(), annotator.userId(), Role.ANNOTATOR,
						Role.ADMINISTRATOR, next, correlation, null),
				ForgedRecords.roleChange(org.id(), org.ownerId(), annotator.userId(), Role.ANNOTATOR,
						Role.ADMINISTRATOR, next, correlation, ForgedRecords.WRONG_MAC));
		awaitConsumedPast(forged);

		Answer afterForgery = check(org, annotator, org.version());
		assertThat(afterForgery.json().path("role").asString())
			.as("the check still answers the old role: %s", afterForgery)
			.isEqualTo("AN");
		assertThat(afterForgery.json().path("version").asLong()).as("no version was taken by the forgery")
			.isEqualTo(org.version());
		assertThat(this.jdbc.sql("SELECT role FROM qs_members WHERE organization_id = ? AND user_id = ?")
			.params(org.id(), annotator.userId())
			.query(String.class)
			.single()).isEqualTo("AN");
		assertThat(rejected("missing") - missingBefore).as("the record without a MAC was counted").isEqualTo(1.0);
		assertThat(rejected("mismatch") - mismatchBefore).as("the record with a wrong MAC was counted").isEqualTo(1.0);
		for (RecordMetadata record : forged) {
			String position = record.topic() + "-" + record.partition() + "@" + record.offset();
			assertThat(output.getOut().lines().filter((line) -> line.contains(position)))
				.as("one log line names the forged record at %s", position)
				.hasSize(1);
		}
		assertThat(output.getOut()).as("the payload is not logged").doesNotContain(correlation);

		org.recorded(
				org.owner().post(org.path() + "/memberships/" + annotator.userId() + "/role", "{\"role\":\"RE\"}"));
		Answer afterTheRealEvent = check(org, annotator, next);
		assertThat(afterTheRealEvent.json().path("role").asString())
			.as("the real event of version %d is applied: %s", next, afterTheRealEvent)
			.isEqualTo("RE");
	}

	@Test
	void a_forged_record_the_projection_could_not_apply_does_not_set_the_organization_aside() throws Exception {
		TestOrganization org = TestOrganization.create(this.port);
		Member annotator = org.join("AN");
		double missingBefore = rejected("missing");
		ProducerRecord<String, byte[]> unreadable = ForgedRecords.roleChange(org.id(), org.ownerId(),
				annotator.userId(), Role.ANNOTATOR, Role.ADMINISTRATOR, org.version() + 1, "forged", null);
		ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(unreadable.topic(), null, unreadable.key(),
				"{\"organization_id\":".getBytes(StandardCharsets.UTF_8), unreadable.headers());

		awaitConsumedPast(ForgedRecords.write(this.bootstrapServers.value(), garbage));

		Answer check = org.owner()
			.get(org.path() + "/permissions/check?user_id=" + annotator.userId() + "&action=view_annotator_dashboard");
		assertThat(check.status()).as("not set aside (503 view_stale) by someone else's record: %s", check)
			.isEqualTo(200);
		assertThat(check.json().path("role").asString()).isEqualTo("AN");
		assertThat(rejected("missing") - missingBefore).isEqualTo(1.0);
		org.recorded(
				org.owner().post(org.path() + "/memberships/" + annotator.userId() + "/role", "{\"role\":\"RE\"}"));
		assertThat(check(org, annotator, org.version()).json().path("role").asString()).isEqualTo("RE");
	}

	@Test
	void a_record_signed_with_the_services_key_is_applied() throws Exception {
		TestOrganization org = TestOrganization.create(this.port);
		Member annotator = org.join("AN");
		long next = org.version() + 1;

		ForgedRecords.write(this.bootstrapServers.value(),
				TestRecordKey.sign(ForgedRecords.roleChange(org.id(), org.ownerId(), annotator.userId(), Role.ANNOTATOR,
						Role.REVIEWER, next, "signed-" + UUID.randomUUID(), null)));

		assertThat(check(org, annotator, next).json().path("role").asString())
			.as("whoever holds the key is the service, as far as the query side can tell")
			.isEqualTo("RE");
	}

	private Answer check(TestOrganization org, Member member, long minVersion) {
		Answer answer = org.owner()
			.get(org.path() + "/permissions/check?user_id=" + member.userId()
					+ "&action=view_annotator_dashboard&min_version=" + minVersion);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		return answer;
	}

	private double rejected(String reason) {
		return this.meters.find(REJECTED)
			.tag("reason", reason)
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	/**
	 * Waits until the service's consumer has committed its position past every record.
	 */
	private void awaitConsumedPast(List<RecordMetadata> records) throws InterruptedException {
		Instant deadline = Instant.now().plusSeconds(30);
		for (RecordMetadata record : records) {
			while (this.jdbc
				.sql("SELECT COALESCE(MAX(next_offset), 0) FROM qs_consumer_positions WHERE topic = ? "
						+ "AND partition_id = ?")
				.params(MembershipTopics.EVENTS, record.partition())
				.query(Long.class)
				.single() <= record.offset()) {
				assertThat(Instant.now())
					.as("the consumer reached offset %d of partition %d", record.offset(), record.partition())
					.isBefore(deadline);
				Thread.sleep(20);
			}
		}
	}

}
