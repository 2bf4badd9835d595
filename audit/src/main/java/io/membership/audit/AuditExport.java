package io.membership.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Predicate;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.membership.audit.chain.HashChain;
import io.membership.audit.personal.PersonalData;
import io.membership.events.json.MembershipJson;

/**
 * Streams the event store as the audit export: one NDJSON line per event, the hashed
 * envelope plus {@code prev_hash} and {@code hash}. Rows are read through a database
 * cursor and written as they come, so memory stays flat however long the history. What is
 * exported is what is stored: if a row was edited by hand, the export shows the edit and
 * the verifier finds that its hash no longer matches (a payload that is not even JSON is
 * exported as a string).
 *
 * <p>
 * One organization's export reads its events and its chain as two cursors, each in
 * version order over its own primary key, and pairs them here. A join would leave the
 * choice of plan to PostgreSQL, which estimates an organization's size from the average
 * of all of them: among many small organizations it planned a nested loop that scanned
 * the whole chain once per event, so exporting an organization of 100,000 events took 14
 * minutes where one pass takes 2 seconds. Two ordered range scans cost one pass over the
 * rows whatever the statistics say.
 *
 * <p>
 * The system-wide export is resumed after the last {@code position} received. A position
 * is taken when an event is inserted, but becomes visible when its transaction commits,
 * so an event can appear after one with a higher position; a reader that had already
 * moved past it would never see it. So that stream ends before the first event stored
 * less than the settle time ({@code membership.audit.export-settle-time}, 5 s) ago: what
 * it has sent is final, and the rest comes with the next request.
 */
@Component
public class AuditExport {

	private static final int FETCH_SIZE = 500;

	/**
	 * Every event after a global position with its chain entry. Its plan is safe from
	 * skewed statistics: the planner sizes {@code globalindex > ?} from the primary key's
	 * actual range, so a large remainder is never planned as a few rows.
	 */
	private static final String ALL_EVENTS = "SELECT e.globalindex, e.aggregateidentifier, e.sequencenumber, "
			+ "e.eventidentifier, e.payloadtype, e.payload, c.prev_hash, c.hash, e.timestamp FROM domainevententry e "
			+ "LEFT JOIN event_hash_chain c ON c.organization_id = e.aggregateidentifier "
			+ "AND c.version = e.sequencenumber + 1 WHERE e.globalindex > ? ORDER BY e.globalindex";

	/**
	 * One organization's events from a sequence number on, the first six columns of the
	 * above.
	 */
	private static final String ORGANIZATION_EVENTS = "SELECT globalindex, aggregateidentifier, sequencenumber, "
			+ "eventidentifier, payloadtype, payload FROM domainevententry "
			+ "WHERE aggregateidentifier = ? AND sequencenumber >= ? ORDER BY sequencenumber";

	/** One organization's chain entries from a version on. */
	private static final String ORGANIZATION_CHAIN = "SELECT version, prev_hash, hash FROM event_hash_chain "
			+ "WHERE organization_id = ? AND version > ? ORDER BY version";

	private final JdbcTemplate jdbc;

	private final TransactionTemplate readOnly;

	private final Clock clock;

	private final Duration settleTime;

	private final PersonalData personalData;

	/**
	 * @param settleTime how long the system-wide export holds back an event after it was
	 * stored
	 */
	public AuditExport(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Clock clock,
			@Value("${membership.audit.export-settle-time:5s}") Duration settleTime, PersonalData personalData) {
		this.personalData = personalData;
		this.jdbc = new JdbcTemplate(jdbc.getDataSource());
		this.jdbc.setFetchSize(FETCH_SIZE);
		this.readOnly = new TransactionTemplate(transactionManager);
		this.readOnly.setReadOnly(true);
		this.clock = clock;
		this.settleTime = settleTime;
	}

	/** One organization's events after {@code afterVersion}, in version order. */
	public void organization(String organizationId, long afterVersion, OutputStream out) {
		this.readOnly.executeWithoutResult((status) -> this.jdbc.execute((Connection connection) -> {
			try (PreparedStatement events = cursor(connection, ORGANIZATION_EVENTS, organizationId, afterVersion);
					PreparedStatement chain = cursor(connection, ORGANIZATION_CHAIN, organizationId, afterVersion);
					ResultSet eventRows = events.executeQuery();
					ResultSet chainRows = chain.executeQuery()) {
				ChainCursor links = new ChainCursor(chainRows);
				while (eventRows.next()) {
					long version = eventRows.getLong(3) + 1;
					writeLine(eventRows, links.entryFor(version), false, out);
				}
			}
			return null;
		}));
	}

