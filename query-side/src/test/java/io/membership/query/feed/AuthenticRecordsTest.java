package io.membership.query.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import io.membership.query.support.OrganizationHistory;

/**
 * Records without a valid MAC are refused, each counted once by its position (a consumer
 * that starts again reads them again), and their keys are logged as a log can hold them.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AuthenticRecordsTest {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final AuthenticRecords authenticity = new AuthenticRecords(OrganizationHistory.MAC, this.meters);

	private final OrganizationHistory history = OrganizationHistory.created("Acme");

	private static ConsumerRecord<String, byte[]> at(int partition, long offset,
			ProducerRecord<String, byte[]> written) {
		return new ConsumerRecord<>(written.topic(), partition, offset, 0L, TimestampType.CREATE_TIME, 0, 0,
				written.key(), written.value(), written.headers(), Optional.empty());
	}

	private double rejected(String reason) {
		return this.meters.get(AuthenticRecords.REJECTED).tag("reason", reason).counter().count();
	}

	@Test
	void a_signed_record_is_accepted_and_an_unsigned_one_refused() {
		assertThat(this.authenticity.accepts(at(0, 0, this.history.record(1)))).isTrue();
		assertThat(this.authenticity.accepts(at(0, 1, this.history.unsigned(1)))).isFalse();
		assertThat(rejected("missing")).isEqualTo(1);
	}

	@Test
	void a_refused_record_read_again_after_a_restart_is_counted_once() {
		ConsumerRecord<String, byte[]> forged = at(2, 40, this.history.unsigned(1));

		this.authenticity.accepts(forged);
		this.authenticity.accepts(forged);
		this.authenticity.accepts(at(2, 41, this.history.unsigned(1)));
		this.authenticity.accepts(forged);

		assertThat(this.authenticity.refused()).isEqualTo(2);
		assertThat(rejected("missing")).isEqualTo(2);
	}

	@Test
	void every_reason_is_counted_from_the_start_so_that_a_dashboard_sees_zero() {
		for (String reason : new String[] { "missing", "malformed", "unknown_key", "mismatch" }) {
			assertThat(rejected(reason)).as(reason).isZero();
		}
	}

	@Test
	void a_key_is_logged_quoted_with_anything_but_printable_ascii_escaped_and_cut() {
		assertThat(AuthenticRecords.escaped("org_1")).isEqualTo("'org_1'");
		assertThat(AuthenticRecords.escaped("a'b\\c\n\u001b[31m")).isEqualTo("'a\\u0027b\\u005cc\\u000a\\u001b[31m'");
		assertThat(AuthenticRecords.escaped(null)).isEqualTo("(none)");
		assertThat(AuthenticRecords.escaped("k".repeat(100))).isEqualTo("'" + "k".repeat(80) + "' (100 characters)");
	}

}
