-- The audit trail, served as Atlas's Events API: one row per configuration change.
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

CREATE INDEX events_by_project_and_time ON events (project_id, created_ms DESC, id DESC);
