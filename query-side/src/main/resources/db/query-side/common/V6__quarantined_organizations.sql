-- Organizations the query side has set aside because one of their events could not be
-- applied (or arrived past a gap). While an organization is listed here its queries and
-- checks answer 503 view_stale instead of answering from a view known to be behind, its
-- later events are skipped, and every other organization carries on. A rebuild
-- (rebuild-projections) replaces this table with the replay's, which releases it.
CREATE TABLE qs_quarantined_organizations (
    organization_id VARCHAR(64)   NOT NULL PRIMARY KEY,
    version         BIGINT        NOT NULL,
    event_id        VARCHAR(64)   NOT NULL,
    event_type      VARCHAR(64)   NOT NULL,
    failure         VARCHAR(1000) NOT NULL,
    quarantined_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
