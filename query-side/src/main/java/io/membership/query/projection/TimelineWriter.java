package io.membership.query.projection;

import java.util.Set;

import tools.jackson.databind.json.JsonMapper;

import io.membership.events.json.MembershipJson;
import io.membership.events.state.MemberState;
import io.membership.events.state.MemberStates;
import io.membership.query.projection.Applying.MemberChange;
import io.membership.query.read.Timelines;

/**
 * Every state a member was ever in ({@code qs_member_timeline}: role, workspaces and
 * project memberships, or removed), for answers as of any instant: a row for every member
 * whose state the event changed, as {@link MemberStates} derives it for every reader of
 * the stream, so no event type can change a member here differently from elsewhere.
 */
final class TimelineWriter {

	private static final JsonMapper JSON = MembershipJson.mapper();

	private final Applying applying;

	TimelineWriter(Applying applying) {
		this.applying = applying;
	}

	/**
	 * A removed member's row says so ({@code removed}), with the role they had and no
	 * workspace or project: from that version on they were no member.
	 */
	void write() {
		for (MemberChange change : this.applying.changes()) {
			boolean removed = change.after() == null;
			MemberState state = removed ? new MemberState(change.userId(), change.before().role(), Set.of())
					: change.after();
			this.applying.batch()
				.add("INSERT INTO qs_member_timeline (organization_id, user_id, version, occurred_at, role, workspaces, "
						+ "projects, removed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", this.applying.organization().value(),
						state.userId().value(), this.applying.version(), this.applying.at(), state.role().code(),
						JSON.writeValueAsString(state.workspaces()), Timelines.projectsJson(state.projects()), removed);
		}
	}

}
