package io.membership.query.projection;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.membership.events.MemberAssignedToWorkspace;
import io.membership.events.MemberJoined;
import io.membership.events.MemberRemoved;
import io.membership.events.MemberRemovedFromWorkspace;
import io.membership.events.WorkspaceCreated;
import io.membership.events.ids.UserId;
import io.membership.events.ids.WorkspaceId;

/**
 * The organization's workspaces ({@code qs_workspaces}) and who is assigned to each now
 * ({@code qs_member_workspaces}).
 */
final class WorkspacesWriter {

	private final Applying applying;

	WorkspacesWriter(Applying applying) {
		this.applying = applying;
	}

	void created(WorkspaceCreated created) {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("organization_id", this.applying.organization().value());
		row.put("workspace_id", created.workspaceId().value());
		row.put("title", created.title());
		row.put("created_at", this.applying.at());
		row.put("created_by", created.actorUserId().value());
		this.applying.batch().workspaces.insert(row);
	}

	void joined(MemberJoined joined) {
		for (WorkspaceId workspace : joined.workspaces()) {
			insertAssignment(joined.userId(), workspace);
		}
	}

	void assigned(MemberAssignedToWorkspace assigned) {
		insertAssignment(assigned.userId(), assigned.workspaceId());
	}

	void removed(MemberRemovedFromWorkspace removed) {
		this.applying.batch().memberWorkspaces.delete(
				List.of(this.applying.organization().value(), removed.userId().value(), removed.workspaceId().value()));
	}

	/** A removed member leaves every workspace. */
	void memberRemoved(MemberRemoved removed) {
		this.applying.batch().memberWorkspaces
			.deleteGroup(List.of(this.applying.organization().value(), removed.userId().value()));
	}

	private void insertAssignment(UserId user, WorkspaceId workspace) {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("organization_id", this.applying.organization().value());
		row.put("user_id", user.value());
		row.put("workspace_id", workspace.value());
		row.put("assigned_at", this.applying.at());
		this.applying.batch().memberWorkspaces.insert(row);
	}

}
