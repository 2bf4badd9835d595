package io.membership.query.projection;

import java.util.List;

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
			return batches::batchUpdate;
		}
		return (sql, rows) -> rows.stream().mapToInt((row) -> jdbc.sql(sql).params(row).update()).toArray();
	}

}
