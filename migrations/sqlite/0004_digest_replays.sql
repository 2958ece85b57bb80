-- Version 4 keeps the engines' migration numbers aligned. On SQLite, one process serves a
-- database file, so used Digest responses are remembered in that process's memory instead.
SELECT 1;
