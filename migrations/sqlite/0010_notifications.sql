-- The notification outbox: each notification due is written in the same transaction as the
-- alert change that makes it due, and a delivery worker sends it, claiming it with a lease.
-- `delivery` is sealed (it holds the destination's secret).
CREATE TABLE notifications (
    id                TEXT PRIMARY KEY,
    project_id        TEXT NOT NULL,
    alert_id          TEXT NOT NULL REFERENCES alerts (id),
    notifier_id       TEXT NOT NULL,
    type_name         TEXT NOT NULL,
    event             TEXT NOT NULL,
    status            TEXT NOT NULL,
    delivery          BLOB NOT NULL,
    created_ms        BIGINT NOT NULL,
    due_ms            BIGINT NOT NULL,
    attempts          INTEGER NOT NULL,
    first_attempt_ms  BIGINT,
    last_attempt_ms   BIGINT,
    delivered_ms      BIGINT,
    last_status_code  INTEGER,
    last_error        TEXT,
    lease_until_ms    BIGINT,
    claimed_by        TEXT
);

CREATE INDEX notifications_due ON notifications (status, due_ms);
CREATE INDEX notifications_by_alert ON notifications (alert_id, notifier_id, created_ms);
