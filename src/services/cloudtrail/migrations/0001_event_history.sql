-- CloudTrail event history: every recorded API call, kept 90 days, in its own database file
-- (cloudtrail.db) so the append-heavy history never queues behind the main store's writer.
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
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
  record TEXT NOT NULL
) STRICT;
CREATE INDEX events_by_time ON events(recipient_account_id, aws_region, event_time DESC, seq DESC);
CREATE INDEX events_by_name ON events(event_name);
CREATE INDEX events_by_source ON events(event_source);
CREATE INDEX events_by_username ON events(username);
CREATE INDEX events_by_key ON events(access_key_id);

CREATE TABLE event_resources (
  seq INTEGER NOT NULL REFERENCES events(seq) ON DELETE CASCADE,
  type TEXT NOT NULL,
  name TEXT NOT NULL
) STRICT;
CREATE INDEX event_resources_by_seq ON event_resources(seq);
CREATE INDEX event_resources_by_type ON event_resources(type);
CREATE INDEX event_resources_by_name ON event_resources(name);
