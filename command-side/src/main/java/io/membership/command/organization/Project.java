package io.membership.command.organization;

import io.membership.events.ids.ProjectId;
import io.membership.events.ids.WorkspaceId;

/**
 * A project as the Organization needs to know it to decide commands. A removed project
 * stays known, so its id is not registered again and its member commands are refused as
 * for an unknown one.
 */
record Project(ProjectId projectId, WorkspaceId workspaceId, String title, boolean annotatorsViewOwnData,
		boolean removed) {

	boolean sameAs(WorkspaceId otherWorkspace, String otherTitle, boolean otherSetting) {
		return this.workspaceId.equals(otherWorkspace) && this.title.equals(otherTitle)
				&& this.annotatorsViewOwnData == otherSetting;
	}

}
