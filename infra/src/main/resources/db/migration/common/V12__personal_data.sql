-- Personal data kept apart from the events (Forgettable Payloads; README "Personal data and
-- erasure"). The events of revision 2 carry no e-mail address; the address lives here under
-- its key, user:{user_id} or invitation:{invitation_id}, and the event store puts it back when
-- an event is read. Erasure sets email to null and erased_at: the events, their hash chain and
-- the signed checkpoints stay as they are.
CREATE TABLE personal_data (
    data_key  VARCHAR(80)  NOT NULL PRIMARY KEY,
    email     VARCHAR(320),
    erased_at TIMESTAMP WITH TIME ZONE
);

-- Where each key appears: the organizations whose events refer to it, so that an erasure
-- finds every organization a person belongs or belonged to, as member or invitee.
CREATE TABLE personal_data_organizations (
    data_key        VARCHAR(80) NOT NULL,
    organization_id VARCHAR(64) NOT NULL,
    PRIMARY KEY (data_key, organization_id)
);
CREATE INDEX personal_data_organizations_by_organization ON personal_data_organizations (organization_id);

-- Each erasure, per organization that recorded its PersonalDataErased: what asking again
-- answers (API.md, POST /api/users/{user_id}/erasure).
CREATE TABLE personal_data_erasures (
    user_id         BIGINT      NOT NULL,
    organization_id VARCHAR(64) NOT NULL,
    erased_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (user_id, organization_id)
);

-- The one-time move of the addresses out of the events stored before revision 2 (the
-- startup step PersonalDataMigration): per organization, the head its chain had and the
-- hash the same head has after the rewrite, so that an auditor holding checkpoints of the
-- old chain can connect them to the new one, whose checkpoints the service re-signed.
CREATE TABLE personal_data_migration (
    organization_id VARCHAR(64) NOT NULL PRIMARY KEY,
    head_version    BIGINT      NOT NULL,
    old_head_hash   CHAR(64)    NOT NULL,
    new_head_hash   CHAR(64)    NOT NULL,
    first_rewritten BIGINT      NOT NULL,
    migrated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    -- When its addresses and re-signed checkpoints went out on Kafka (MigratedOrganizations).
    published_at    TIMESTAMP WITH TIME ZONE
);
