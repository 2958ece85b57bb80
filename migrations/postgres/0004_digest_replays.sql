-- Digest responses already used, so a captured request cannot be replayed on any replica
-- while its nonce lives. UNLOGGED: losing it in a crash only forgets expiring entries.
CREATE UNLOGGED TABLE digest_replays (
    nonce        TEXT NOT NULL,
    nc           TEXT NOT NULL,
    cnonce       TEXT NOT NULL,
    expires_ms   BIGINT NOT NULL,
    PRIMARY KEY (nonce, nc, cnonce)
);

CREATE INDEX digest_replays_by_expiry ON digest_replays (expires_ms);
