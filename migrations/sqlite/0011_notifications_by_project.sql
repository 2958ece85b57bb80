-- A project's notifications counted by type and status (its Prometheus metrics endpoint).
CREATE INDEX notifications_by_project ON notifications (project_id, status, type_name);
