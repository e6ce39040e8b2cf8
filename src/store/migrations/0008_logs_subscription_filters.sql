-- SPDX-License-Identifier: Apache-2.0
-- CloudWatch Logs subscription filters (at most 2 per log group, enforced by the service). They go
-- with their group (ON DELETE CASCADE). Put/Delete bump the group's filters_version like metric
-- filters do, so the ingest path's compiled-filter caches notice the change in the same
-- transaction that appends events.
CREATE TABLE logs_subscription_filters (
  group_id INTEGER NOT NULL REFERENCES logs_groups (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  pattern TEXT NOT NULL,
  destination_arn TEXT NOT NULL,
  role_arn TEXT,
  distribution TEXT NOT NULL DEFAULT 'ByLogStream',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (group_id, name)
) STRICT;
