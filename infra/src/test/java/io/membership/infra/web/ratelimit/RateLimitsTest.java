package io.membership.infra.web.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;

import io.membership.infra.web.ratelimit.RateLimits.Kind;

/**
 * A caller's budget per kind of request, apart from every other caller's, on a clock the
 * test moves by hand.
 */
class RateLimitsTest {

	private final ManualClock clock = new ManualClock();

	@Test
	void a_caller_may_spend_a_seconds_worth_at_once_and_is_then_told_how_long_to_wait() {
		RateLimits limits = new RateLimits(5, 100, this.clock);

		for (int i = 0; i < 5; i++) {
			assertThat(limits.take("7", Kind.COMMAND)).as("request %d", i).isZero();
		}

		assertThat(limits.take("7", Kind.COMMAND)).isEqualTo(Duration.ofMillis(200));
	}

	@Test
	void commands_and_queries_have_budgets_of_their_own() {
		RateLimits limits = new RateLimits(1, 1, this.clock);

		assertThat(limits.take("7", Kind.COMMAND)).isZero();
		assertThat(limits.take("7", Kind.COMMAND)).isPositive();

		assertThat(limits.take("7", Kind.QUERY)).isZero();
	}

	@Test
	void one_callers_flood_leaves_another_callers_budget_whole() {
		RateLimits limits = new RateLimits(2, 2, this.clock);
		limits.take("7", Kind.COMMAND);
		limits.take("7", Kind.COMMAND);
		assertThat(limits.take("7", Kind.COMMAND)).isPositive();

		assertThat(limits.take("8", Kind.COMMAND)).isZero();
		assertThat(limits.take("8", Kind.COMMAND)).isZero();
	}

	@Test
	void the_budget_refills_but_never_beyond_a_seconds_worth() {
		RateLimits limits = new RateLimits(10, 10, this.clock);
		for (int i = 0; i < 10; i++) {
			limits.take("7", Kind.QUERY);
		}
		assertThat(limits.take("7", Kind.QUERY)).isPositive();

		this.clock.advance(Duration.ofMillis(100));

		assertThat(limits.take("7", Kind.QUERY)).as("one refilled in 100 ms at 10 a second").isZero();
		assertThat(limits.take("7", Kind.QUERY)).isEqualTo(Duration.ofMillis(100));

		this.clock.advance(Duration.ofMinutes(5));
		for (int i = 0; i < 10; i++) {
			assertThat(limits.take("7", Kind.QUERY)).isZero();
		}
		assertThat(limits.take("7", Kind.QUERY)).as("never more than a second's worth").isPositive();
	}

	@Test
	void a_rate_of_zero_means_no_limit() {
		RateLimits limits = new RateLimits(0, 0, this.clock);

		for (int i = 0; i < 10_000; i++) {
			assertThat(limits.take("7", Kind.COMMAND)).isZero();
		}
	}

	@Test
	void a_negative_rate_is_refused_at_start() {
		assertThatThrownBy(() -> new RateLimits(-1, 10)).isInstanceOf(IllegalArgumentException.class);
	}

	private static final class ManualClock implements TimeMeter {

		private long nanos = 1_000_000_000L;

		void advance(Duration duration) {
			this.nanos += duration.toNanos();
		}

		@Override
		public long currentTimeNanos() {
			return this.nanos;
		}

		@Override
		public boolean isWallClockBased() {
			return false;
		}

	}

}
