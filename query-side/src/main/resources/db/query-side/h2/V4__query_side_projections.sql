-- The query side's projections, fed from membership.events.v1. They never read the
-- command side's tables. Each organization's row carries the version (ce_orgversion) of
-- the last event applied: an event is applied only if it is exactly the next one, which
-- makes duplicates harmless and a gap visible.
CREATE TABLE qs_organizations (
    organization_id VARCHAR(64)  NOT NULL PRIMARY KEY,
    name            VARCHAR(200) NOT NULL,
    owner_user_id   BIGINT       NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    version         BIGINT       NOT NULL
);

CREATE TABLE qs_invitations (
    organization_id VARCHAR(64)  NOT NULL,
    invitation_id   VARCHAR(64)  NOT NULL,
    email           VARCHAR(254) NOT NULL,
    role            VARCHAR(2),
    invited_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    invited_by      BIGINT       NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    PRIMARY KEY (organization_id, invitation_id)
);

CREATE TABLE qs_members (
    organization_id VARCHAR(64)  NOT NULL,
    user_id         BIGINT       NOT NULL,
    email           VARCHAR(254),
    role            VARCHAR(2)   NOT NULL,
    invited_at      TIMESTAMP WITH TIME ZONE,
    invited_by      BIGINT,
    joined_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    activated_at    TIMESTAMP WITH TIME ZONE,
    role_changed_at TIMESTAMP WITH TIME ZONE,
    version         BIGINT       NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);

CREATE TABLE qs_workspaces (
    organization_id VARCHAR(64)  NOT NULL,
    workspace_id    VARCHAR(64)  NOT NULL,
    title           VARCHAR(200) NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by      BIGINT       NOT NULL,
    PRIMARY KEY (organization_id, workspace_id)
);

CREATE TABLE qs_member_workspaces (
    organization_id VARCHAR(64) NOT NULL,
    user_id         BIGINT      NOT NULL,
    workspace_id    VARCHAR(64) NOT NULL,
    assigned_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (organization_id, user_id, workspace_id)
);

-- Every state a member was ever in (role and workspaces), for answers "as of" any instant.
CREATE TABLE qs_member_timeline (
    organization_id VARCHAR(64) NOT NULL,
    user_id         BIGINT      NOT NULL,
    version         BIGINT      NOT NULL,
    occurred_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    role            VARCHAR(2)  NOT NULL,
    workspaces      CHARACTER LARGE OBJECT NOT NULL,
    PRIMARY KEY (organization_id, user_id, version)
);

CREATE TABLE qs_role_history (
    organization_id VARCHAR(64)  NOT NULL,
    user_id         BIGINT       NOT NULL,
    version         BIGINT       NOT NULL,
    event_id        VARCHAR(64)  NOT NULL,
    occurred_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    actor_user_id   BIGINT       NOT NULL,
    from_role       VARCHAR(2),
    to_role         VARCHAR(2)   NOT NULL,
    reason          VARCHAR(1000),
    correlation_id  VARCHAR(128) NOT NULL,
    PRIMARY KEY (organization_id, user_id, version)
);

CREATE TABLE qs_activity_log (
    organization_id VARCHAR(64)  NOT NULL,
    version         BIGINT       NOT NULL,
    event_id        VARCHAR(64)  NOT NULL,
    occurred_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    type            VARCHAR(64)  NOT NULL,
    actor_user_id   BIGINT       NOT NULL,
    subject_user_id BIGINT,
    workspace_id    VARCHAR(64),
    summary         VARCHAR(1000) NOT NULL,
    details         CHARACTER LARGE OBJECT NOT NULL,
    PRIMARY KEY (organization_id, version)
);

-- Where this consumer is in each partition of the events topic, committed in the same
-- transaction as the projection changes it made.
CREATE TABLE qs_consumer_positions (
    consumer_name VARCHAR(128) NOT NULL,
    topic         VARCHAR(128) NOT NULL,
    partition_id  INTEGER      NOT NULL,
    next_offset   BIGINT       NOT NULL,
    PRIMARY KEY (consumer_name, topic, partition_id)
);

-- Events that arrived with a version beyond the next expected one. Never skipped silently:
-- the organization's views stop at the gap and the gap is recorded and reported.
CREATE TABLE qs_projection_gaps (
    organization_id  VARCHAR(64) NOT NULL,
    expected_version BIGINT      NOT NULL,
    received_version BIGINT      NOT NULL,
    event_id         VARCHAR(64) NOT NULL,
    detected_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (organization_id, expected_version, received_version)
);
