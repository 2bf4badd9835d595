package io.membership.query.rebuild;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.membership.query.rebuild.TableShape.Row;

/**
 * Compares the live projection tables with the rebuilt ones, table by table and row by
 * row, by primary key: both sides are read in key order and merged, so no table is held
 * in memory, only what differs.
 */
final class TableComparison {

	/** Columns that record when the projection ran rather than what the events say. */
	static final Set<String> IGNORED_COLUMNS = Set.of("qs_projection_gaps.detected_at",
			"qs_quarantined_organizations.quarantined_at");

	private TableComparison() {
	}

	/**
	 * Every projection table of the live database (but the consumer positions), compared
	 * with the table of the same name in the rebuilt one.
	 */
	static List<TableResult> compare(Connection live, Connection rebuilt) throws SQLException {
		List<TableResult> results = new ArrayList<>();
		for (String table : LiveTables.projectionTables(live)) {
			results.add(compare(live, rebuilt, table));
		}
		return results;
	}

	private static TableResult compare(Connection live, Connection rebuilt, String table) throws SQLException {
		TableShape shape = TableShape.of(live, table);
		List<Difference> found = new ArrayList<>();
		long liveCount = 0;
		long rebuiltCount = 0;
		try (PreparedStatement liveSelect = live.prepareStatement(shape.select(LiveTables.isPostgres(live)));
				PreparedStatement rebuiltSelect = rebuilt.prepareStatement(shape.select(false))) {
			liveSelect.setFetchSize(1000);
			try (ResultSet liveRows = liveSelect.executeQuery(); ResultSet rebuiltRows = rebuiltSelect.executeQuery()) {
				Row left = shape.next(liveRows);
				Row right = shape.next(rebuiltRows);
				while (left != null || right != null) {
					int order = (left == null) ? 1 : (right == null) ? -1 : compareKeys(left.key(), right.key());
					if (order < 0) {
						liveCount++;
						found.add(new Difference(table, shape.describeKey(left),
								"only in the live table: " + shape.describeValues(left)));
						left = shape.next(liveRows);
					}
					else if (order > 0) {
						rebuiltCount++;
						found.add(new Difference(table, shape.describeKey(right),
								"missing from the live table: " + shape.describeValues(right)));
						right = shape.next(rebuiltRows);
					}
					else {
						liveCount++;
						rebuiltCount++;
						String changed = differences(shape, left, right);
						if (!changed.isEmpty()) {
							found.add(new Difference(table, shape.describeKey(left), changed));
						}
						left = shape.next(liveRows);
						right = shape.next(rebuiltRows);
					}
				}
			}
		}
		return new TableResult(table, liveCount, rebuiltCount, found);
	}

	/** The columns whose values differ, or empty. */
	private static String differences(TableShape shape, Row live, Row rebuilt) {
		List<String> changed = new ArrayList<>();
		for (int i = 0; i < shape.columns().size(); i++) {
			String column = shape.columns().get(i);
			if (IGNORED_COLUMNS.contains(shape.table() + "." + column)) {
				continue;
			}
			if (!same(live.values().get(i), rebuilt.values().get(i))) {
				changed.add(column + ": live " + TableShape.show(live.values().get(i)) + ", rebuilt "
						+ TableShape.show(rebuilt.values().get(i)));
			}
		}
		return String.join("; ", changed);
	}

	private static boolean same(Object live, Object rebuilt) {
		if (live instanceof Instant a && rebuilt instanceof Instant b) {
			// PostgreSQL and H2 both keep microseconds of nanosecond instants.
			return Duration.between(a, b).abs().compareTo(Duration.ofNanos(1000)) <= 0;
		}
		if (live instanceof BigDecimal a && rebuilt instanceof BigDecimal b) {
			return a.compareTo(b) == 0;
		}
		return Objects.equals(live, rebuilt);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	static int compareKeys(List<Object> one, List<Object> other) {
		for (int i = 0; i < one.size(); i++) {
			Object a = one.get(i);
			Object b = other.get(i);
			if (a == null || b == null) {
				if (a != b) {
					return (a == null) ? -1 : 1;
				}
				continue;
			}
			int order = ((Comparable) a).compareTo(b);
			if (order != 0) {
				return order;
			}
		}
		return 0;
	}

	/** How one table compared: its rows on either side and those that differ. */
	record TableResult(String table, long liveRows, long rebuiltRows, List<Difference> differences) {
	}

}
