-- Organizations own projects and API keys.
CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Projects ("groups" in Atlas's paths).
CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (org_id, name)
);

-- API keys: never the private key, only its Digest verifiers, sealed.
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    public_key   TEXT NOT NULL UNIQUE,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    description  TEXT NOT NULL,
    ha1_sealed   BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at   TIMESTAMPTZ
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

-- One row per configured integration; its settings are sealed as one blob.
CREATE TABLE integrations (
    project_id   TEXT NOT NULL REFERENCES projects (id),
    type         TEXT NOT NULL,
    id           TEXT NOT NULL UNIQUE,
    settings     BYTEA NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, type)
);
