package io.membership.query.projection;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.membership.events.MembershipEvent;
import io.membership.events.ids.ProjectId;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;
import io.membership.events.json.MembershipJson;

/**
 * The activity log ({@code qs_activity_log}): one entry for every event, whatever its
 * type, with its published body; only the sentence people read differs by type, and
 * {@link ActivitySummaries} has one for each. The body is kept without an address, and an
 * entry whose event refers to one names its key in {@code qs_personal_data}, from where
 * the log's answer shows it (or that it was erased).
 */
final class ActivityLogWriter {

	private static final JsonMapper JSON = MembershipJson.mapper();

	private final Applying applying;

	ActivityLogWriter(Applying applying) {
		this.applying = applying;
	}

	void write() {
		MembershipEvent event = this.applying.event();
		this.applying.batch()
			.add("INSERT INTO qs_activity_log (organization_id, version, event_id, occurred_at, type, actor_user_id, "
					+ "subject_user_id, workspace_id, project_id, summary, details, personal_data_key) "
					+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", event.organizationId().value(),
					this.applying.version(), this.applying.eventId(), this.applying.at(), event.typeName(),
					(event.actorUserId() != null) ? event.actorUserId().value() : null,
					event.subject().map(UserId::value).orElse(null),
					event.workspace().map(WorkspaceId::value).orElse(null),
					event.project().map(ProjectId::value).orElse(null), ActivitySummaries.describe(event),
					JSON.writeValueAsString(PersonalDataProjection.withoutAddress(JSON.valueToTree(event))),
					PersonalDataProjection.keyOf(event).orElse(null));
	}

}
