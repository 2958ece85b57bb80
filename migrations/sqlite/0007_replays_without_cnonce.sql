-- Version 7 keeps the engines' migration numbers aligned: PostgreSQL drops the client nonce
-- from its replay table; SQLite remembers replays in memory, by (nonce, nc) already.
SELECT 1;
