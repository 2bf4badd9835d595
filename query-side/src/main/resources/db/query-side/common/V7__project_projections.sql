-- Projects (API.md, "Projects and project roles"): the upstream app's projects, who is in
-- each with which project role, every state a project was in (for answers "as of" any
-- instant), and project memberships on every member's timeline.
CREATE TABLE qs_projects (
    organization_id          VARCHAR(64)  NOT NULL,
    project_id               VARCHAR(64)  NOT NULL,
    workspace_id             VARCHAR(64)  NOT NULL,
    title                    VARCHAR(200) NOT NULL,
    annotators_view_own_data BOOLEAN      NOT NULL,
    registered_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    registered_by            BIGINT       NOT NULL,
    removed_at               TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (organization_id, project_id)
);

-- Current memberships of projects that were not removed; project_role NULL is Inherit.
CREATE TABLE qs_project_members (
    organization_id VARCHAR(64) NOT NULL,
    project_id      VARCHAR(64) NOT NULL,
    user_id         BIGINT      NOT NULL,
    project_role    VARCHAR(2),
    added_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (organization_id, project_id, user_id)
);

CREATE TABLE qs_project_timeline (
    organization_id          VARCHAR(64)  NOT NULL,
    project_id               VARCHAR(64)  NOT NULL,
    version                  BIGINT       NOT NULL,
    occurred_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    workspace_id             VARCHAR(64)  NOT NULL,
    title                    VARCHAR(200) NOT NULL,
    annotators_view_own_data BOOLEAN      NOT NULL,
    removed                  BOOLEAN      NOT NULL,
    PRIMARY KEY (organization_id, project_id, version)
);

-- A role history entry names the project of a project role change (NULL for the
-- organization's role) and the event type, so that joining a project as Inherit (from
-- nothing to NULL) reads apart from leaving it. Entries before this change are all
-- organization-level; their type is their event's.
ALTER TABLE qs_role_history ADD COLUMN project_id VARCHAR(64);
ALTER TABLE qs_role_history ADD COLUMN type VARCHAR(64);
ALTER TABLE qs_role_history ALTER COLUMN to_role DROP NOT NULL;
UPDATE qs_role_history SET type = (SELECT a.type FROM qs_activity_log a
    WHERE a.organization_id = qs_role_history.organization_id AND a.version = qs_role_history.version);

ALTER TABLE qs_activity_log ADD COLUMN project_id VARCHAR(64);
