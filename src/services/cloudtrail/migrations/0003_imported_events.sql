-- Events imported from CloudTrail log files (trailwatch import) keep their original event times;
-- imported_at is when they entered the history, and the 90-day retention counts from it for them
-- (recorded events keep imported_at NULL and expire 90 days after their event time).
ALTER TABLE events ADD COLUMN imported_at INTEGER;
CREATE INDEX events_by_imported_at ON events(imported_at) WHERE imported_at IS NOT NULL;
