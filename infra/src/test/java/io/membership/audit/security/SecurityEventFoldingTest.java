package io.membership.audit.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.infra.support.PostgresServiceTest;

/**
 * The fold on PostgreSQL, with instances of the recorder made here beside the service's
 * own: several instances folding one flood from many threads, and flushing while it goes
 * on, count every event once, in one row; the folds held in memory are bounded; and what
 * is still folded is stored when the recorder is shut down.
 */
@PostgresServiceTest
class SecurityEventFoldingTest {

	@Autowired
	SecurityEventStore store;

	@Autowired
	JdbcClient jdbc;

	private final List<SecurityEvent> published = new CopyOnWriteArrayList<>();

	private SecurityEvents instance(int mostFoldsHeld) {
		return new SecurityEvents(this.store, this.published::add, Clock.systemUTC(), Duration.ofDays(400),
				new SimpleMeterRegistry(), mostFoldsHeld);
	}

	private static SecurityEvent.Request refusal(String caller) {
		return new SecurityEvent.Request("org_fold", caller, "POST", "/api/organizations/{organizationId}/invitations",
				null, null, "already_member", "corr-" + UUID.randomUUID(), "127.0.0.1");
	}

	@Test
	void two_instances_folding_one_flood_from_many_threads_while_flushing_count_every_event_once() throws Exception {
		String caller = "flood-" + UUID.randomUUID();
		List<SecurityEvents> instances = List.of(instance(SecurityEvents.MOST_FOLDS_HELD),
				instance(SecurityEvents.MOST_FOLDS_HELD));
		int threads = 8;
		int each = 1_000;
		ExecutorService pool = Executors.newFixedThreadPool(threads + instances.size());
		CountDownLatch start = new CountDownLatch(1);
		AtomicBoolean flooding = new AtomicBoolean(true);
		List<Future<?>> flushers = new ArrayList<>();
		for (SecurityEvents instance : instances) {
			flushers.add(pool.submit(() -> {
				while (flooding.get()) {
					instance.flush();
				}
				return null;
			}));
		}
		List<Future<?>> senders = new ArrayList<>();
		for (int thread = 0; thread < threads; thread++) {
			SecurityEvents instance = instances.get(thread % instances.size());
			senders.add(pool.submit(() -> {
				start.await();
				for (int i = 0; i < each; i++) {
					instance.record(SecurityEventKind.REFUSED, refusal(caller));
				}
				return null;
			}));
		}
		start.countDown();
		for (Future<?> sender : senders) {
			sender.get(2, TimeUnit.MINUTES);
		}
		flooding.set(false);
		for (Future<?> flusher : flushers) {
			flusher.get(2, TimeUnit.MINUTES);
		}
		pool.shutdown();
		instances.forEach(SecurityEvents::flush);

		List<Long> counts = this.jdbc.sql("SELECT event_count FROM security_events WHERE caller = ?")
			.param(caller)
			.query(Long.class)
			.list();
		// A flood that crossed into the next minute is two events; their counts still add
		// up.
		assertThat(counts).hasSizeBetween(1, 2);
		assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo((long) threads * each);
		assertThat(this.published).filteredOn((event) -> caller.equals(event.caller()))
			.extracting(SecurityEvent::count)
			.contains(counts.stream().mapToLong(Long::longValue).max().orElseThrow());
	}

	@Test
	void beyond_the_folds_held_an_event_is_stored_at_once_and_none_is_lost() {
		String prefix = "bounded-" + UUID.randomUUID() + "-";
		SecurityEvents instance = instance(10);

		for (int i = 0; i < 15; i++) {
			instance.record(SecurityEventKind.FORBIDDEN, refusal(prefix + i));
		}

		assertThat(countOf(prefix)).as("the five beyond the ten held").isEqualTo(5);
		instance.flush();
		assertThat(countOf(prefix)).isEqualTo(15);
	}

	@Test
	void what_is_still_folded_is_stored_when_the_recorder_shuts_down() {
		String caller = "shutdown-" + UUID.randomUUID();
		SecurityEvents instance = instance(SecurityEvents.MOST_FOLDS_HELD);
		instance.record(SecurityEventKind.FORBIDDEN, refusal(caller));
		instance.record(SecurityEventKind.FORBIDDEN, refusal(caller));
		assertThat(countOf(caller)).isZero();

		instance.destroy();

		assertThat(this.jdbc.sql("SELECT event_count FROM security_events WHERE caller = ?")
			.param(caller)
			.query(Long.class)
			.list()).containsExactly(2L);
	}

	private long countOf(String callerPrefix) {
		return this.jdbc.sql("SELECT COUNT(*) FROM security_events WHERE caller LIKE ?")
			.param(callerPrefix + "%")
			.query(Long.class)
			.single();
	}

}
