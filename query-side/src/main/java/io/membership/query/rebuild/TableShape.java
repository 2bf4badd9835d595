package io.membership.query.rebuild;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A table's columns, as the live database has them: the primary key, the rest, and how to
 * read and write each so that PostgreSQL's and H2's values compare (instants, numbers,
 * text).
 */
record TableShape(String table, List<String> keys, List<String> columns, Map<String, Integer> types) {

	static TableShape of(Connection connection, String table) throws SQLException {
		DatabaseMetaData metadata = connection.getMetaData();
		String name = storedName(metadata, table);
		Map<String, Integer> types = new LinkedHashMap<>();
		try (ResultSet rows = metadata.getColumns(connection.getCatalog(), connection.getSchema(), name, "%")) {
			while (rows.next()) {
				types.put(rows.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rows.getInt("DATA_TYPE"));
			}
		}
		Map<Integer, String> keyColumns = new TreeMap<>();
		try (ResultSet rows = metadata.getPrimaryKeys(connection.getCatalog(), connection.getSchema(), name)) {
			while (rows.next()) {
				keyColumns.put(rows.getInt("KEY_SEQ"), rows.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
			}
		}
		List<String> keys = keyColumns.isEmpty() ? new ArrayList<>(types.keySet())
				: new ArrayList<>(keyColumns.values());
		List<String> columns = types.keySet().stream().filter((column) -> !keys.contains(column)).toList();
		return new TableShape(table, keys, columns, types);
	}

	private static String storedName(DatabaseMetaData metadata, String table) throws SQLException {
		return metadata.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table;
	}

	/**
	 * Every row ordered by primary key. On PostgreSQL, text keys are ordered in the
	 * {@code "C"} collation, the plain character order that H2 and the comparison in Java
	 * use, rather than by the database's locale.
	 */
	String select(boolean postgres) {
		String order = this.keys.stream()
			.map((key) -> (postgres && isText(this.types.get(key))) ? key + " COLLATE \"C\"" : key)
			.collect(Collectors.joining(", "));
		return "SELECT " + String.join(", ", all()) + " FROM " + this.table + " ORDER BY " + order;
	}

	String insert() {
		return "INSERT INTO " + this.table + " (" + String.join(", ", all()) + ") VALUES ("
				+ all().stream().map((column) -> "?").collect(Collectors.joining(", ")) + ")";
	}

	List<String> all() {
		List<String> all = new ArrayList<>(this.keys);
		all.addAll(this.columns);
		return all;
	}

	/** The next row of a {@link #select}, or null after the last. */
	Row next(ResultSet rows) throws SQLException {
		if (!rows.next()) {
			return null;
		}
		List<Object> key = new ArrayList<>();
		List<Object> values = new ArrayList<>();
		int index = 1;
		for (String column : this.keys) {
			key.add(read(rows, index++, this.types.get(column)));
		}
		for (String column : this.columns) {
			values.add(read(rows, index++, this.types.get(column)));
		}
		return new Row(key, values);
	}

	/** Binds the row to an {@link #insert}. */
	void bind(PreparedStatement insert, Row row) throws SQLException {
		int index = 1;
		for (int i = 0; i < this.keys.size(); i++) {
			write(insert, index++, row.key().get(i), this.types.get(this.keys.get(i)));
		}
		for (int i = 0; i < this.columns.size(); i++) {
			write(insert, index++, row.values().get(i), this.types.get(this.columns.get(i)));
		}
	}

	String describeKey(Row row) {
		List<String> parts = new ArrayList<>();
		for (int i = 0; i < this.keys.size(); i++) {
			Object value = row.key().get(i);
			parts.add(this.keys.get(i) + "=" + ((value instanceof BigDecimal number) ? number.toPlainString() : value));
		}
		return "(" + String.join(", ", parts) + ")";
	}

	String describeValues(Row row) {
		List<String> parts = new ArrayList<>();
		for (int i = 0; i < this.columns.size(); i++) {
			parts.add(this.columns.get(i) + "=" + show(row.values().get(i)));
		}
		return String.join(", ", parts);
	}

	static String show(Object value) {
		if (value instanceof BigDecimal number) {
			return number.toPlainString();
		}
		return (value instanceof String text) ? "'" + text + "'" : String.valueOf(value);
	}

	private static boolean isText(Integer type) {
		return type != null && (type == Types.VARCHAR || type == Types.CHAR || type == Types.LONGVARCHAR
				|| type == Types.NVARCHAR || type == Types.NCHAR || type == Types.CLOB || type == Types.NCLOB);
	}

	private static Object read(ResultSet rows, int index, int type) throws SQLException {
		switch (type) {
			case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
				Timestamp timestamp = rows.getTimestamp(index);
				return (timestamp != null) ? timestamp.toInstant() : null;
			}
			case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> {
				long value = rows.getLong(index);
				return rows.wasNull() ? null : value;
			}
			case Types.NUMERIC, Types.DECIMAL -> {
				BigDecimal number = rows.getBigDecimal(index);
				return (number != null) ? number.stripTrailingZeros() : null;
			}
			case Types.BOOLEAN, Types.BIT -> {
				boolean value = rows.getBoolean(index);
				return rows.wasNull() ? null : value;
			}
			default -> {
				return rows.getString(index);
			}
		}
	}

	private static void write(PreparedStatement insert, int index, Object value, int type) throws SQLException {
		if (value == null) {
			insert.setNull(index, type);
		}
		else if (value instanceof Instant instant) {
			insert.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
		}
		else if (value instanceof Long number) {
			if (type == Types.BIGINT) {
				insert.setLong(index, number);
			}
			else {
				insert.setInt(index, Math.toIntExact(number));
			}
		}
		else if (value instanceof BigDecimal number) {
			insert.setBigDecimal(index, number);
		}
		else if (value instanceof Boolean bool) {
			insert.setBoolean(index, bool);
		}
		else {
			insert.setString(index, value.toString());
		}
	}

	/** One row, its primary key and its other values, normalised. */
	record Row(List<Object> key, List<Object> values) {
	}

}
