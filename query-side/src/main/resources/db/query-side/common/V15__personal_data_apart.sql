-- Issue 17: the events no longer carry e-mail addresses; the query side reads them from
-- the compacted topic membership.personal-data.v1 into qs_personal_data, keyed as the
-- topic is (user:{user_id}, invitation:{invitation_id}), and the views keep no copy of
-- an address in their own rows: reads join qs_personal_data. A key is erased once
-- PersonalDataErased or a tombstone said so: its address is gone (email NULL) and the
-- answers say "erased": true. published_at is the ce_time of the record whose address
-- the row holds; erased_at the earliest erasure known for the key, so that a record
-- published before it (read late) never brings an erased address back, while one
-- published after it (the person joined again) does.
CREATE TABLE qs_personal_data (
    data_key     VARCHAR(80)  NOT NULL PRIMARY KEY,
    email        VARCHAR(254),
    erased       BOOLEAN      NOT NULL,
    published_at TIMESTAMP WITH TIME ZONE,
    erased_at    TIMESTAMP WITH TIME ZONE
);

-- The copies of addresses the views held. The query side reads the personal-data topic
-- from its start (it has no position there yet), which fills qs_personal_data again.
ALTER TABLE qs_members DROP COLUMN email;
ALTER TABLE qs_invitations DROP COLUMN email;

-- Each activity-log entry whose event names a person's address says whose, by key, and
-- the log's answer shows the address from qs_personal_data; PersonalDataErased asked for
-- by a service principal has no acting user.
ALTER TABLE qs_activity_log ADD COLUMN personal_data_key VARCHAR(80);
ALTER TABLE qs_activity_log ALTER COLUMN actor_user_id DROP NOT NULL;
UPDATE qs_activity_log SET personal_data_key = 'user:' || CAST(subject_user_id AS VARCHAR(20))
    WHERE type IN ('OrganizationCreated', 'MemberJoined');

-- The activity log's copies of the events' bodies lose their address members, exactly as
-- the projection now writes them (the member removed, everything else as it was).
UPDATE qs_activity_log SET details = REGEXP_REPLACE(details, ',"email":"([^"\\]|\\.)*"', '')
    WHERE type IN ('UserInvited', 'MemberJoined', 'InvitationRevoked');
UPDATE qs_activity_log SET details = REGEXP_REPLACE(details, ',"owner_email":("([^"\\]|\\.)*"|null)', '')
    WHERE type = 'OrganizationCreated';
