package io.membership.query.read;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;

import io.membership.query.projection.MembershipProjection;

/** Reading and writing the projections' {@code TIMESTAMP WITH TIME ZONE} columns. */
final class Timestamps {

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
	 * As the projections store and compare instants, see
	 * {@link MembershipProjection#utc}.
	 */
	static OffsetDateTime utc(Instant instant) {
		return (instant != null) ? MembershipProjection.utc(instant) : null;
	}

	static Long nullableLong(ResultSet row, String column) throws SQLException {
		long value = row.getLong(column);
		return row.wasNull() ? null : value;
	}

}
