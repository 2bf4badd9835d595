package io.membership.query.read;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Reading and writing the projections' {@code TIMESTAMP WITH TIME ZONE} columns: the
 * projection writes them and the reads compare with them in the same form.
 */
public final class Timestamps {

	private Timestamps() {
	}

	static Instant instant(ResultSet row, String column) throws SQLException {
		OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	static Instant instant(ResultSet row, int column) throws SQLException {
		OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	/**
	 * An instant as the projections store and compare it: in UTC, truncated to the
	 * microseconds that the timestamp columns keep. Databases round extra digits, which
	 * would store an event up to half a microsecond after its own {@code occurred_at}, so
	 * that {@code as_of} that very instant would miss it; truncating both what is stored
	 * and what is asked keeps every event at or before its own time.
	 */
	public static OffsetDateTime utc(Instant instant) {
		return (instant != null) ? instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC) : null;
	}

	static Long nullableLong(ResultSet row, String column) throws SQLException {
		long value = row.getLong(column);
		return row.wasNull() ? null : value;
	}

}
