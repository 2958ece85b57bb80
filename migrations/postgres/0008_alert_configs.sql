-- Alert configurations: what raises an alert and whom it notifies. The settings (matchers,
-- thresholds, notifications with their credentials) are one sealed JSON document; the event
-- type and the enabled flag are kept beside it in clear, to find the configurations an
-- observation concerns without opening every one.
CREATE TABLE alert_configs (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects (id),
    event_type  TEXT NOT NULL,
    enabled     BOOLEAN NOT NULL,
    settings    BYTEA NOT NULL,
    created_ms  BIGINT NOT NULL,
    updated_ms  BIGINT NOT NULL
);

CREATE INDEX alert_configs_by_project ON alert_configs (project_id, created_ms, id);
