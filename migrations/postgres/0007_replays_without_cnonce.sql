-- A response's use is keyed by (nonce, nc) alone since version 5: the client nonce is not
-- needed to recognise a replay, so it is no longer kept.
ALTER TABLE digest_replays DROP COLUMN cnonce;
