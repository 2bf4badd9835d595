-- The invitation an activity-log entry of UserInvited or InvitationRevoked is about, read
-- from its copy of the event's body, then its summary in the words the projection now
-- writes: with the invitation id instead of the address. (H2's twin reads the id with a
-- regular expression.)
UPDATE qs_activity_log
    SET personal_data_key = 'invitation:' || (details::json ->> 'invitation_id')
    WHERE type IN ('UserInvited', 'InvitationRevoked');
UPDATE qs_activity_log
    SET summary = 'User ' || CAST(actor_user_id AS VARCHAR(20)) || ' sent invitation '
        || SUBSTRING(personal_data_key FROM 12)
        || CASE WHEN summary LIKE '% (joins as NO)' THEN ' (joins as NO)' ELSE ' as ' || RIGHT(summary, 2) END
    WHERE type = 'UserInvited';
UPDATE qs_activity_log
    SET summary = 'User ' || CAST(actor_user_id AS VARCHAR(20)) || ' revoked invitation '
        || SUBSTRING(personal_data_key FROM 12)
    WHERE type = 'InvitationRevoked';
