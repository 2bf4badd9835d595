package io.membership.query.read;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
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
		StringBuilder where = new StringBuilder(" WHERE organization_id = :organization");
		Map<String, Object> params = new HashMap<>();
		params.put("organization", organization.value());
		if (filter.beforeVersion() != null) {
			where.append(" AND version < :before");
			params.put("before", filter.beforeVersion());
		}
		if (filter.actor() != null) {
			where.append(" AND actor_user_id = :actor");
			params.put("actor", filter.actor().value());
		}
		if (filter.subject() != null) {
			where.append(" AND subject_user_id = :subject");
			params.put("subject", filter.subject().value());
		}
		if (!filter.types().isEmpty()) {
			where.append(" AND type IN (:types)");
			params.put("types", List.copyOf(filter.types()));
		}
		if (filter.since() != null) {
			where.append(" AND occurred_at >= :since");
			params.put("since", Timestamps.utc(filter.since()));
		}
		if (filter.until() != null) {
			where.append(" AND occurred_at <= :until");
			params.put("until", Timestamps.utc(filter.until()));
		}
		params.put("limit", limit);
		return this.jdbc.sql(
				"SELECT version, event_id, occurred_at, type, actor_user_id, subject_user_id, workspace_id, project_id, "
						+ "summary, details FROM qs_activity_log" + where + " ORDER BY version DESC LIMIT :limit")
			.params(params)
			.query((row, number) -> new ActivityEntry(row.getLong("version"), row.getString("event_id"),
					Timestamps.instant(row, "occurred_at"), row.getString("type"), row.getLong("actor_user_id"),
					Timestamps.nullableLong(row, "subject_user_id"), row.getString("workspace_id"),
					row.getString("project_id"), row.getString("summary"),
					MembershipJson.mapper().readTree(row.getString("details"))))
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
	 * One event as the log shows it; {@code details} is the event's published JSON body.
	 */
	public record ActivityEntry(long version, String eventId, Instant occurredAt, String type, long actorUserId,
			@JsonInclude(JsonInclude.Include.NON_NULL) Long subjectUserId,
			@JsonInclude(JsonInclude.Include.NON_NULL) String workspaceId,
			@JsonInclude(JsonInclude.Include.NON_NULL) String projectId, String summary, JsonNode details) {
	}

}
