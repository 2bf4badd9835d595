package io.membership.query.projection;

import tools.jackson.databind.json.JsonMapper;

import io.membership.events.json.MembershipJson;
import io.membership.events.state.MemberState;
import io.membership.events.state.MemberStates;
import io.membership.query.projection.Applying.MemberChange;
import io.membership.query.read.Timelines;

/**
 * Every state a member was ever in ({@code qs_member_timeline}: role, workspaces and
 * project memberships), for answers as of any instant: a row for every member whose state
 * the event changed, as {@link MemberStates} derives it for every reader of the stream,
 * so no event type can change a member here differently from elsewhere.
 */
final class TimelineWriter {

	private static final JsonMapper JSON = MembershipJson.mapper();

	private final Applying applying;

	TimelineWriter(Applying applying) {
		this.applying = applying;
	}

	void write() {
		for (MemberChange change : this.applying.changes()) {
			MemberState state = change.after();
			this.applying.batch()
				.add("INSERT INTO qs_member_timeline (organization_id, user_id, version, occurred_at, role, workspaces, "
						+ "projects) VALUES (?, ?, ?, ?, ?, ?, ?)", this.applying.organization().value(),
						state.userId().value(), this.applying.version(), this.applying.at(), state.role().code(),
						JSON.writeValueAsString(state.workspaces()), Timelines.projectsJson(state.projects()));
		}
	}

}
