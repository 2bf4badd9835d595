package io.membership.events.access;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The rows of Label Studio Enterprise's permission table (seed 000), by the action ids of
 * API.md. Workspace and project access are each split into a read and a manage action,
 * because the table grants them as R or CRUD.
 */
public enum Action {

	ASSIGN_USER_ROLES("assign_user_roles", "User Management", "Assign user roles"),
	VIEW_ORGANIZATION_PAGE("view_organization_page", "User Management", "View the Organization page"),
	INVITE_USERS("invite_users", "User Management", "Invite users"),
	VIEW_ACTIVITY_LOG("view_activity_log", "User Management", "View system-wide activity log"),
	WORKSPACE_READ("workspace_read", "Project Management", "Workspace access (R)"),
	WORKSPACE_MANAGE("workspace_manage", "Project Management", "Workspace access (CRUD)"),
	PROJECT_READ("project_read", "Project Management", "Project access (R)"),
	PROJECT_MANAGE("project_manage", "Project Management", "Project access (CRUD)"),
	SAVE_PROJECT_TEMPLATES("save_project_templates", "Project Management", "Save custom project templates"),
	VIEW_PROJECT_DATA("view_project_data", "Data Access", "View project data"),
	IMPORT_DATA("import_data", "Data Access", "Import data"), EXPORT_DATA("export_data", "Data Access", "Export data"),
	ASSIGN_ANNOTATORS("assign_annotators", "Data Labeling Workflows", "Assign annotators to tasks"),
	ACCESS_LABELING_WORKFLOW("access_labeling_workflow", "Data Labeling Workflows", "Access labeling workflow"),
	ACCESS_REVIEW_WORKFLOW("access_review_workflow", "Data Labeling Workflows", "Access review workflow"),
	MONITOR_ANNOTATOR_AGREEMENT("monitor_annotator_agreement", "Data Labeling Workflows",
			"Monitor annotator agreement"),
	REVIEW_ANNOTATOR_PERFORMANCE("review_annotator_performance", "Data Labeling Workflows",
			"Review annotator performance"),
	VERIFY_ANNOTATION_RESULTS("verify_annotation_results", "Data Labeling Workflows", "Verify annotation results"),
	ASSIGN_REVIEWERS("assign_reviewers", "Data Labeling Workflows", "Assign reviewers to tasks"),
	API_ACCESS("api_access", "Advanced", "API access to equivalent Label Studio functionality"),
	VIEW_DASHBOARDS("view_dashboards", "Analytics", "Track what happens and when on annotation dashboards"),
	VIEW_ANNOTATOR_DASHBOARD("view_annotator_dashboard", "Analytics", "View annotator dashboard");

	private final String id;

	private final String group;

	private final String label;

	Action(String id, String group, String label) {
		this.id = id;
		this.group = group;
		this.label = label;
	}

	@JsonValue
	public String id() {
		return this.id;
	}

	/** The section of the seed table the row stands in. */
	public String group() {
		return this.group;
	}

	/** The row's wording in the seed table. */
	public String label() {
		return this.label;
	}

	/**
	 * Whether a check that names a project decides this action for that project (API.md:
	 * project access, project data, the labeling, review and dashboard actions). The
	 * others are about the organization or its workspaces, and ignore a project.
	 */
	public boolean isAboutProject() {
		return switch (this) {
			case PROJECT_READ, PROJECT_MANAGE, VIEW_PROJECT_DATA, IMPORT_DATA, EXPORT_DATA, ASSIGN_ANNOTATORS,
					ACCESS_LABELING_WORKFLOW, ACCESS_REVIEW_WORKFLOW, MONITOR_ANNOTATOR_AGREEMENT,
					REVIEW_ANNOTATOR_PERFORMANCE, VERIFY_ANNOTATION_RESULTS, ASSIGN_REVIEWERS, VIEW_DASHBOARDS,
					VIEW_ANNOTATOR_DASHBOARD ->
				true;
			case ASSIGN_USER_ROLES, VIEW_ORGANIZATION_PAGE, INVITE_USERS, VIEW_ACTIVITY_LOG, WORKSPACE_READ,
					WORKSPACE_MANAGE, SAVE_PROJECT_TEMPLATES, API_ACCESS ->
				false;
		};
	}

	public static Optional<Action> fromId(String id) {
		return Arrays.stream(values()).filter((action) -> action.id.equals(id)).findFirst();
	}

}
