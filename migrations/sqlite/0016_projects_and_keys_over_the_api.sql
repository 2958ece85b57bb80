-- Organizations, projects and API keys managed over the API. A deleted organization or project
-- keeps its row (with `deleted_ms`), so that the events recorded against it stay; its name is
-- free again, so names are unique among live rows only. SQLite cannot drop a UNIQUE
-- constraint, so both tables are rebuilt (this runner's connection does not enforce foreign
-- keys, and the other tables' references name the tables, which keep their names).
CREATE TABLE organizations_rebuilt (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    deleted_ms  BIGINT
);
INSERT INTO organizations_rebuilt (id, name, created_at) SELECT id, name, created_at FROM organizations;
DROP TABLE organizations;
ALTER TABLE organizations_rebuilt RENAME TO organizations;
CREATE UNIQUE INDEX organizations_live_name ON organizations (name) WHERE deleted_ms IS NULL;

-- A project's tags (a JSON array of {key, value}), its settings and limits as set by a client
-- (JSON objects: what is absent has Atlas's default), whether managed slow ms is on, and whether
-- it was made with Atlas's default alert configurations (projects made before: without).
CREATE TABLE projects_rebuilt (
    id                      TEXT PRIMARY KEY,
    org_id                  TEXT NOT NULL REFERENCES organizations (id),
    name                    TEXT NOT NULL,
    created_at              TEXT NOT NULL,
    alert_configs_revision  BIGINT NOT NULL DEFAULT 0,
    tags                    TEXT NOT NULL DEFAULT '[]',
    settings                TEXT NOT NULL DEFAULT '{}',
    limits                  TEXT NOT NULL DEFAULT '{}',
    managed_slow_ms         BOOLEAN NOT NULL DEFAULT TRUE,
    with_default_alerts     BOOLEAN NOT NULL DEFAULT FALSE,
    deleted_ms              BIGINT
);
INSERT INTO projects_rebuilt (id, org_id, name, created_at, alert_configs_revision)
    SELECT id, org_id, name, created_at, alert_configs_revision FROM projects;
DROP TABLE projects;
ALTER TABLE projects_rebuilt RENAME TO projects;
CREATE UNIQUE INDEX projects_live_name ON projects (org_id, name) WHERE deleted_ms IS NULL;

-- When each access-list entry was added (NULL: before this version kept it).
ALTER TABLE api_key_access_list ADD COLUMN created_ms BIGINT;
