BEGIN TRANSACTION;
CREATE TABLE _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
);
INSERT INTO "_sqlx_migrations" VALUES(1,'initial','2026-11-30 07:34:38',1,X'EA1B4F5F1E39BD4C572184A4F9463E9650F8AA79E6E95475FA1036465ACE9C07034366E6353668C61EE724F12B99F435',1466277);
INSERT INTO "_sqlx_migrations" VALUES(2,'access lists','2026-11-30 07:34:38',1,X'784EFDE9D9816784AFE7B88F5AA5BD629B7F146FDD396494C159833B968EA2E4878B76B45108C71D0246284E089C723C',809138);
INSERT INTO "_sqlx_migrations" VALUES(3,'events','2026-11-30 07:34:38',1,X'79FC60A9A04D35A9AA657FA7B6BFA5A02269C2158A6A13F79E58BFBEC426ECC4DBE4EFF2FE6406F438482196807E2C96',1085026);
INSERT INTO "_sqlx_migrations" VALUES(4,'digest replays','2026-11-30 07:34:38',1,X'9033F15BF9ABCAB74AD5F6CCAB0BD9D97520FDCEE84AC44F2F0D843B7B6C046D0DAA5F26757B36015B54E5C6B2504311',691564);
INSERT INTO "_sqlx_migrations" VALUES(5,'replays per count','2026-11-30 07:34:38',1,X'D1E9C9E559518C66B60383CE8C6F34FBA0D315EA11F598FE2ECBDD2CF4CF59A39D00DA5F91ABFAA3CCDDFF1D3D325124',580091);
CREATE TABLE api_key_access_list (
    api_key_id  TEXT NOT NULL REFERENCES api_keys (id),
    entry       TEXT NOT NULL,
    PRIMARY KEY (api_key_id, entry)
);
CREATE TABLE api_key_org_roles (
    api_key_id  TEXT NOT NULL REFERENCES api_keys (id),
    role        TEXT NOT NULL,
    PRIMARY KEY (api_key_id, role)
);
CREATE TABLE api_key_project_roles (
    api_key_id  TEXT NOT NULL REFERENCES api_keys (id),
    project_id  TEXT NOT NULL REFERENCES projects (id),
    role        TEXT NOT NULL,
    PRIMARY KEY (api_key_id, project_id, role)
);
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    public_key   TEXT NOT NULL UNIQUE,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    description  TEXT NOT NULL,
    ha1_sealed   BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);
CREATE TABLE events (
    id                TEXT PRIMARY KEY,
    project_id        TEXT NOT NULL REFERENCES projects (id),
    org_id            TEXT NOT NULL,
    created_ms        BIGINT NOT NULL,
    event_type        TEXT NOT NULL,
    integration_type  TEXT NOT NULL,
    api_key_id        TEXT NOT NULL,
    public_key        TEXT NOT NULL,
    remote_address    TEXT
);
CREATE TABLE integrations (
    project_id   TEXT NOT NULL REFERENCES projects (id),
    type         TEXT NOT NULL,
    id           TEXT NOT NULL UNIQUE,
    settings     BLOB NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (project_id, type)
) WITHOUT ROWID;
CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);
CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (org_id, name)
);
CREATE INDEX events_by_project_and_time ON events (project_id, created_ms DESC, id DESC);
COMMIT;
