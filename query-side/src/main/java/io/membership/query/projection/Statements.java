package io.membership.query.projection;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Runs one statement for many rows of parameters: in one JDBC batch, or (without a
 * {@link JdbcTemplate}) one execution per row.
 */
@FunctionalInterface
interface Statements {

	/**
	 * @return the update count of each row, as the driver reports it
	 */
	int[] run(String sql, List<Object[]> rows);

	/**
	 * @param batches runs each statement's rows in one JDBC batch; with null, one
	 * statement per row
	 */
	static Statements of(JdbcClient jdbc, JdbcTemplate batches) {
		if (batches != null) {
			return (sql, rows) -> batches.batchUpdate(sql, new Rows(rows));
		}
		return (sql, rows) -> rows.stream().mapToInt((row) -> jdbc.sql(sql).params(row).update()).toArray();
	}

	/**
	 * Binds a batch's rows with the driver's setter for each value's type. The values the
	 * projection writes are of a few known types, so this does directly what Spring's
	 * type inference would choose for them ({@code setString} for text, {@code setObject}
	 * for the rest), without its per-value inspection, which a profile of the rebuild
	 * showed among the costliest parts of writing a poll.
	 */
	record Rows(List<Object[]> rows) implements BatchPreparedStatementSetter {

		@Override
		public void setValues(PreparedStatement statement, int index) throws SQLException {
			Object[] row = this.rows.get(index);
			for (int column = 0; column < row.length; column++) {
				Object value = row[column];
				if (value instanceof String text) {
					statement.setString(column + 1, text);
				}
				else if (value instanceof Long number) {
					statement.setLong(column + 1, number);
				}
				else if (value instanceof Integer number) {
					statement.setInt(column + 1, number);
				}
				else if (value instanceof Boolean flag) {
					statement.setBoolean(column + 1, flag);
				}
				else {
					statement.setObject(column + 1, value);
				}
			}
		}

		@Override
		public int getBatchSize() {
			return this.rows.size();
		}

	}

}
