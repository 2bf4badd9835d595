package io.membership.infra.web.ratelimit;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

/**
 * Each caller's budgets, one for commands and one for queries (API.md, "Security
 * events"): a token bucket per caller and kind that holds a second's worth of requests
 * and refills at the configured rate, so a caller may burst up to its rate and then
 * sustain it, and one caller's flood never spends another's budget.
 *
 * <p>
 * The buckets are Bucket4j's, kept in memory per instance (a limit per instance, not
 * across a cluster; the README says so) for callers seen in the last ten minutes: a
 * caller who comes back after that starts with a full bucket, which is what the bucket
 * would hold by then anyway.
 */
final class RateLimits {

	private static final Duration IDLE_CALLER_FORGOTTEN_AFTER = Duration.ofMinutes(10);

	private static final long MOST_CALLERS_KEPT = 100_000;

	private final long commandsPerSecond;

	private final long queriesPerSecond;

	private final TimeMeter clock;

	private final Cache<String, Bucket> commandBuckets = buckets();

	private final Cache<String, Bucket> queryBuckets = buckets();

	/**
	 * @param commandsPerSecond each caller's budget for commands; 0 for none
	 * @param queriesPerSecond each caller's budget for queries; 0 for none
	 */
	RateLimits(long commandsPerSecond, long queriesPerSecond) {
		this(commandsPerSecond, queriesPerSecond, TimeMeter.SYSTEM_NANOTIME);
	}

	/** With the given clock, which tests move by hand. */
	RateLimits(long commandsPerSecond, long queriesPerSecond, TimeMeter clock) {
		if (commandsPerSecond < 0 || queriesPerSecond < 0) {
			throw new IllegalArgumentException("A rate limit is a number of requests per second, 0 for none");
		}
		this.commandsPerSecond = commandsPerSecond;
		this.queriesPerSecond = queriesPerSecond;
		this.clock = clock;
	}

	/** Whether the request is a command or a query, as its budget goes. */
	enum Kind {

		COMMAND, QUERY

	}

	/**
	 * Takes one request from the caller's budget of that kind.
	 * @return how long the caller must wait before the next request of that kind would be
	 * taken; zero if this one was
	 */
	Duration take(String caller, Kind kind) {
		long perSecond = (kind == Kind.COMMAND) ? this.commandsPerSecond : this.queriesPerSecond;
		if (perSecond == 0) {
			return Duration.ZERO;
		}
		Cache<String, Bucket> buckets = (kind == Kind.COMMAND) ? this.commandBuckets : this.queryBuckets;
		Bucket bucket = buckets.get(caller,
				(key) -> Bucket.builder()
					.withCustomTimePrecision(this.clock)
					.addLimit((limit) -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
					.build());
		ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
		return probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
	}

	private static Cache<String, Bucket> buckets() {
		return Caffeine.newBuilder()
			.maximumSize(MOST_CALLERS_KEPT)
			.expireAfterAccess(IDLE_CALLER_FORGOTTEN_AFTER)
			.build();
	}

}
