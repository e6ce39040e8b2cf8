-- SPDX-License-Identifier: Apache-2.0
-- IAM credentials beyond access keys: console passwords (login profiles, their history for
-- PasswordReusePrevention, the account password policy), MFA devices, STS temporary credentials
-- and the last credential report. Times are epoch milliseconds. Passwords are stored only as
-- libsodium argon2id strings (salt and parameters inside); never in clear.

CREATE TABLE iam_login_profiles (
  user_pk INTEGER PRIMARY KEY REFERENCES iam_users (id),
  password_hash TEXT NOT NULL,
  password_reset_required INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL,
  password_last_used INTEGER
) STRICT;

-- Earlier password hashes of a user, newest first by changed_at; trimmed to the 24 IAM remembers.
CREATE TABLE iam_password_history (
  id INTEGER PRIMARY KEY,
  user_pk INTEGER NOT NULL REFERENCES iam_users (id) ON DELETE CASCADE,
  password_hash TEXT NOT NULL,
  changed_at INTEGER NOT NULL
) STRICT;

CREATE INDEX iam_password_history_by_user ON iam_password_history (user_pk, changed_at);

CREATE TABLE iam_password_policies (
  account_id TEXT PRIMARY KEY REFERENCES accounts (account_id),
  minimum_length INTEGER NOT NULL,
  require_symbols INTEGER NOT NULL,
  require_numbers INTEGER NOT NULL,
  require_uppercase INTEGER NOT NULL,
  require_lowercase INTEGER NOT NULL,
  allow_users_to_change INTEGER NOT NULL,
  max_password_age INTEGER,  -- days
  password_reuse_prevention INTEGER,
  hard_expiry INTEGER NOT NULL
) STRICT;

-- Virtual MFA devices. The seed is the TOTP shared secret (base32 text): it must be readable to
-- check codes, like access key secrets. last_counter is the newest TOTP step accepted, so a code
-- is never accepted twice.
CREATE TABLE iam_mfa_devices (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (account_id),
  serial_number TEXT NOT NULL,  -- arn:aws:iam::<account>:mfa<path><name>
  device_name TEXT NOT NULL,
  path TEXT NOT NULL,
  seed TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  user_pk INTEGER REFERENCES iam_users (id),  -- NULL while unassigned
  enabled_at INTEGER,
  last_counter INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, serial_number)
) STRICT;

CREATE INDEX iam_mfa_devices_by_user ON iam_mfa_devices (user_pk);

-- STS temporary credentials (ASIA...), with the principal they stand for as it was at issue.
CREATE TABLE sts_sessions (
  access_key_id TEXT PRIMARY KEY,
  secret_access_key TEXT NOT NULL,
  session_token TEXT NOT NULL,
  account_id TEXT NOT NULL REFERENCES accounts (account_id),
  principal_type TEXT NOT NULL CHECK (principal_type IN ('root', 'user', 'assumed-role')),
  arn TEXT NOT NULL,
  user_id TEXT NOT NULL,
  user_name TEXT NOT NULL,  -- the IAM user's name; the role's name for role sessions; '' for root
  role_arn TEXT,            -- role sessions: the role's ARN with its path
  mfa_authenticated INTEGER NOT NULL,
  session_policy TEXT,      -- AssumeRole Policy, for intersection by the authorizer
  session_policy_arns TEXT, -- AssumeRole PolicyArns, one ARN per line
  source_access_key_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;

CREATE INDEX sts_sessions_by_expiry ON sts_sessions (expires_at);

CREATE TABLE iam_credential_reports (
  account_id TEXT PRIMARY KEY REFERENCES accounts (account_id),
  generated_at INTEGER NOT NULL,
  content TEXT NOT NULL
) STRICT;
