-- SPDX-License-Identifier: Apache-2.0
-- Accounts, their access keys, and instance-wide settings. Times are epoch milliseconds.

CREATE TABLE accounts (
  account_id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE access_keys (
  access_key_id TEXT PRIMARY KEY,
  secret_access_key TEXT NOT NULL,
  account_id TEXT NOT NULL REFERENCES accounts (account_id),
  owner_type TEXT NOT NULL CHECK (owner_type IN ('root', 'user')),
  user_name TEXT,  -- NULL for the root user's keys
  status TEXT NOT NULL DEFAULT 'Active' CHECK (status IN ('Active', 'Inactive')),
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  last_used_service TEXT,
  last_used_region TEXT,
  CHECK ((owner_type = 'root') = (user_name IS NULL))
) STRICT;

CREATE INDEX access_keys_by_account ON access_keys (account_id, owner_type, user_name);

-- The root user has at most one access key per account.
CREATE UNIQUE INDEX access_keys_one_root_key ON access_keys (account_id) WHERE owner_type = 'root';

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
