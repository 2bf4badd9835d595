-- The roles topic's value gains the member's projects (the query side's project tables are its V7).
ALTER TABLE published_member_roles ADD COLUMN projects TEXT DEFAULT '{}' NOT NULL;
