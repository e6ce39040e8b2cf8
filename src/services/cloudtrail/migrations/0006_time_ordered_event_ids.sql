-- event_id was UNIQUE: an index keyed by random UUIDs, so every batch of recorded events dirtied
-- about one leaf page of it per event, all over the file (most of the history writer's page
-- writes under load; tests/bench/request_path.sh --recording). Uniqueness is now kept by
-- (event_time, event_id), which grows at its right edge like the time index: a retried batch
-- is still stored once, and an import finds an event it already has by id: an imported one
-- through events_imported_by_id, one recorded live by time and id (the files carry whole
-- seconds; see EventHistory::AppendImported). SQLite cannot drop a column
-- constraint, so both tables are rebuilt (event_resources references events; it is moved first
-- so dropping the old events table cascades into nothing).
CREATE TABLE events_new (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  event_time INTEGER NOT NULL,
  recipient_account_id TEXT NOT NULL,
  aws_region TEXT NOT NULL,
  event_source TEXT NOT NULL,
  event_name TEXT NOT NULL,
  event_category TEXT NOT NULL,
  read_only INTEGER NOT NULL,
  username TEXT NOT NULL,
  access_key_id TEXT NOT NULL,
  error_code TEXT NOT NULL,
  record TEXT NOT NULL,
  imported_at INTEGER
) STRICT;
INSERT INTO events_new SELECT seq, event_id, event_time, recipient_account_id, aws_region,
  event_source, event_name, event_category, read_only, username, access_key_id, error_code,
  record, imported_at FROM events;
CREATE TABLE event_resources_new (
  seq INTEGER NOT NULL REFERENCES events_new(seq) ON DELETE CASCADE,
  type TEXT NOT NULL,
  name TEXT NOT NULL
) STRICT;
INSERT INTO event_resources_new SELECT seq, type, name FROM event_resources;
DROP TABLE event_resources;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
ALTER TABLE event_resources_new RENAME TO event_resources;
CREATE UNIQUE INDEX events_by_time_and_id ON events(event_time, event_id);
CREATE INDEX events_by_time ON events(recipient_account_id, aws_region, event_time DESC, seq DESC);
CREATE INDEX events_by_imported_at ON events(imported_at) WHERE imported_at IS NOT NULL;
-- Imported records are unique by event id alone (as before), whatever their times; only they
-- are in this index, so live recording never touches it.
CREATE INDEX events_imported_by_id ON events(event_id) WHERE imported_at IS NOT NULL;
CREATE INDEX event_resources_by_seq ON event_resources(seq);
CREATE INDEX event_resources_by_name ON event_resources(name);
