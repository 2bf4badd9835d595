package io.membership.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class BulkRateTest {

	@Test
	void events_per_second_count_the_accepted_items_not_the_requests() {
		BulkRate rate = new BulkRate(3, 3_000, 6.0);

		assertThat(rate.requestsPerSecond()).isCloseTo(0.5, within(1e-9));
		assertThat(rate.eventsPerSecond()).isCloseTo(500.0, within(1e-9));
	}

	@Test
	void the_ratio_is_to_the_single_commands_events_per_second() {
		BulkRate rate = new BulkRate(2, 1_999, 4.0);

		assertThat(rate.ratioTo(250.0)).isCloseTo(1_999 / 4.0 / 250.0, within(1e-9));
	}

	@Test
	void a_run_of_no_time_or_nothing_to_compare_with_gives_zero_rather_than_infinity() {
		assertThat(new BulkRate(0, 0, 0).eventsPerSecond()).isZero();
		assertThat(new BulkRate(0, 0, 0).requestsPerSecond()).isZero();
		assertThat(new BulkRate(1, 1_000, 2.0).ratioTo(0)).isZero();
	}

}
