-- A key's API access list: when it has entries, the key works only from those addresses.
CREATE TABLE api_key_access_list (
    api_key_id  TEXT NOT NULL REFERENCES api_keys (id),
    entry       TEXT NOT NULL,
    PRIMARY KEY (api_key_id, entry)
);
