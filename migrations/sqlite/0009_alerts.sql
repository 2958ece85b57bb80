-- Alerts: a configuration's event on one target. At most one open alert per configuration
-- and target; what was observed last is kept as JSON (no secrets).
CREATE TABLE alerts (
    id                       TEXT PRIMARY KEY,
    project_id               TEXT NOT NULL REFERENCES projects (id),
    org_id                   TEXT NOT NULL,
    alert_config_id          TEXT NOT NULL,
    target_key               TEXT NOT NULL,
    status                   TEXT NOT NULL,
    observation              TEXT NOT NULL,
    created_ms               BIGINT NOT NULL,
    updated_ms               BIGINT NOT NULL,
    resolved_ms              BIGINT,
    last_notified_ms         BIGINT,
    acknowledged_until_ms    BIGINT,
    acknowledgement_comment  TEXT,
    acknowledging_username   TEXT
);

CREATE UNIQUE INDEX alerts_open_per_target ON alerts (alert_config_id, target_key) WHERE status = 'OPEN';
CREATE INDEX alerts_by_project ON alerts (project_id, created_ms, id);