	private static PreparedStatement cursor(Connection connection, String sql, String organizationId, long from)
			throws SQLException {
		PreparedStatement statement = connection.prepareStatement(sql);
		statement.setFetchSize(FETCH_SIZE);
		statement.setString(1, organizationId);
		statement.setLong(2, from);
		return statement;
	}

	/**
	 * Every organization's events after the global {@code position}, in the order they
	 * were stored, up to the first one younger than the settle time; each line carries
	 * its {@code position} so an export can be resumed.
	 */
	public void all(long afterPosition, OutputStream out) {
		Instant now = this.clock.instant();
		Instant settled = now.minus(this.settleTime);
		// A time far in the future (another instance's clock cannot be that wrong) is not
		// waited for: a row whose time was set by hand must not hold the stream up for
		// good.
		Instant future = now.plus(this.settleTime);
		Predicate<Instant> unsettled = (stored) -> stored != null && stored.isAfter(settled) && !stored.isAfter(future);
		this.readOnly.executeWithoutResult((status) -> this.jdbc.query(ALL_EVENTS, (ResultSet row) -> {
			while (row.next()) {
				if (unsettled.test(storedAt(row.getString(9)))) {
					return null;
				}
				writeLine(row, new ChainEntry(row.getString(7), row.getString(8)), true, out);
			}
			return null;
		}, afterPosition));
	}

	/** When the event store wrote the row, or null if that cannot be read. */
	private static Instant storedAt(String timestamp) {
		try {
			return (timestamp != null) ? Instant.parse(timestamp) : null;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private void writeLine(ResultSet row, ChainEntry link, boolean withPosition, OutputStream out) throws SQLException {
		String organization = row.getString(2);
		long version = row.getLong(3) + 1;
		String type = row.getString(5);
		JsonNode payload = payload(row.getBytes(6));
		ObjectNode line = HashChain.envelope(organization, version, row.getString(4),
				type.substring(type.lastIndexOf('.') + 1),
				payload.isObject() ? payload.path("occurred_at").asString() : null, payload);
		line.put("prev_hash", link.previousHash());
		line.put("hash", link.hash());
		if (withPosition) {
			line.put("position", row.getLong(1));
		}
		String key = personalDataKey(type, payload);
		if (key != null) {
			ObjectNode personal = line.putObject(HashChain.PERSONAL_DATA);
			personal.put("email", this.personalData.email(key).orElse(null));
			personal.put("erased", this.personalData.erased(key));
		}
		write(out, line);
	}

	/**
	 * The key of the address an event refers to, kept apart from it: {@code user:<id>}
	 * for an organization's creation and a join, {@code invitation:<id>} for an
	 * invitation and its revocation; null for every other event.
	 */
	private static String personalDataKey(String payloadType, JsonNode payload) {
		if (!payload.isObject()) {
			return null;
		}
		String type = payloadType.substring(payloadType.lastIndexOf('.') + 1);
		return switch (type) {
			case "OrganizationCreated" -> "user:" + payload.path("owner_user_id").asString();
			case "MemberJoined" -> "user:" + payload.path("user_id").asString();
			case "UserInvited", "InvitationRevoked" -> "invitation:" + payload.path("invitation_id").asString();
			default -> null;
		};
	}

	/**
	 * The stored payload; one that is not JSON (edited by hand) is exported as the text
	 * it holds, so the export goes on and the verifier names that event as altered.
	 */
	private static JsonNode payload(byte[] stored) {
		try {
			return MembershipJson.mapper().readTree(stored);
		}
		catch (JacksonException ex) {
			return MembershipJson.mapper().getNodeFactory().stringNode(new String(stored, StandardCharsets.UTF_8));
		}
	}

	/**
	 * An event's entry in the hash chain; both null when the chain has none for it (a row
	 * added by hand), which the verifier reports.
	 */
	private record ChainEntry(String previousHash, String hash) {

		static final ChainEntry MISSING = new ChainEntry(null, null);

	}

	/**
	 * Walks an organization's chain entries in version order beside its events, as a
	 * merge join would: entries without an event are passed over, events without an entry
	 * get {@link ChainEntry#MISSING}.
	 */
	private static final class ChainCursor {

		private final ResultSet rows;

		private boolean current;

		ChainCursor(ResultSet rows) throws SQLException {
			this.rows = rows;
			this.current = rows.next();
		}

		ChainEntry entryFor(long version) throws SQLException {
			while (this.current && this.rows.getLong(1) < version) {
				this.current = this.rows.next();
			}
			if (this.current && this.rows.getLong(1) == version) {
				return new ChainEntry(this.rows.getString(2), this.rows.getString(3));
			}
			return ChainEntry.MISSING;
		}

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
