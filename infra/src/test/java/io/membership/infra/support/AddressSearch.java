package io.membership.infra.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/**
 * Where an address is stored in PostgreSQL: every table of every schema on the
 * connection's search path, each row as text (which is how PostgreSQL prints every
 * column, bytea in hex) and each bytea column as bytes, since the event store's payloads
 * and Axon's tokens are bytea.
 */
public final class AddressSearch {

	private AddressSearch() {
	}

	/** {@code schema.table} (and column, for bytea) of every place that holds it. */
	public static List<String> tablesHolding(DataSource dataSource, String address) throws SQLException {
		List<String> found = new ArrayList<>();
		try (Connection connection = dataSource.getConnection()) {
			List<String[]> tables = new ArrayList<>();
			try (PreparedStatement statement = connection
				.prepareStatement("SELECT table_schema, table_name FROM information_schema.tables "
						+ "WHERE table_schema = ANY (current_schemas(false)) AND table_type = 'BASE TABLE'");
					ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					tables.add(new String[] { rows.getString(1), rows.getString(2) });
				}
			}
			if (tables.isEmpty()) {
				throw new AssertionError("No tables on the search path: the search would prove nothing");
			}
			for (String[] table : tables) {
				String name = "\"" + table[0] + "\".\"" + table[1] + "\"";
				try (PreparedStatement statement = connection
					.prepareStatement("SELECT COUNT(*) FROM " + name + " t WHERE LOWER(t::text) LIKE ?")) {
					statement.setString(1, "%" + address.toLowerCase() + "%");
					if (count(statement) > 0) {
						found.add(table[0] + "." + table[1]);
					}
				}
				try (PreparedStatement columns = connection
					.prepareStatement("SELECT column_name FROM information_schema.columns WHERE table_schema = ? "
							+ "AND table_name = ? AND data_type = 'bytea'")) {
					columns.setString(1, table[0]);
					columns.setString(2, table[1]);
					try (ResultSet rows = columns.executeQuery()) {
						while (rows.next()) {
							String column = rows.getString(1);
							// encode(..., 'escape') keeps ASCII as it is, so an ASCII
							// address is found whatever its case.
							try (PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM "
									+ name + " WHERE LOWER(encode(\"" + column + "\", 'escape')) LIKE ?")) {
								statement.setString(1, "%" + address.toLowerCase() + "%");
								if (count(statement) > 0) {
									found.add(table[0] + "." + table[1] + "." + column);
								}
							}
						}
					}
				}
			}
		}
		return found;
	}

	private static long count(PreparedStatement statement) throws SQLException {
		try (ResultSet rows = statement.executeQuery()) {
			rows.next();
			return rows.getLong(1);
		}
	}

}
