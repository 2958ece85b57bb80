-- Version 5 keeps the engines' migration numbers aligned: on PostgreSQL it makes a nonce's
-- count usable once whatever the client nonce, which SQLite's in-process memory already does.
SELECT 1;
