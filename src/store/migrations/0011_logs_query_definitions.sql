-- SPDX-License-Identifier: Apache-2.0
-- CloudWatch Logs Insights saved queries (PutQueryDefinition), per account and Region. Running
-- queries and their results live in memory (they expire after 7 days, as AWS keeps them); only
-- the definitions are durable.

CREATE TABLE logs_query_definitions (
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  id TEXT NOT NULL,  -- queryDefinitionId (a UUID)
  name TEXT NOT NULL,
  query_string TEXT NOT NULL,
  query_language TEXT NOT NULL DEFAULT 'CWLI',
  log_group_names TEXT NOT NULL DEFAULT '[]',  -- JSON array of names
  parameters TEXT NOT NULL DEFAULT '[]',       -- JSON array of {name, defaultValue, description}
  last_modified INTEGER NOT NULL,
  PRIMARY KEY (account_id, region, id)
) STRICT;

CREATE INDEX logs_query_definitions_by_name ON logs_query_definitions (account_id, region, name, id);
