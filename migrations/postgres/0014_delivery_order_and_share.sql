-- Delivery in order and in fair shares. `seq` numbers the events of one alert to one of its
-- configuration's notifications (1, 2, ...): a later one is not sent while an earlier one is
-- still pending or being sent. `destination` names where a notification goes (a URL's origin,
-- or a service's API and region): each destination, and each project, takes a bounded share of
-- the notifications in flight. `redelivered_ms` records the last `:redeliver` asked for.
ALTER TABLE notifications ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN destination TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN redeliveries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN redelivered_ms BIGINT;

UPDATE notifications SET seq = (
    SELECT COUNT(*) FROM notifications earlier
    WHERE earlier.alert_id = notifications.alert_id AND earlier.notifier_id = notifications.notifier_id
      AND (earlier.created_ms < notifications.created_ms
           OR (earlier.created_ms = notifications.created_ms AND earlier.id <= notifications.id)));

CREATE INDEX notifications_in_order ON notifications (alert_id, notifier_id, seq);
CREATE INDEX notifications_by_destination ON notifications (status, destination, due_ms);
