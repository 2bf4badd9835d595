package io.membership.infra.axon;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import io.membership.command.organization.CommandRefusedException;
import io.membership.command.organization.Refusal;

/** Which failed commands the gateway decides again. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class LostAppendRaceRetriesTest {

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

	private final LostAppendRaceRetries retries = new LostAppendRaceRetries(this.executor, 10, 1);

	@AfterEach
	void stop() {
		this.executor.shutdownNow();
	}

	@Test
	void a_lost_append_race_is_decided_again_although_its_cause_is_the_drivers_duplicate_key() throws Exception {
		ConcurrencyException race = new ConcurrencyException("already inserted",
				new BatchUpdateException("duplicate key value violates unique constraint", "23505", 0, new int[0]));
		CountDownLatch dispatched = new CountDownLatch(1);
		assertThat(this.retries.scheduleRetry(GenericCommandMessage.asCommandMessage("command"), race, failures(1),
				dispatched::countDown))
			.isTrue();
		assertThat(dispatched.await(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void a_refusal_or_any_other_failure_is_final() {
		assertThat(this.retries.scheduleRetry(GenericCommandMessage.asCommandMessage("command"),
				new CommandRefusedException(Refusal.OWNER_ROLE_IMMUTABLE, "no"), failures(1), () -> {
				}))
			.isFalse();
		assertThat(this.retries.scheduleRetry(GenericCommandMessage.asCommandMessage("command"),
				new IllegalStateException("bug"), failures(1), () -> {
				}))
			.isFalse();
	}

	@Test
	void it_gives_up_after_ten_retries() {
		assertThat(this.retries.scheduleRetry(GenericCommandMessage.asCommandMessage("command"),
				new ConcurrencyException("again"), failures(11), () -> {
				}))
			.isFalse();
	}

	private static List<Class<? extends Throwable>[]> failures(int count) {
		return new ArrayList<>(Collections.nCopies(count, null));
	}

}
