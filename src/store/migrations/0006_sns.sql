-- SNS (issue 10): topics, subscriptions and the durable delivery queue. Attributes and tags are
-- JSON text: SNS treats them as opaque string maps, and nothing queries inside them.
CREATE TABLE sns_topics (
  arn TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  attributes TEXT NOT NULL,              -- {"DisplayName": "...", "Policy": "...", ...}
  tags TEXT NOT NULL,                    -- [["key", "value"], ...] in insertion order
  subscriptions_deleted INTEGER NOT NULL DEFAULT 0,
  created_millis INTEGER NOT NULL
);
CREATE INDEX sns_topics_by_account ON sns_topics (account_id, region, arn);

CREATE TABLE sns_subscriptions (
  arn TEXT PRIMARY KEY,
  topic_arn TEXT NOT NULL,
  owner TEXT NOT NULL,
  protocol TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  attributes TEXT NOT NULL,              -- settable attributes (FilterPolicy, RawMessageDelivery..)
  confirmed INTEGER NOT NULL,
  token TEXT NOT NULL,                   -- the confirmation token ('' once confirmed)
  token_expires_millis INTEGER NOT NULL,
  authenticate_unsubscribe INTEGER NOT NULL DEFAULT 0,
  created_millis INTEGER NOT NULL
);
CREATE INDEX sns_subscriptions_by_topic ON sns_subscriptions (topic_arn, arn);

-- Every message to every endpoint is written here before Publish answers, so a restart loses
-- nothing; the delivery worker removes a row once delivered or once its retries are exhausted.
CREATE TABLE sns_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  subscription_arn TEXT NOT NULL,
  topic_arn TEXT NOT NULL,
  protocol TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  message_type TEXT NOT NULL,            -- Notification | SubscriptionConfirmation | ...
  message_id TEXT NOT NULL,
  subject TEXT NOT NULL,                 -- the email Subject header ('' for HTTP)
  sender_name TEXT NOT NULL DEFAULT '',  -- the topic's DisplayName: the email sender's name
  body TEXT NOT NULL,                    -- rendered and signed at enqueue time
  raw INTEGER NOT NULL DEFAULT 0,
  delivery_policy TEXT NOT NULL,         -- the effective retry policy (JSON), '' for defaults
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_millis INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_millis INTEGER NOT NULL
);
CREATE INDEX sns_deliveries_due ON sns_deliveries (next_attempt_millis, id);
