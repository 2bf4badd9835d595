package io.membership.query.read;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;

import io.membership.events.ids.OrganizationId;
import io.membership.events.ids.UserId;
import io.membership.events.json.MembershipJson;

/**
 * An organization's activity log, one entry per event, newest first. Call it inside a
 * {@link ReadSnapshot} so that the entries and the version answered agree.
 */
@Repository
public class ActivityLogReads {

	private final JdbcClient jdbc;

	public ActivityLogReads(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Up to {@code limit} entries that pass the filter, newest first, starting below
	 * {@link ActivityFilter#beforeVersion()}.
	 */
	public List<ActivityEntry> entries(OrganizationId organization, ActivityFilter filter, int limit) {
		StringBuilder where = new StringBuilder(" WHERE a.organization_id = :organization");
		Map<String, Object> params = new HashMap<>();
		params.put("organization", organization.value());
		if (filter.beforeVersion() != null) {
			where.append(" AND a.version < :before");
			params.put("before", filter.beforeVersion());
		}
		if (filter.actor() != null) {
			where.append(" AND a.actor_user_id = :actor");
			params.put("actor", filter.actor().value());
		}
		if (filter.subject() != null) {
			where.append(" AND a.subject_user_id = :subject");
			params.put("subject", filter.subject().value());
		}
		if (!filter.types().isEmpty()) {
			where.append(" AND a.type IN (:types)");
			params.put("types", List.copyOf(filter.types()));
		}
		if (filter.since() != null) {
			where.append(" AND a.occurred_at >= :since");
			params.put("since", Timestamps.utc(filter.since()));
		}
		if (filter.until() != null) {
			where.append(" AND a.occurred_at <= :until");
			params.put("until", Timestamps.utc(filter.until()));
		}
		params.put("limit", limit);
		// The log keeps no address: an entry whose event refers to one shows it from
		// qs_personal_data, or that it was erased.
		return this.jdbc
			.sql("SELECT a.version, a.event_id, a.occurred_at, a.type, a.actor_user_id, a.subject_user_id, "
					+ "a.workspace_id, a.project_id, a.summary, a.details, a.personal_data_key, p.email, p.erased "
					+ "FROM qs_activity_log a LEFT JOIN qs_personal_data p ON p.data_key = a.personal_data_key" + where
					+ " ORDER BY a.version DESC LIMIT :limit")
			.params(params)
			.query((row, number) -> new ActivityEntry(row.getLong("version"), row.getString("event_id"),
					Timestamps.instant(row, "occurred_at"), row.getString("type"),
					Timestamps.nullableLong(row, "actor_user_id"), Timestamps.nullableLong(row, "subject_user_id"),
					row.getString("workspace_id"), row.getString("project_id"), row.getString("summary"),
					MembershipJson.mapper().readTree(row.getString("details")),
					(row.getString("personal_data_key") != null)
							? new PersonalData(row.getString("email"), row.getBoolean("erased")) : null))
			.list();
	}

	/**
	 * Which entries to read: all filters combine; null (or no types) means no filter.
	 * {@code since} and {@code until} are inclusive.
	 */
	public record ActivityFilter(Long beforeVersion, UserId actor, UserId subject, Set<String> types, Instant since,
			Instant until) {

		public ActivityFilter {
			types = Set.copyOf(types);
		}

	}

	/**
	 * One event as the log shows it; {@code details} is the event's published JSON body
	 * (without an address). {@code actorUserId} is null only for an erasure a service
	 * principal asked for. An entry whose event refers to a person's address (creating
	 * the organization, inviting, revoking an invitation, joining) shows it as
	 * {@code email} and {@code erased} beside the other members; other entries have
	 * neither.
	 */
	public record ActivityEntry(long version, String eventId, Instant occurredAt, String type, Long actorUserId,
			@JsonInclude(JsonInclude.Include.NON_NULL) Long subjectUserId,
			@JsonInclude(JsonInclude.Include.NON_NULL) String workspaceId,
			@JsonInclude(JsonInclude.Include.NON_NULL) String projectId, String summary, JsonNode details,
			@JsonUnwrapped PersonalData personalData) {
	}

	/**
	 * The address an entry refers to as known now: null once erased ({@code erased}), or
	 * while the service has none for it.
	 */
	public record PersonalData(@JsonInclude(JsonInclude.Include.ALWAYS) String email, boolean erased) {
	}

}
