-- A nonce's count is used once, whatever the client nonce (RFC 7616), as on SQLite.
-- Of uses that differ only in cnonce, one is kept, so no recorded use is forgotten.
DELETE FROM digest_replays AS later USING digest_replays AS earlier
 WHERE later.nonce = earlier.nonce AND later.nc = earlier.nc AND later.cnonce > earlier.cnonce;
ALTER TABLE digest_replays DROP CONSTRAINT digest_replays_pkey;
ALTER TABLE digest_replays ADD PRIMARY KEY (nonce, nc);
