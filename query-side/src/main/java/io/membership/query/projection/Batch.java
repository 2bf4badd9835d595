package io.membership.query.projection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.state.MemberState;

/**
 * The insert-only rows of the events being applied, by statement in first-use order, and
 * the latest member states they record: nothing reads those rows back while projecting,
 * so they are written together at the end, while the states are read back from here
 * meanwhile.
 */
final class Batch {

	private final Map<String, List<Object[]>> rows = new LinkedHashMap<>();

	private final Map<OrganizationId, Map<UserId, MemberState>> latest = new HashMap<>();

	void add(String sql, Object... values) {
		this.rows.computeIfAbsent(sql, (key) -> new ArrayList<>()).add(values);
	}

	void remember(OrganizationId organization, MemberState state) {
		this.latest.computeIfAbsent(organization, (key) -> new HashMap<>()).put(state.userId(), state);
	}

	/** The member's state after the events of this batch, or null if none changed it. */
	MemberState latest(OrganizationId organization, UserId user) {
		Map<UserId, MemberState> states = this.latest.get(organization);
		return (states != null) ? states.get(user) : null;
	}

	/** Every member state of the organization this batch changed, by user. */
	Map<UserId, MemberState> latestOf(OrganizationId organization) {
		return this.latest.getOrDefault(organization, Map.of());
	}

	/**
	 * @param batches writes each statement's rows in one JDBC batch; with null, one
	 * statement per row
	 */
	void flush(JdbcClient jdbc, JdbcTemplate batches) {
		this.rows.forEach((sql, values) -> {
			if (batches != null) {
				batches.batchUpdate(sql, values);
			}
			else {
				values.forEach((row) -> jdbc.sql(sql).params(row).update());
			}
		});
		this.rows.clear();
	}

}
