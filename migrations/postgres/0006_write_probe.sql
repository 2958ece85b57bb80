-- One row that /readyz rewrites while integration changes are failing, to learn when
-- writes work again.
CREATE TABLE write_probe (
    id INTEGER PRIMARY KEY,
    probed_at BIGINT NOT NULL
);
