-- SPDX-License-Identifier: Apache-2.0
-- CloudWatch Logs: log groups (per account and Region), their tags, log streams, log events and
-- metric filters. Times are epoch milliseconds. Children refer to their group or stream by integer
-- row id and go with it (ON DELETE CASCADE), so DeleteLogGroup is one statement. A group's
-- filters_version changes on every PutMetricFilter/DeleteMetricFilter, so the service's compiled
-- filter cache can tell inside the ingest transaction whether it is current.

CREATE TABLE logs_groups (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,  -- case-sensitive, as Logs names are
  created_at INTEGER NOT NULL,
  retention_days INTEGER,  -- NULL: never expire
  log_group_class TEXT NOT NULL DEFAULT 'STANDARD',
  kms_key_id TEXT,
  deletion_protection INTEGER NOT NULL DEFAULT 0,
  stored_bytes INTEGER NOT NULL DEFAULT 0,  -- UTF-8 bytes of the stored messages
  filters_version INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, region, name)
) STRICT;

CREATE TABLE logs_group_tags (
  group_id INTEGER NOT NULL REFERENCES logs_groups (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (group_id, key)
) STRICT;

CREATE TABLE logs_streams (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES logs_groups (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  first_event_at INTEGER,
  last_event_at INTEGER,
  last_ingestion_at INTEGER,
  upload_sequence INTEGER NOT NULL DEFAULT 0,  -- PutLogEvents calls so far (sequence tokens)
  UNIQUE (group_id, name)
) STRICT;

CREATE INDEX logs_streams_by_last_event ON logs_streams (group_id, last_event_at, name);

-- One row per event; id is the ingestion sequence, the tie-breaker between equal timestamps.
CREATE TABLE logs_events (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES logs_groups (id) ON DELETE CASCADE,
  stream_id INTEGER NOT NULL REFERENCES logs_streams (id) ON DELETE CASCADE,
  timestamp INTEGER NOT NULL,
  ingestion_time INTEGER NOT NULL,
  message TEXT NOT NULL
) STRICT;

-- GetLogEvents reads one stream in (timestamp, id) order; a stream id belongs to one group, so this
-- is the (group, stream, timestamp, seq) order, and stream_id leading also serves the cascade.
CREATE INDEX logs_events_by_stream ON logs_events (stream_id, timestamp, id);
-- FilterLogEvents reads a whole group in time order; retention purges a group's oldest events.
CREATE INDEX logs_events_by_group_time ON logs_events (group_id, timestamp, id);

CREATE TABLE logs_metric_filters (
  group_id INTEGER NOT NULL REFERENCES logs_groups (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  pattern TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  metric_name TEXT NOT NULL,
  metric_namespace TEXT NOT NULL,
  metric_value TEXT NOT NULL,
  default_value REAL,
  unit TEXT,
  dimensions TEXT NOT NULL DEFAULT '',  -- name/value pairs, see sqlite_logs_store.cc
  apply_on_transformed_logs INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (group_id, name)
) STRICT;

CREATE INDEX logs_metric_filters_by_metric ON logs_metric_filters (metric_namespace, metric_name);
