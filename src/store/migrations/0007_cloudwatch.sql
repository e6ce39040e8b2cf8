-- SPDX-License-Identifier: Apache-2.0
-- CloudWatch: raw metric points (kept two weeks, as PutMetricData accepts), metric alarms (the
-- definition and state as one JSON record, read whole at startup) and alarm history. Times are
-- epoch milliseconds. Dimensions are a canonical JSON array sorted by name.

CREATE TABLE cw_points (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  namespace TEXT NOT NULL,
  metric_name TEXT NOT NULL,
  dimensions TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  unit TEXT NOT NULL,
  sample_count REAL NOT NULL,
  sum REAL NOT NULL,
  minimum REAL NOT NULL,
  maximum REAL NOT NULL,
  vals TEXT NOT NULL,  -- JSON [[value, count], ...]; empty array for statistic sets
  storage_resolution INTEGER NOT NULL
) STRICT;
CREATE INDEX cw_points_by_time ON cw_points (timestamp);

CREATE TABLE cw_alarms (
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (account_id, region, name)
) STRICT;

CREATE TABLE cw_alarm_history (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  alarm_name TEXT NOT NULL,
  alarm_type TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  item_type TEXT NOT NULL,
  summary TEXT NOT NULL,
  data TEXT NOT NULL
) STRICT;
CREATE INDEX cw_alarm_history_by_alarm ON cw_alarm_history (account_id, region, alarm_name);
