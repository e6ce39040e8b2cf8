// SPDX-License-Identifier: Apache-2.0
// SnsStore: SNS's persistent state in trailwatch.db (migration 0006_sns.sql): topics with their
// attributes and tags, subscriptions with their confirmation tokens, and the durable delivery
// queue the DeliveryWorker drains. Attributes are string maps kept as JSON text.
//
// Thread-safe: every call is one Database::Read or Database::Write transaction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "store/database.h"

namespace tw::services::sns {

using AttributeMap = std::map<std::string, std::string>;
using TagList = std::vector<std::pair<std::string, std::string>>;

struct TopicRecord {
  std::string arn;
  std::string account_id;
  std::string region;
  std::string name;
  AttributeMap attributes;  // the settable ones only; computed ones are added on read
  TagList tags;
  std::int64_t subscriptions_deleted = 0;
  std::int64_t created_millis = 0;
};

struct SubscriptionRecord {
  std::string arn;
  std::string topic_arn;
  std::string owner;
  std::string protocol;
  std::string endpoint;
  AttributeMap attributes;
  bool confirmed = false;
  std::string token;
  std::int64_t token_expires_millis = 0;
  bool authenticate_unsubscribe = false;
  std::int64_t created_millis = 0;
};

struct DeliveryRecord {
  std::int64_t id = 0;
  std::string subscription_arn;
  std::string topic_arn;
  std::string protocol;
  std::string endpoint;
  std::string message_type;
  std::string message_id;
  std::string subject;
  std::string sender_name;  // the topic's DisplayName, for email
  std::string body;
  bool raw = false;
  std::string delivery_policy;
  int attempts = 0;
  std::int64_t next_attempt_millis = 0;
  std::string last_error;
  std::int64_t created_millis = 0;
};

struct SubscriptionCounts {
  std::int64_t confirmed = 0;
  std::int64_t pending = 0;
};

class SnsStore {
 public:
  explicit SnsStore(store::Database& database) : db_(database) {}

  // Inserts the topic unless one with its ARN exists; returns the stored topic either way.
  Result<TopicRecord> CreateTopic(const TopicRecord& topic);
  Result<std::optional<TopicRecord>> GetTopic(const std::string& arn);
  // Replaces attributes and tags of an existing topic.
  Status UpdateTopic(const TopicRecord& topic);
  // Deletes the topic, its subscriptions and their queued deliveries. False if it did not exist.
  Result<bool> DeleteTopic(const std::string& arn);
  // Topic ARNs of the account and region after `after` (exclusive), ascending, at most `limit`.
  Result<std::vector<std::string>> ListTopicArns(const std::string& account_id,
                                                 const std::string& region,
                                                 const std::string& after, int limit);
  Result<SubscriptionCounts> CountSubscriptions(const std::string& topic_arn);

  Status InsertSubscription(const SubscriptionRecord& subscription);
  Status UpdateSubscription(const SubscriptionRecord& subscription);
  Result<std::optional<SubscriptionRecord>> GetSubscription(const std::string& arn);
  Result<std::optional<SubscriptionRecord>> FindSubscription(const std::string& topic_arn,
                                                             const std::string& protocol,
                                                             const std::string& endpoint);
  Result<std::optional<SubscriptionRecord>> FindByToken(const std::string& topic_arn,
                                                        const std::string& token);
  // Deletes the subscription and its queued deliveries, counting it in SubscriptionsDeleted.
  Result<bool> DeleteSubscription(const std::string& arn);
  // Subscriptions of a topic (or of every topic of `account_id` when topic_arn is empty) with an
  // ARN after `after`, ascending, at most `limit`.
  Result<std::vector<SubscriptionRecord>> ListSubscriptions(const std::string& account_id,
                                                            const std::string& topic_arn,
                                                            const std::string& after, int limit);
  // Pending subscriptions whose token expired before `now` are deleted (AWS: after ~48 h).
  Status ExpirePending(std::int64_t now);

  Status Enqueue(const std::vector<DeliveryRecord>& deliveries);
  // Deliveries due at `now`, oldest first.
  Result<std::vector<DeliveryRecord>> DueDeliveries(std::int64_t now, int limit);
  Result<std::optional<std::int64_t>> NextDueMillis();
  Status CompleteDelivery(std::int64_t id);
  Status RescheduleDelivery(std::int64_t id, int attempts, std::int64_t next_attempt_millis,
                            const std::string& last_error);
  Result<std::int64_t> QueuedDeliveryCount();

 private:
  store::Database& db_;
};

// JSON text <-> attribute maps and tag lists (exposed for tests).
std::string EncodeAttributes(const AttributeMap& attributes);
AttributeMap DecodeAttributes(std::string_view json);

}  // namespace tw::services::sns
