-- What planning had to say of a notification (a webhook template that gave way to the
-- default), shown in the notification log.
ALTER TABLE notifications ADD COLUMN note TEXT;
