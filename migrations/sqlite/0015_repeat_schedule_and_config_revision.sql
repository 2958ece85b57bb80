-- Work that grows with what is due, not with what is stored. `next_repeat_ms` is the earliest
-- time an open alert may owe a repeat (NULL: its configuration repeats nothing): the repeat
-- sweep reads only the alerts whose time has come, through an index, in small batches.
-- `alert_configs_revision` counts the changes to a project's alert configurations: a server
-- keeps the configurations it has opened in memory and reads them again only when it moves.
ALTER TABLE alerts ADD COLUMN next_repeat_ms BIGINT;
ALTER TABLE projects ADD COLUMN alert_configs_revision BIGINT NOT NULL DEFAULT 0;

-- Every open alert is looked at once by the first sweep, which sets its real time.
UPDATE alerts SET next_repeat_ms = 0 WHERE status = 'OPEN';

CREATE INDEX alerts_repeat_due ON alerts (next_repeat_ms)
    WHERE status = 'OPEN' AND next_repeat_ms IS NOT NULL;
