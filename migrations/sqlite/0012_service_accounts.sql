-- Service accounts: an organization's OAuth 2.0 clients. A secret is kept only as a slow
-- verifier (Argon2id, PHC form) and its masked form; tokens are signed, never stored, and a
-- revoked token's id is kept until the token would have expired.
CREATE TABLE service_accounts (
    client_id    TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    created_ms   BIGINT NOT NULL
);

CREATE TABLE service_account_org_roles (
    client_id  TEXT NOT NULL REFERENCES service_accounts (client_id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    PRIMARY KEY (client_id, role)
);

CREATE TABLE service_account_project_roles (
    client_id   TEXT NOT NULL REFERENCES service_accounts (client_id) ON DELETE CASCADE,
    project_id  TEXT NOT NULL REFERENCES projects (id),
    role        TEXT NOT NULL,
    PRIMARY KEY (client_id, project_id, role)
);

CREATE TABLE service_account_access_list (
    client_id   TEXT NOT NULL REFERENCES service_accounts (client_id) ON DELETE CASCADE,
    entry       TEXT NOT NULL,
    created_ms  BIGINT NOT NULL,
    PRIMARY KEY (client_id, entry)
);

CREATE TABLE service_account_secrets (
    id            TEXT PRIMARY KEY,
    client_id     TEXT NOT NULL REFERENCES service_accounts (client_id) ON DELETE CASCADE,
    verifier      TEXT NOT NULL,
    masked        TEXT NOT NULL,
    created_ms    BIGINT NOT NULL,
    expires_ms    BIGINT NOT NULL,
    last_used_ms  BIGINT
);
CREATE INDEX service_account_secrets_by_client ON service_account_secrets (client_id, created_ms);

CREATE TABLE revoked_tokens (
    token_id    TEXT PRIMARY KEY,
    expires_ms  BIGINT NOT NULL
);
