package io.membership.infra.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How far the Kafka publisher is behind the event store: the events stored past the
 * position of its slowest segment ({@value #EVENTS}), and how long the oldest of them has
 * waited ({@value #OLDEST}). Commands go on being accepted while Kafka is down, so these
 * are what shows an outage (or a stuck publisher) growing; both return to zero once Kafka
 * has acknowledged the backlog.
 *
 * <p>
 * The positions are read from the token table, not from this instance's processor, so
 * every instance reports the same lag whichever of them holds the segments. Each segment
 * reads the whole stream and moves past events of other segments, so once caught up every
 * segment's position is the store's head, and the count is exactly the events waiting.
 */
public class PublisherLag implements MeterBinder {

	static final String EVENTS = "membership.publisher.lag.events";

	static final String OLDEST = "membership.publisher.lag.oldest";

	private static final Logger logger = LoggerFactory.getLogger(PublisherLag.class);

	/** One scrape reads both gauges; the database is asked once for them. */
	private static final Duration FRESH = Duration.ofSeconds(1);

	private final JdbcClient jdbc;

	private final Serializer tokenSerializer;

	private final String processorName;

	private final Clock clock;

	private Sample sample;

	PublisherLag(JdbcClient jdbc, Serializer tokenSerializer, String processorName, Clock clock) {
		this.jdbc = jdbc;
		this.tokenSerializer = tokenSerializer;
		this.processorName = processorName;
		this.clock = clock;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(EVENTS, this, (lag) -> lag.sample().events())
			.description("Events stored but not yet acknowledged by Kafka")
			.register(registry);
		TimeGauge.builder(OLDEST, this, TimeUnit.SECONDS, (lag) -> lag.sample().oldestSeconds())
			.description("How long the oldest event not yet acknowledged by Kafka has waited")
			.register(registry);
	}

	synchronized Sample sample() {
		Instant now = this.clock.instant();
		if (this.sample == null || Duration.between(this.sample.taken(), now).compareTo(FRESH) >= 0) {
			this.sample = read(now);
		}
		return this.sample;
	}

	private Sample read(Instant now) {
		try {
			long position = slowestSegmentPosition();
			long events = this.jdbc.sql("SELECT COUNT(*) FROM domainevententry WHERE globalindex > ?")
				.param(position)
				.query(Long.class)
				.single();
			if (events == 0) {
				return new Sample(now, 0, 0);
			}
			double oldest = this.jdbc
				.sql("SELECT timestamp FROM domainevententry WHERE globalindex > ? ORDER BY globalindex LIMIT 1")
				.param(position)
				.query(String.class)
				.optional()
				.map((stored) -> Math.max(0, Duration.between(Instant.parse(stored), now).toMillis() / 1000.0))
				.orElse(0.0);
			return new Sample(now, events, oldest);
		}
		catch (RuntimeException ex) {
			// The database is unreachable: the lag is unknown, not zero.
			logger.debug("Could not read the publisher's lag: {}", ex.getMessage());
			return new Sample(now, Double.NaN, Double.NaN);
		}
	}

	/**
	 * The lowest position of the publisher's segments; -1 (before the first event) when
	 * it has none yet or a segment has not published anything.
	 */
	private long slowestSegmentPosition() {
		List<Long> positions = this.jdbc.sql("SELECT token, tokentype FROM tokenentry WHERE processorname = ?")
			.param(this.processorName)
			.query((row, number) -> position(row.getBytes(1), row.getString(2)))
			.list();
		return positions.stream().mapToLong(Long::longValue).min().orElse(-1);
	}

	private long position(byte[] token, String type) {
		if (token == null || type == null) {
			return -1;
		}
		TrackingToken tracking = this.tokenSerializer
			.deserialize(new SimpleSerializedObject<>(token, byte[].class, type, null));
		return (tracking != null) ? tracking.position().orElse(-1) : -1;
	}

	record Sample(Instant taken, double events, double oldestSeconds) {
	}

}
