package io.membership.audit.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Records security events (API.md, "Security events") without slowing the request that
 * was refused: the request thread only adds one to a fold in memory, keyed by the event
 * id that identical events of one caller within a minute share
 * ({@link SecurityEvent#idOf}). Every {@code membership.security-events.flush-every} (5 s
 * by default) the folds are added to their rows ({@link SecurityEventStore}) and each
 * event whose count grew is published with its count so far; at shutdown they are flushed
 * once more.
 *
 * <p>
 * Why in memory and not an upsert per request: a flood of 10,000 identical refusals would
 * be 10,000 writes to one row, each holding a connection the refused caller's requests
 * compete for with everyone else's; folded, it is one write per flush. Why the count
 * still folds correctly across instances: each instance adds its own count to the row,
 * and the row's event id is the same on all of them.
 *
 * <p>
 * Memory is bounded: at most {@value #MOST_FOLDS_HELD} distinct events wait for a flush.
 * An event that would be one more is written to its row at once by the request thread
 * instead (one upsert), and is published when the next identical one is flushed (or, if
 * none comes, not at all: the table has it). A fold is dropped from memory once its
 * minute has closed and it was flushed; a latecomer to a closed minute starts a new fold
 * with the same id, which adds to the same row.
 */
public class SecurityEvents implements DisposableBean {

	/**
	 * {@code membership.security-events.retention} when it is not set; the topic is
	 * created with the same retention.
	 */
	public static final String DEFAULT_RETENTION = "400d";

	static final int MOST_FOLDS_HELD = 10_000;

	/** How long after its minute a fold is kept for latecomers before it is dropped. */
	private static final Duration LATECOMERS = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(SecurityEvents.class);

	private final ConcurrentHashMap<UUID, Fold> folds = new ConcurrentHashMap<>();

	private final SecurityEventStore store;

	private final SecurityEventPublisher publisher;

	private final Clock clock;

	private final Duration retention;

	private final int mostFoldsHeld;

	private final Map<SecurityEventKind, Counter> recorded = new EnumMap<>(SecurityEventKind.class);

	private final Counter unrecorded;

	SecurityEvents(SecurityEventStore store, SecurityEventPublisher publisher, Clock clock, Duration retention,
			MeterRegistry meters) {
		this(store, publisher, clock, retention, meters, MOST_FOLDS_HELD);
	}

	/** With another bound on the folds held, which tests reach. */
	SecurityEvents(SecurityEventStore store, SecurityEventPublisher publisher, Clock clock, Duration retention,
			MeterRegistry meters, int mostFoldsHeld) {
		if (retention.isNegative() || retention.isZero()) {
			throw new IllegalStateException(
					"membership.security-events.retention (MEMBERSHIP_SECURITY_EVENTS_RETENTION) must be positive");
		}
		this.store = store;
		this.publisher = publisher;
		this.mostFoldsHeld = mostFoldsHeld;
		this.clock = clock;
		this.retention = retention;
		for (SecurityEventKind kind : SecurityEventKind.values()) {
			this.recorded.put(kind,
					Counter.builder("membership.security.events")
						.description("Refused requests recorded as security events, before folding")
						.tag("kind", kind.id())
						.register(meters));
		}
		this.unrecorded = Counter.builder("membership.security.events.unrecorded")
			.description("Security events that could not be written to the database")
			.register(meters);
	}

	/** How long events are kept, in the table and on the topic. */
	public Duration retention() {
		return this.retention;
	}

	/**
	 * Records one refused request; never throws, and waits for nothing in the common
	 * case.
	 */
	public void record(SecurityEventKind kind, SecurityEvent.Request request) {
		this.recorded.get(kind).increment();
		SecurityEvent event = SecurityEvent.occurred(this.clock.instant(), kind, request);
		if (this.folds.size() >= this.mostFoldsHeld && !this.folds.containsKey(event.eventId())) {
			try {
				this.store.add(event, 1);
			}
			catch (RuntimeException ex) {
				this.unrecorded.increment();
				logger.warn("A security event could not be recorded: {}", ex.toString());
			}
			return;
		}
		// compute runs under the lock of the event's bin: concurrent identical events
		// each add their one, and a flush takes the sum whole.
		this.folds.compute(event.eventId(), (id, fold) -> {
			if (fold == null) {
				return new Fold(event, 1);
			}
			fold.pending++;
			return fold;
		});
	}

	/**
	 * Every stored event with its count, for a command that restores the security events'
	 * topic from the database.
	 */
	public static void forEachStored(JdbcClient jdbc, Consumer<SecurityEvent> action) {
		new SecurityEventStore(jdbc).forEach(action);
	}

	/**
	 * Adds every fold's new occurrences to its row and publishes the events whose count
	 * grew. One flush at a time (the schedule's, a test's, the last at shutdown).
	 */
	@Scheduled(fixedDelayString = "${membership.security-events.flush-every:5s}",
			initialDelayString = "${membership.security-events.flush-every:5s}")
	public synchronized void flush() {
		Instant dropBefore = this.clock.instant().minus(LATECOMERS).truncatedTo(ChronoUnit.MINUTES);
		// Oldest first, so the rows are numbered as the events happened and pages answer
		// newest first.
		List<UUID> ids = this.folds.entrySet()
			.stream()
			.sorted(Comparator.comparing((Map.Entry<UUID, Fold> entry) -> entry.getValue().first.occurredAt()))
			.map(Map.Entry::getKey)
			.toList();
		for (UUID id : ids) {
			Taken taken = new Taken();
			this.folds.computeIfPresent(id, (key, fold) -> {
				taken.first = fold.first;
				taken.count = fold.pending;
				fold.pending = 0;
				boolean minuteClosed = fold.first.occurredAt().truncatedTo(ChronoUnit.MINUTES).isBefore(dropBefore);
				return minuteClosed ? null : fold;
			});
			if (taken.count == 0) {
				continue;
			}
			SecurityEvent stored;
			try {
				stored = this.store.add(taken.first, taken.count);
			}
			catch (RuntimeException ex) {
				// Kept for the next flush, whatever happened to the fold meanwhile.
				this.folds.merge(id, new Fold(taken.first, taken.count), (held, back) -> {
					held.pending += back.pending;
					return held;
				});
				logger.warn("Security events could not be stored; trying again at the next flush: {}", ex.toString());
				return;
			}
			this.publisher.publish(stored);
		}
	}

	/** Deletes the events older than the retention; how many it deleted. */
	@Scheduled(fixedDelayString = "${membership.security-events.sweep-every:1h}", initialDelayString = "1m")
	public int sweep() {
		int deleted = this.store.deleteOccurredBefore(this.clock.instant().minus(this.retention));
		if (deleted > 0) {
			logger.info("Deleted {} security events older than {}", deleted, this.retention);
		}
		return deleted;
	}

	/** The folds still in memory are stored before the database and Kafka go away. */
	@Override
	public void destroy() {
		flush();
	}

	/** Identical events of one minute not yet added to their row. */
	private static final class Fold {

		private final SecurityEvent first;

		private long pending;

		Fold(SecurityEvent first, long pending) {
			this.first = first;
			this.pending = pending;
		}

	}

	private static final class Taken {

		private SecurityEvent first;

		private long count;

	}

}
