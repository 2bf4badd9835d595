package io.membership.infra.axon;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.RetryScheduler;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a command whose append lost a race with another writer to the same organization
 * (Axon's {@link ConcurrencyException}: another instance appended at the same sequence
 * number first), so it is decided again on fresh state; nothing else.
 *
 * <p>
 * Axon's {@code IntervalRetryScheduler} cannot express this: it treats a failure as final
 * as soon as its predicate holds for the failure <em>or any of its causes</em>, and the
 * cause of a lost race is the driver's duplicate-key exception, which is no race by
 * itself; so it never retried one. The wait grows with each attempt and is jittered, so
 * that two instances racing for one organization do not collide again in lockstep.
 */
class LostAppendRaceRetries implements RetryScheduler {

	private static final Logger logger = LoggerFactory.getLogger(LostAppendRaceRetries.class);

	private final ScheduledExecutorService executor;

	private final int maxRetries;

	private final long intervalMillis;

	LostAppendRaceRetries(ScheduledExecutorService executor, int maxRetries, long intervalMillis) {
		this.executor = executor;
		this.maxRetries = maxRetries;
		this.intervalMillis = intervalMillis;
	}

	@Override
	public boolean scheduleRetry(CommandMessage commandMessage, RuntimeException lastFailure,
			List<Class<? extends Throwable>[]> failures, Runnable commandDispatch) {
		int attempt = failures.size();
		if (!lostAppendRace(lastFailure) || attempt > this.maxRetries) {
			if (attempt > this.maxRetries) {
				logger.warn("{} lost the race to append {} times in a row; giving up",
						commandMessage.getPayloadType().getSimpleName(), attempt);
			}
			return false;
		}
		long delay = this.intervalMillis * attempt + ThreadLocalRandom.current().nextLong(this.intervalMillis + 1);
		logger.debug("{} lost the race to append (attempt {}); deciding it again in {} ms",
				commandMessage.getPayloadType().getSimpleName(), attempt, delay);
		this.executor.schedule(commandDispatch, delay, TimeUnit.MILLISECONDS);
		return true;
	}

	static boolean lostAppendRace(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof ConcurrencyException) {
				return true;
			}
		}
		return false;
	}

}
