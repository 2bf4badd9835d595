package io.membership.infra.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.audit.HashChain;
import io.membership.events.json.MembershipJson;

/**
 * Streams the event store as the audit export: one NDJSON line per event, the hashed
 * envelope plus {@code prev_hash} and {@code hash}. Rows are read through a database
 * cursor and written as they come, so memory stays flat however long the history. What is
 * exported is what is stored: if a row was edited by hand, the export shows the edit and
 * the verifier finds that its hash no longer matches.
 */
@Component
public class AuditExport {

	private static final int FETCH_SIZE = 500;

	private static final String COLUMNS = "SELECT e.globalindex, e.aggregateidentifier, e.sequencenumber, "
			+ "e.eventidentifier, e.payloadtype, e.payload, c.prev_hash, c.hash FROM domainevententry e "
			+ "LEFT JOIN event_hash_chain c ON c.organization_id = e.aggregateidentifier "
			+ "AND c.version = e.sequencenumber + 1 ";

	private final JdbcTemplate jdbc;

	private final TransactionTemplate readOnly;

	AuditExport(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
		this.jdbc = new JdbcTemplate(jdbc.getDataSource());
		this.jdbc.setFetchSize(FETCH_SIZE);
		this.readOnly = new TransactionTemplate(transactionManager);
		this.readOnly.setReadOnly(true);
	}

	/** One organization's events after {@code afterVersion}, in version order. */
	public void organization(String organizationId, long afterVersion, OutputStream out) {
		stream(COLUMNS + "WHERE e.aggregateidentifier = ? AND e.sequencenumber >= ? ORDER BY e.sequencenumber",
				new Object[] { organizationId, afterVersion }, false, out);
	}

	/**
	 * Every organization's events after the global {@code position}, in the order they
	 * were stored; each line carries its {@code position} so an export can be resumed.
	 */
	public void all(long afterPosition, OutputStream out) {
		stream(COLUMNS + "WHERE e.globalindex > ? ORDER BY e.globalindex", new Object[] { afterPosition }, true, out);
	}

	private void stream(String sql, Object[] parameters, boolean withPosition, OutputStream out) {
		this.readOnly.executeWithoutResult((status) -> this.jdbc.query(sql, (row) -> {
			String organization = row.getString(2);
			long version = row.getLong(3) + 1;
			String type = row.getString(5);
			JsonNode payload = MembershipJson.mapper().readTree(row.getBytes(6));
			ObjectNode line = HashChain.envelope(organization, version, row.getString(4),
					type.substring(type.lastIndexOf('.') + 1), payload.path("occurred_at").asString(), payload);
			line.put("prev_hash", row.getString(7));
			line.put("hash", row.getString(8));
			if (withPosition) {
				line.put("position", row.getLong(1));
			}
			write(out, line);
		}, parameters));
	}

	private static void write(OutputStream out, ObjectNode line) {
		try {
			out.write(MembershipJson.mapper().writeValueAsBytes(line));
			out.write('\n');
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The export's reader went away", ex);
		}
	}

}
