-- A member's project memberships as a JSON object {project_id: project_role or null},
-- beside their role and workspaces; every state before projects had none. (Apart from
-- V7 only because the two databases spell a long text column differently.)
ALTER TABLE qs_member_timeline ADD COLUMN projects TEXT DEFAULT '{}' NOT NULL;
