-- Sessions of the web console. The cookie's secret is never stored, only its SHA-256; the
-- credential is named (a public key, or a client id and the secret it signed in with) and is
-- looked up again on every request, so revoking it ends the session at once.
CREATE TABLE console_sessions (
    id                TEXT PRIMARY KEY,
    credential        TEXT NOT NULL,
    account_secret_id TEXT,
    created_ms        BIGINT NOT NULL,
    seen_ms           BIGINT NOT NULL
);

CREATE INDEX console_sessions_by_age ON console_sessions (created_ms);
