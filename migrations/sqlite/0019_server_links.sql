-- The URL the servers on this database link notifications under (--public-url, else the
-- address listened on), recorded by each as it starts, so that commands run beside them
-- (alert raise, alert close) link the same way.
CREATE TABLE server_links (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    recorded_ms INTEGER NOT NULL
);
