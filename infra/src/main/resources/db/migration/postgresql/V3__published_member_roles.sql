-- The publisher's view of each member's current role and workspaces, kept in the same
-- transaction as its position in the event stream, so the compacted roles topic always
-- carries whole states (a role change keeps the workspaces, an assignment keeps the role).
CREATE TABLE published_member_roles (
    organization_id VARCHAR(64) NOT NULL,
    user_id         BIGINT      NOT NULL,
    role            VARCHAR(2)  NOT NULL,
    workspaces      TEXT        NOT NULL,
    version         BIGINT      NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
