-- A project's requests per window, counted for the whole deployment: each replica takes
-- budget from its row in slices (a percent of the limit), so that N replicas allow the limit
-- once, not N times. Windows are aligned to the clock so every replica agrees on them; a row
-- lives for its window and is deleted when its scope's next window opens.
CREATE TABLE rate_windows (
    scope         TEXT NOT NULL,
    window_start  BIGINT NOT NULL,
    taken         BIGINT NOT NULL,
    PRIMARY KEY (scope, window_start)
);
