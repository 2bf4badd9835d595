package io.membership.infra.queries;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.membership.infra.support.TestDatabase;

/**
 * An organization's events as the command side stored them (Axon's
 * {@code domainevententry}): the truth the query side's answers are held to.
 */
final class StoredEvents {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private StoredEvents() {
	}

	/**
	 * One stored event: its organization version (sequence number + 1), id, type and
	 * time.
	 */
	record StoredEvent(long version, String eventId, String type, Instant occurredAt, JsonNode payload) {
	}

	static List<StoredEvent> of(String organization) {
		List<StoredEvent> events = new ArrayList<>();
		try (Connection connection = TestDatabase.get().connect();
				PreparedStatement query = connection
					.prepareStatement("SELECT sequencenumber, eventidentifier, payloadtype, payload "
							+ "FROM domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber")) {
			query.setString(1, organization);
			try (ResultSet rows = query.executeQuery()) {
				while (rows.next()) {
					String type = rows.getString(3);
					JsonNode payload = JSON.readTree(rows.getBytes(4));
					events.add(new StoredEvent(rows.getLong(1) + 1, rows.getString(2),
							type.substring(type.lastIndexOf('.') + 1),
							Instant.parse(payload.get("occurred_at").asString()), payload));
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return events;
	}

	/** The stored event of this version. */
	static StoredEvent at(List<StoredEvent> events, long version) {
		return events.stream()
			.filter((event) -> event.version() == version)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no stored event of version " + version));
	}

}
