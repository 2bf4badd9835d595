package io.membership.audit.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code security_events} table: one row per event id, its count added to by every
 * instance that folded identical events.
 *
 * <p>
 * The upsert is an UPDATE, then an INSERT when there was no row, then the UPDATE again
 * when another instance or thread inserted the row in between (the unique event id
 * refuses the second INSERT). It runs as written on H2 and PostgreSQL, and a count is
 * only ever added to, never read and written back, so concurrent writers cannot lose one.
 * Its writers are few anyway: each instance flushes its folds from one thread
 * ({@link SecurityEvents}).
 */
class SecurityEventStore {

	private static final String COLUMNS = "seq, event_id, occurred_at, organization_id, caller, kind, method, path, "
			+ "action, subject_user_id, code, correlation_id, source_ip, event_count";

	private final JdbcClient jdbc;

	SecurityEventStore(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Adds {@code count} occurrences of the event to its row, creating it if needed.
	 * @return the event as stored now, with the count of every instance's folds
	 */
	SecurityEvent add(SecurityEvent event, long count) {
		if (addToExisting(event, count) == 0) {
			try {
				insert(event, count);
			}
			catch (DuplicateKeyException raced) {
				addToExisting(event, count);
			}
		}
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM security_events WHERE event_id = ?")
			.param(event.eventId().toString())
			.query(SecurityEventStore::stored)
			.single()
			.event();
	}

	private int addToExisting(SecurityEvent event, long count) {
		return this.jdbc
			.sql("UPDATE security_events SET event_count = event_count + ?, occurred_at = LEAST(occurred_at, ?) "
					+ "WHERE event_id = ?")
			.param(count)
			.param(utc(event.occurredAt()))
			.param(event.eventId().toString())
			.update();
	}

	private void insert(SecurityEvent event, long count) {
		this.jdbc
			.sql("INSERT INTO security_events (event_id, occurred_at, organization_id, caller, kind, method, "
					+ "path, action, subject_user_id, code, correlation_id, source_ip, event_count) "
					+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			.param(event.eventId().toString())
			.param(utc(event.occurredAt()))
			.param(event.organizationId())
			.param(event.caller())
			.param(event.kind().id())
			.param(event.method())
			.param(event.path())
			.param(event.action())
			.param(event.subjectUserId())
			.param(event.code())
			.param(event.correlationId())
			.param(event.sourceIp())
			.param(count)
			.update();
	}

	/**
	 * One page, newest first (by when each event was first stored), of the events that
	 * match.
	 */
	List<Stored> page(Filter filter, int limit) {
		StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM security_events WHERE 1 = 1");
		List<Object> params = new ArrayList<>();
		if (filter.organizationId() != null) {
			sql.append(" AND organization_id = ?");
			params.add(filter.organizationId());
		}
		if (filter.caller() != null) {
			sql.append(" AND caller = ?");
			params.add(filter.caller());
		}
		if (filter.kind() != null) {
			sql.append(" AND kind = ?");
			params.add(filter.kind().id());
		}
		if (filter.since() != null) {
			sql.append(" AND occurred_at >= ?");
			params.add(utc(filter.since()));
		}
		if (filter.until() != null) {
			sql.append(" AND occurred_at <= ?");
			params.add(utc(filter.until()));
		}
		if (filter.beforeSeq() != null) {
			sql.append(" AND seq < ?");
			params.add(filter.beforeSeq());
		}
		sql.append(" ORDER BY seq DESC LIMIT ?");
		params.add(limit);
		return this.jdbc.sql(sql.toString()).params(params).query(SecurityEventStore::stored).list();
	}

	/** Every stored event, in the order they were first stored. */
	void forEach(Consumer<SecurityEvent> action) {
		try (Stream<Stored> stored = this.jdbc.sql("SELECT " + COLUMNS + " FROM security_events ORDER BY seq")
			.query(SecurityEventStore::stored)
			.stream()) {
			stored.forEach((event) -> action.accept(event.event()));
		}
	}

	/** Deletes the events that occurred before the time; how many it deleted. */
	int deleteOccurredBefore(Instant oldestKept) {
		return this.jdbc.sql("DELETE FROM security_events WHERE occurred_at < ?").param(utc(oldestKept)).update();
	}

	private static OffsetDateTime utc(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	private static Stored stored(ResultSet row, int rowNumber) throws SQLException {
		long subject = row.getLong("subject_user_id");
		Long subjectUserId = row.wasNull() ? null : subject;
		SecurityEvent event = new SecurityEvent(UUID.fromString(row.getString("event_id")),
				row.getObject("occurred_at", OffsetDateTime.class).toInstant(), row.getString("organization_id"),
				row.getString("caller"), SecurityEventKind.fromId(row.getString("kind")).orElseThrow(),
				row.getString("method"), row.getString("path"), row.getString("action"), subjectUserId,
				row.getString("code"), row.getString("correlation_id"), row.getString("source_ip"),
				row.getLong("event_count"));
		return new Stored(row.getLong("seq"), event);
	}

	/** An event with its place in the table, which the cursor of a page names. */
	record Stored(long seq, SecurityEvent event) {
	}

	/** What to answer: every field null matches everything. */
	record Filter(String organizationId, String caller, SecurityEventKind kind, Instant since, Instant until,
			Long beforeSeq) {
	}

}
