-- STS sessions: GetFederationToken sessions ('federated-user') and the time the session's MFA
-- code was checked (aws:MultiFactorAuthAge). SQLite cannot alter a CHECK constraint, so the table
-- is rebuilt.
CREATE TABLE sts_sessions_new (
  access_key_id TEXT PRIMARY KEY,
  secret_access_key TEXT NOT NULL,
  session_token TEXT NOT NULL,
  account_id TEXT NOT NULL REFERENCES accounts (account_id),
  principal_type TEXT NOT NULL
    CHECK (principal_type IN ('root', 'user', 'assumed-role', 'federated-user')),
  arn TEXT NOT NULL,
  user_id TEXT NOT NULL,
  user_name TEXT NOT NULL,  -- IAM user; the role's name for role sessions; federated: the caller
  role_arn TEXT,
  mfa_authenticated INTEGER NOT NULL,
  session_policy TEXT,
  session_policy_arns TEXT,
  source_access_key_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  mfa_authenticated_at INTEGER  -- millis; set when mfa_authenticated
) STRICT;

INSERT INTO sts_sessions_new (access_key_id, secret_access_key, session_token, account_id,
  principal_type, arn, user_id, user_name, role_arn, mfa_authenticated, session_policy,
  session_policy_arns, source_access_key_id, created_at, expires_at, mfa_authenticated_at)
SELECT access_key_id, secret_access_key, session_token, account_id, principal_type, arn, user_id,
  user_name, role_arn, mfa_authenticated, session_policy, session_policy_arns,
  source_access_key_id, created_at, expires_at,
  CASE WHEN mfa_authenticated != 0 THEN created_at END
FROM sts_sessions;

DROP TABLE sts_sessions;
ALTER TABLE sts_sessions_new RENAME TO sts_sessions;
CREATE INDEX sts_sessions_by_expiry ON sts_sessions (expires_at);
