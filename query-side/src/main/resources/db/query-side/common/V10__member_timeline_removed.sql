-- A member's removal (MemberRemoved) ends their timeline with a row that says so: from
-- that version on they are no member, until they join again. Every row before it is a
-- state of a member.
ALTER TABLE qs_member_timeline ADD COLUMN removed BOOLEAN DEFAULT FALSE NOT NULL;
