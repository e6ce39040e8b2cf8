-- SPDX-License-Identifier: Apache-2.0
-- IAM: users, groups, roles, customer managed policies and their versions, inline policies,
-- policy attachments, tags and the account alias. Times are epoch milliseconds (IAM reports them
-- to the second, so the service stores whole seconds). Names are unique per account ignoring case,
-- as IAM's are ("User with name Bob already exists." for an existing "bob"): the name columns are
-- COLLATE NOCASE, which both the unique indexes and every comparison use. Children refer to their
-- entity by its integer row id, so a rename (UpdateUser, UpdateGroup) touches one row. Access keys
-- stay in access_keys (0001), which refers to users by account and name.

CREATE TABLE iam_users (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (account_id),
  user_name TEXT NOT NULL COLLATE NOCASE,
  path TEXT NOT NULL,
  user_id TEXT NOT NULL UNIQUE,  -- AIDA...
  created_at INTEGER NOT NULL,
  permissions_boundary TEXT,  -- a managed policy ARN
  UNIQUE (account_id, user_name)
) STRICT;

CREATE TABLE iam_groups (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (account_id),
  group_name TEXT NOT NULL COLLATE NOCASE,
  path TEXT NOT NULL,
  group_id TEXT NOT NULL UNIQUE,  -- AGPA...
  created_at INTEGER NOT NULL,
  UNIQUE (account_id, group_name)
) STRICT;

CREATE TABLE iam_group_members (
  group_pk INTEGER NOT NULL REFERENCES iam_groups (id),
  user_pk INTEGER NOT NULL REFERENCES iam_users (id),
  added_at INTEGER NOT NULL,
  PRIMARY KEY (group_pk, user_pk)
) STRICT;

CREATE INDEX iam_group_members_by_user ON iam_group_members (user_pk);

CREATE TABLE iam_roles (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (account_id),
  role_name TEXT NOT NULL COLLATE NOCASE,
  path TEXT NOT NULL,
  role_id TEXT NOT NULL UNIQUE,  -- AROA...
  created_at INTEGER NOT NULL,
  assume_role_policy TEXT NOT NULL,
  description TEXT,
  max_session_duration INTEGER NOT NULL DEFAULT 3600,
  permissions_boundary TEXT,
  UNIQUE (account_id, role_name)
) STRICT;

-- Customer managed policies. AWS managed policies are compiled into the binary and never stored;
-- attachments refer to them by ARN only.
CREATE TABLE iam_policies (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (account_id),
  policy_name TEXT NOT NULL COLLATE NOCASE,
  path TEXT NOT NULL,
  arn TEXT NOT NULL,
  policy_id TEXT NOT NULL UNIQUE,  -- ANPA...
  description TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  default_version TEXT NOT NULL,
  next_version INTEGER NOT NULL,  -- version ids are never reused: v1, v2, ... after deletions too
  UNIQUE (account_id, policy_name),
  UNIQUE (account_id, arn)
) STRICT;

CREATE TABLE iam_policy_versions (
  policy_pk INTEGER NOT NULL REFERENCES iam_policies (id) ON DELETE CASCADE,
  version_id TEXT NOT NULL,
  version_number INTEGER NOT NULL,
  document TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (policy_pk, version_id)
) STRICT;

-- Exactly one of user_pk, group_pk, role_pk is set on each of the next three tables.
CREATE TABLE iam_attachments (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (account_id),
  user_pk INTEGER REFERENCES iam_users (id),
  group_pk INTEGER REFERENCES iam_groups (id),
  role_pk INTEGER REFERENCES iam_roles (id),
  policy_arn TEXT NOT NULL,
  policy_pk INTEGER REFERENCES iam_policies (id),  -- set for customer managed policies
  attached_at INTEGER NOT NULL,
  CHECK ((user_pk IS NOT NULL) + (group_pk IS NOT NULL) + (role_pk IS NOT NULL) = 1)
) STRICT;

CREATE UNIQUE INDEX iam_attachments_user ON iam_attachments (user_pk, policy_arn)
  WHERE user_pk IS NOT NULL;
CREATE UNIQUE INDEX iam_attachments_group ON iam_attachments (group_pk, policy_arn)
  WHERE group_pk IS NOT NULL;
CREATE UNIQUE INDEX iam_attachments_role ON iam_attachments (role_pk, policy_arn)
  WHERE role_pk IS NOT NULL;
CREATE INDEX iam_attachments_by_policy ON iam_attachments (account_id, policy_arn);

CREATE TABLE iam_inline_policies (
  id INTEGER PRIMARY KEY,
  user_pk INTEGER REFERENCES iam_users (id),
  group_pk INTEGER REFERENCES iam_groups (id),
  role_pk INTEGER REFERENCES iam_roles (id),
  policy_name TEXT NOT NULL COLLATE NOCASE,
  document TEXT NOT NULL,
  CHECK ((user_pk IS NOT NULL) + (group_pk IS NOT NULL) + (role_pk IS NOT NULL) = 1)
) STRICT;

CREATE UNIQUE INDEX iam_inline_user ON iam_inline_policies (user_pk, policy_name)
  WHERE user_pk IS NOT NULL;
CREATE UNIQUE INDEX iam_inline_group ON iam_inline_policies (group_pk, policy_name)
  WHERE group_pk IS NOT NULL;
CREATE UNIQUE INDEX iam_inline_role ON iam_inline_policies (role_pk, policy_name)
  WHERE role_pk IS NOT NULL;

-- Tags of users, roles and customer managed policies; keys are unique ignoring case, as IAM's.
-- Deleting the entity deletes its tags.
CREATE TABLE iam_tags (
  id INTEGER PRIMARY KEY,
  user_pk INTEGER REFERENCES iam_users (id) ON DELETE CASCADE,
  role_pk INTEGER REFERENCES iam_roles (id) ON DELETE CASCADE,
  policy_pk INTEGER REFERENCES iam_policies (id) ON DELETE CASCADE,
  tag_key TEXT NOT NULL COLLATE NOCASE,
  tag_value TEXT NOT NULL,
  CHECK ((user_pk IS NOT NULL) + (role_pk IS NOT NULL) + (policy_pk IS NOT NULL) = 1)
) STRICT;

CREATE UNIQUE INDEX iam_tags_user ON iam_tags (user_pk, tag_key) WHERE user_pk IS NOT NULL;
CREATE UNIQUE INDEX iam_tags_role ON iam_tags (role_pk, tag_key) WHERE role_pk IS NOT NULL;
CREATE UNIQUE INDEX iam_tags_policy ON iam_tags (policy_pk, tag_key) WHERE policy_pk IS NOT NULL;

-- An account has at most one alias, and an alias belongs to one account.
CREATE TABLE iam_account_aliases (
  account_id TEXT PRIMARY KEY REFERENCES accounts (account_id),
  alias TEXT NOT NULL UNIQUE
) STRICT;
