package io.membership.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How stale the oldest signed checkpoint is ({@value #NAME}, in seconds): among the
 * organizations whose chain has moved past their last signed checkpoint (or was never
 * signed), how long ago the oldest event not covered by a signature was stored. Zero
 * while every chain ends in a signed head. The schedule signs moved chains every
 * {@code membership.audit.checkpoint-every} (5 minutes), so a value well past that means
 * checkpoints are not being taken, and an auditor could not yet tell a rewritten chain
 * from the real one. An organization that is idle since its last checkpoint does not age:
 * nothing of it is unsigned.
 */
class CheckpointAge implements MeterBinder {

	static final String NAME = "membership.audit.checkpoint.age";

	/**
	 * The never-signed part scans the chain's first versions; a minute of staleness is
	 * nothing against a five-minute schedule.
	 */
	private static final Duration FRESH = Duration.ofSeconds(60);

	/**
	 * The oldest event right after an organization's last checkpoint, found through the
	 * keys of the chain and the event store.
	 */
	private static final String AFTER_LAST_CHECKPOINT = "SELECT MIN(e.timestamp) FROM audit_checkpoints a "
			+ "JOIN event_hash_chain c ON c.organization_id = a.organization_id AND c.version = a.version + 1 "
			+ "JOIN domainevententry e ON e.eventidentifier = c.event_id "
			+ "WHERE a.version = (SELECT MAX(b.version) FROM audit_checkpoints b WHERE b.organization_id = a.organization_id)";

	private static final String NEVER_SIGNED = "SELECT MIN(e.timestamp) FROM event_hash_chain c "
			+ "JOIN domainevententry e ON e.eventidentifier = c.event_id WHERE c.version = 1 "
			+ "AND NOT EXISTS (SELECT 1 FROM audit_checkpoints a WHERE a.organization_id = c.organization_id)";

	private final JdbcClient jdbc;

	private final Clock clock;

	private Instant read;

	private Optional<Instant> oldestUnsigned = Optional.empty();

	CheckpointAge(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		TimeGauge.builder(NAME, this, TimeUnit.SECONDS, CheckpointAge::seconds)
			.description("How long the oldest event not covered by a signed audit checkpoint has waited")
			.register(registry);
	}

	synchronized double seconds() {
		Instant now = this.clock.instant();
		if (this.read == null || Duration.between(this.read, now).compareTo(FRESH) >= 0) {
			try {
				this.oldestUnsigned = Stream.of(AFTER_LAST_CHECKPOINT, NEVER_SIGNED)
					.flatMap((sql) -> this.jdbc.sql(sql).query(String.class).list().stream())
					.filter(Objects::nonNull)
					.map(Instant::parse)
					.min(Instant::compareTo);
				this.read = now;
			}
			catch (RuntimeException unreachable) {
				// The database is unreachable: the age is unknown, not zero.
				return Double.NaN;
			}
		}
		return this.oldestUnsigned.map((oldest) -> Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0))
			.orElse(0.0);
	}

}
