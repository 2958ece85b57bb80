-- Organizations, projects and API keys managed over the API. A deleted organization or project
-- keeps its row (with `deleted_ms`), so that the events recorded against it stay; its name is
-- free again, so names are unique among live rows only.
ALTER TABLE organizations ADD COLUMN deleted_ms BIGINT;
ALTER TABLE organizations DROP CONSTRAINT organizations_name_key;
CREATE UNIQUE INDEX organizations_live_name ON organizations (name) WHERE deleted_ms IS NULL;

-- A project's tags (a JSON array of {key, value}), its settings and limits as set by a client
-- (JSON objects: what is absent has Atlas's default), whether managed slow ms is on, and whether
-- it was made with Atlas's default alert configurations (projects made before: without).
ALTER TABLE projects ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE projects ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE projects ADD COLUMN limits TEXT NOT NULL DEFAULT '{}';
ALTER TABLE projects ADD COLUMN managed_slow_ms BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE projects ADD COLUMN with_default_alerts BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE projects ADD COLUMN deleted_ms BIGINT;
ALTER TABLE projects DROP CONSTRAINT projects_org_id_name_key;
CREATE UNIQUE INDEX projects_live_name ON projects (org_id, name) WHERE deleted_ms IS NULL;

-- When each access-list entry was added (NULL: before this version kept it).
ALTER TABLE api_key_access_list ADD COLUMN created_ms BIGINT;
