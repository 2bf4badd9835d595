package io.membership.query.projection;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.membership.events.ids.OrganizationId;
import io.membership.query.read.Timestamps;

/**
 * The organizations the query side has set aside ({@code qs_quarantined_organizations}):
 * one of their events could not be applied, or arrived past a gap. Setting one aside
 * keeps a single bad event from stopping the projection for every organization, and keeps
 * the set-aside organization from answering from a view known to be behind. A rebuild
 * replaces this table with the replay's, which releases the organizations it repaired.
 *
 * <p>
 * Every method runs in the caller's transaction, like the projection itself.
 */
@Repository
public class OrganizationQuarantine {

	/** What the failure column keeps of an exception's description. */
	static final int MAX_FAILURE = 1000;

	private final JdbcClient jdbc;

	public OrganizationQuarantine(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Sets the organization aside at this event, unless it already is.
	 * @return whether it was set aside now (false if it already was)
	 */
	public boolean setAside(OrganizationId organization, long version, String eventId, String eventType,
			String failure) {
		if (isSetAside(organization)) {
			return false;
		}
		this.jdbc
			.sql("INSERT INTO qs_quarantined_organizations (organization_id, version, event_id, event_type, failure, "
					+ "quarantined_at) VALUES (?, ?, ?, ?, ?, ?)")
			.params(organization.value(), version, eventId, eventType, truncated(failure),
					Timestamps.utc(Instant.now()))
			.update();
		return true;
	}

	/** Whether the organization is set aside, as the table says now. */
	public boolean isSetAside(OrganizationId organization) {
		return this.jdbc.sql("SELECT COUNT(*) FROM qs_quarantined_organizations WHERE organization_id = ?")
			.param(organization.value())
			.query(Long.class)
			.single() > 0;
	}

	/** Every organization set aside. */
	public Set<OrganizationId> all() {
		Set<OrganizationId> organizations = new HashSet<>();
		this.jdbc.sql("SELECT organization_id FROM qs_quarantined_organizations").query((row) -> {
			organizations.add(new OrganizationId(row.getString(1)));
		});
		return organizations;
	}

	private static String truncated(String failure) {
		String text = (failure != null) ? failure : "unknown failure";
		if (text.length() <= MAX_FAILURE) {
			return text;
		}
		int end = MAX_FAILURE - 3;
		if (Character.isHighSurrogate(text.charAt(end - 1))) {
			end--;
		}
		return text.substring(0, end) + "...";
	}

}
