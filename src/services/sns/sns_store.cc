// SPDX-License-Identifier: Apache-2.0
#include "services/sns/sns_store.h"

#include <boost/json.hpp>

namespace tw::services::sns {
namespace {

using store::Connection;
using store::Statement;
using store::StepResult;

template <typename... Args>
Result<Statement> PrepareBound(Connection& c, std::string_view sql, const Args&... args) {
  Result<Statement> stmt = c.Prepare(sql);
  if (!stmt) return std::move(stmt).error();
  if (Status st = stmt->BindAll(args...); !st) return std::move(st).error();
  return stmt;
}

template <typename... Args>
Status Run(Connection& c, std::string_view sql, const Args&... args) {
  Result<Statement> stmt = PrepareBound(c, sql, args...);
  if (!stmt) return std::move(stmt).error();
  return stmt->Exec();
}

template <typename T, typename F>
Result<std::vector<T>> Collect(Statement& stmt, F&& row) {
  std::vector<T> out;
  while (true) {
    Result<StepResult> step = stmt.Step();
    if (!step) return std::move(step).error();
    if (*step == StepResult::kDone) return out;
    out.push_back(row(stmt));
  }
}

std::string EncodeTags(const TagList& tags) {
  boost::json::array array;
  for (const auto& [key, value] : tags) array.push_back(boost::json::array{key, value});
  return boost::json::serialize(array);
}

TagList DecodeTags(std::string_view text) {
  TagList tags;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_array()) return tags;
  for (const auto& item : parsed.as_array()) {
    if (!item.is_array() || item.as_array().size() != 2) continue;
    tags.emplace_back(std::string(item.as_array()[0].as_string()),
                      std::string(item.as_array()[1].as_string()));
  }
  return tags;
}

constexpr std::string_view kTopicColumns =
    "arn, account_id, region, name, attributes, tags, subscriptions_deleted, created_millis";

TopicRecord ReadTopic(Statement& s) {
  TopicRecord t;
  t.arn = s.ColumnString(0);
  t.account_id = s.ColumnString(1);
  t.region = s.ColumnString(2);
  t.name = s.ColumnString(3);
  t.attributes = DecodeAttributes(s.ColumnText(4));
  t.tags = DecodeTags(s.ColumnText(5));
  t.subscriptions_deleted = s.ColumnInt64(6);
  t.created_millis = s.ColumnInt64(7);
  return t;
}

constexpr std::string_view kSubscriptionColumns =
    "arn, topic_arn, owner, protocol, endpoint, attributes, confirmed, token, "
    "token_expires_millis, authenticate_unsubscribe, created_millis";

SubscriptionRecord ReadSubscription(Statement& s) {
  SubscriptionRecord r;
  r.arn = s.ColumnString(0);
  r.topic_arn = s.ColumnString(1);
  r.owner = s.ColumnString(2);
  r.protocol = s.ColumnString(3);
  r.endpoint = s.ColumnString(4);
  r.attributes = DecodeAttributes(s.ColumnText(5));
  r.confirmed = s.ColumnInt64(6) != 0;
  r.token = s.ColumnString(7);
  r.token_expires_millis = s.ColumnInt64(8);
  r.authenticate_unsubscribe = s.ColumnInt64(9) != 0;
  r.created_millis = s.ColumnInt64(10);
  return r;
}

constexpr std::string_view kDeliveryColumns =
    "id, subscription_arn, topic_arn, protocol, endpoint, message_type, message_id, subject, "
    "body, raw, delivery_policy, attempts, next_attempt_millis, last_error, created_millis, "
    "sender_name";

DeliveryRecord ReadDelivery(Statement& s) {
  DeliveryRecord d;
  d.id = s.ColumnInt64(0);
  d.subscription_arn = s.ColumnString(1);
  d.topic_arn = s.ColumnString(2);
  d.protocol = s.ColumnString(3);
  d.endpoint = s.ColumnString(4);
  d.message_type = s.ColumnString(5);
  d.message_id = s.ColumnString(6);
  d.subject = s.ColumnString(7);
  d.body = s.ColumnString(8);
  d.raw = s.ColumnInt64(9) != 0;
  d.delivery_policy = s.ColumnString(10);
  d.attempts = static_cast<int>(s.ColumnInt64(11));
  d.next_attempt_millis = s.ColumnInt64(12);
  d.last_error = s.ColumnString(13);
  d.created_millis = s.ColumnInt64(14);
  d.sender_name = s.ColumnString(15);
  return d;
}

template <typename T, typename F>
Result<std::optional<T>> QueryOne(Connection& c, const std::string& sql, F&& read,
                                  const auto&... args) {
  auto stmt = PrepareBound(c, sql, args...);
  if (!stmt) return std::move(stmt).error();
  Result<StepResult> step = stmt->Step();
  if (!step) return std::move(step).error();
  if (*step == StepResult::kDone) return std::optional<T>();
  return std::optional<T>(read(*stmt));
}

}  // namespace

std::string EncodeAttributes(const AttributeMap& attributes) {
  boost::json::object object;
  for (const auto& [key, value] : attributes) object[key] = value;
  return boost::json::serialize(object);
}

AttributeMap DecodeAttributes(std::string_view json) {
  AttributeMap out;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(json, ec);
  if (ec || !parsed.is_object()) return out;
  for (const auto& [key, value] : parsed.as_object()) {
    if (value.is_string()) out[std::string(key)] = std::string(value.as_string());
  }
  return out;
}

Result<TopicRecord> SnsStore::CreateTopic(const TopicRecord& topic) {
  return db_.Write([&](Connection& c) -> Result<TopicRecord> {
    if (Status st =
            Run(c,
                "INSERT OR IGNORE INTO sns_topics (arn, account_id, region, name, "
                "attributes, tags, subscriptions_deleted, created_millis) "
                "VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                topic.arn, topic.account_id, topic.region, topic.name,
                EncodeAttributes(topic.attributes), EncodeTags(topic.tags), topic.created_millis);
        !st) {
      return std::move(st).error();
    }
    auto stored = QueryOne<TopicRecord>(
        c, "SELECT " + std::string(kTopicColumns) + " FROM sns_topics WHERE arn = ?", ReadTopic,
        topic.arn);
    if (!stored) return std::move(stored).error();
    return **stored;
  });
}

Result<std::optional<TopicRecord>> SnsStore::GetTopic(const std::string& arn) {
  return db_.Read([&](Connection& c) {
    return QueryOne<TopicRecord>(
        c, "SELECT " + std::string(kTopicColumns) + " FROM sns_topics WHERE arn = ?", ReadTopic,
        arn);
  });
}

Status SnsStore::UpdateTopic(const TopicRecord& topic) {
  return db_.Write([&](Connection& c) {
    return Run(c, "UPDATE sns_topics SET attributes = ?, tags = ? WHERE arn = ?",
               EncodeAttributes(topic.attributes), EncodeTags(topic.tags), topic.arn);
  });
}

Result<bool> SnsStore::DeleteTopic(const std::string& arn) {
  return db_.Write([&](Connection& c) -> Result<bool> {
    if (Status st = Run(c, "DELETE FROM sns_deliveries WHERE topic_arn = ?", arn); !st) {
      return std::move(st).error();
    }
    if (Status st = Run(c, "DELETE FROM sns_subscriptions WHERE topic_arn = ?", arn); !st) {
      return std::move(st).error();
    }
    if (Status st = Run(c, "DELETE FROM sns_topics WHERE arn = ?", arn); !st) {
      return std::move(st).error();
    }
    return c.Changes() > 0;
  });
}

Result<std::vector<std::string>> SnsStore::ListTopicArns(const std::string& account_id,
                                                         const std::string& region,
                                                         const std::string& after, int limit) {
  return db_.Read([&](Connection& c) -> Result<std::vector<std::string>> {
    auto stmt = PrepareBound(c,
                             "SELECT arn FROM sns_topics WHERE account_id = ? AND region = ? "
                             "AND arn > ? ORDER BY arn LIMIT ?",
                             account_id, region, after, limit);
    if (!stmt) return std::move(stmt).error();
    return Collect<std::string>(*stmt, [](Statement& s) { return s.ColumnString(0); });
  });
}

Result<SubscriptionCounts> SnsStore::CountSubscriptions(const std::string& topic_arn) {
  return db_.Read([&](Connection& c) -> Result<SubscriptionCounts> {
    auto stmt = PrepareBound(c,
                             "SELECT COALESCE(SUM(confirmed), 0), COALESCE(SUM(1 - confirmed), 0) "
                             "FROM sns_subscriptions WHERE topic_arn = ?",
                             topic_arn);
    if (!stmt) return std::move(stmt).error();
    auto step = stmt->Step();
    if (!step) return std::move(step).error();
    return SubscriptionCounts{stmt->ColumnInt64(0), stmt->ColumnInt64(1)};
  });
}

Status SnsStore::InsertSubscription(const SubscriptionRecord& r) {
  return db_.Write([&](Connection& c) {
    return Run(c,
               "INSERT INTO sns_subscriptions (" + std::string(kSubscriptionColumns) +
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               r.arn, r.topic_arn, r.owner, r.protocol, r.endpoint, EncodeAttributes(r.attributes),
               r.confirmed ? 1 : 0, r.token, r.token_expires_millis,
               r.authenticate_unsubscribe ? 1 : 0, r.created_millis);
  });
}

Status SnsStore::UpdateSubscription(const SubscriptionRecord& r) {
  return db_.Write([&](Connection& c) {
    return Run(c,
               "UPDATE sns_subscriptions SET attributes = ?, confirmed = ?, token = ?, "
               "token_expires_millis = ?, authenticate_unsubscribe = ? WHERE arn = ?",
               EncodeAttributes(r.attributes), r.confirmed ? 1 : 0, r.token, r.token_expires_millis,
               r.authenticate_unsubscribe ? 1 : 0, r.arn);
  });
}

Result<std::optional<SubscriptionRecord>> SnsStore::GetSubscription(const std::string& arn) {
  return db_.Read([&](Connection& c) {
    return QueryOne<SubscriptionRecord>(
        c, "SELECT " + std::string(kSubscriptionColumns) + " FROM sns_subscriptions WHERE arn = ?",
        ReadSubscription, arn);
  });
}

Result<std::optional<SubscriptionRecord>> SnsStore::FindSubscription(const std::string& topic_arn,
                                                                     const std::string& protocol,
                                                                     const std::string& endpoint) {
  return db_.Read([&](Connection& c) {
    return QueryOne<SubscriptionRecord>(
        c,
        "SELECT " + std::string(kSubscriptionColumns) +
            " FROM sns_subscriptions WHERE topic_arn = ? AND protocol = ? AND endpoint = ?",
        ReadSubscription, topic_arn, protocol, endpoint);
  });
}

Result<std::optional<SubscriptionRecord>> SnsStore::FindByToken(const std::string& topic_arn,
                                                                const std::string& token) {
  return db_.Read([&](Connection& c) {
    return QueryOne<SubscriptionRecord>(
        c,
        "SELECT " + std::string(kSubscriptionColumns) +
            " FROM sns_subscriptions WHERE topic_arn = ? AND token = ? AND token != ''",
        ReadSubscription, topic_arn, token);
  });
}

Result<bool> SnsStore::DeleteSubscription(const std::string& arn) {
  return db_.Write([&](Connection& c) -> Result<bool> {
    auto topic = QueryOne<std::string>(
        c, "SELECT topic_arn FROM sns_subscriptions WHERE arn = ?",
        [](Statement& s) { return s.ColumnString(0); }, arn);
    if (!topic) return std::move(topic).error();
    if (!topic->has_value()) return false;
    if (Status st = Run(c,
                        "DELETE FROM sns_deliveries WHERE subscription_arn = ? AND "
                        "message_type = 'Notification'",
                        arn);
        !st) {
      return std::move(st).error();
    }
    if (Status st = Run(c, "DELETE FROM sns_subscriptions WHERE arn = ?", arn); !st) {
      return std::move(st).error();
    }
    if (Status st = Run(c,
                        "UPDATE sns_topics SET subscriptions_deleted = subscriptions_deleted + 1 "
                        "WHERE arn = ?",
                        **topic);
        !st) {
      return std::move(st).error();
    }
    return true;
  });
}

Result<std::vector<SubscriptionRecord>> SnsStore::ListSubscriptions(const std::string& account_id,
                                                                    const std::string& topic_arn,
                                                                    const std::string& after,
                                                                    int limit) {
  return db_.Read([&](Connection& c) -> Result<std::vector<SubscriptionRecord>> {
    std::string sql = "SELECT " + std::string(kSubscriptionColumns) + " FROM sns_subscriptions ";
    auto stmt = topic_arn.empty()
                    ? PrepareBound(c,
                                   sql +
                                       "WHERE topic_arn IN (SELECT arn FROM sns_topics WHERE "
                                       "account_id = ?) AND arn > ? ORDER BY arn LIMIT ?",
                                   account_id, after, limit)
                    : PrepareBound(c, sql + "WHERE topic_arn = ? AND arn > ? ORDER BY arn LIMIT ?",
                                   topic_arn, after, limit);
    if (!stmt) return std::move(stmt).error();
    return Collect<SubscriptionRecord>(*stmt, ReadSubscription);
  });
}

Status SnsStore::ExpirePending(std::int64_t now) {
  return db_.Write([&](Connection& c) {
    return Run(c, "DELETE FROM sns_subscriptions WHERE confirmed = 0 AND token_expires_millis < ?",
               now);
  });
}

Status SnsStore::Enqueue(const std::vector<DeliveryRecord>& deliveries) {
  if (deliveries.empty()) return {};
  return db_.Write([&](Connection& c) -> Status {
    for (const auto& d : deliveries) {
      if (Status st = Run(
              c,
              "INSERT INTO sns_deliveries (subscription_arn, topic_arn, protocol, "
              "endpoint, message_type, message_id, subject, body, raw, "
              "delivery_policy, attempts, next_attempt_millis, last_error, "
              "created_millis, sender_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, '', ?, ?)",
              d.subscription_arn, d.topic_arn, d.protocol, d.endpoint, d.message_type, d.message_id,
              d.subject, d.body, d.raw ? 1 : 0, d.delivery_policy, d.next_attempt_millis,
              d.created_millis, d.sender_name);
          !st) {
        return st;
      }
    }
    return {};
  });
}

Result<std::vector<DeliveryRecord>> SnsStore::DueDeliveries(std::int64_t now, int limit) {
  return db_.Read([&](Connection& c) -> Result<std::vector<DeliveryRecord>> {
    auto stmt = PrepareBound(c,
                             "SELECT " + std::string(kDeliveryColumns) +
                                 " FROM sns_deliveries WHERE next_attempt_millis <= ? "
                                 "ORDER BY next_attempt_millis, id LIMIT ?",
                             now, limit);
    if (!stmt) return std::move(stmt).error();
    return Collect<DeliveryRecord>(*stmt, ReadDelivery);
  });
}

Result<std::optional<std::int64_t>> SnsStore::NextDueMillis() {
  return db_.Read([&](Connection& c) {
    return QueryOne<std::int64_t>(
        c, "SELECT MIN(next_attempt_millis) FROM sns_deliveries HAVING COUNT(*) > 0",
        [](Statement& s) { return s.ColumnInt64(0); });
  });
}

Status SnsStore::CompleteDelivery(std::int64_t id) {
  return db_.Write(
      [&](Connection& c) { return Run(c, "DELETE FROM sns_deliveries WHERE id = ?", id); });
}

Status SnsStore::RescheduleDelivery(std::int64_t id, int attempts, std::int64_t next_attempt_millis,
                                    const std::string& last_error) {
  return db_.Write([&](Connection& c) {
    return Run(c,
               "UPDATE sns_deliveries SET attempts = ?, next_attempt_millis = ?, last_error = ? "
               "WHERE id = ?",
               attempts, next_attempt_millis, last_error, id);
  });
}

Result<std::int64_t> SnsStore::QueuedDeliveryCount() {
  return db_.Read(
      [&](Connection& c) { return c.QueryInt64("SELECT COUNT(*) FROM sns_deliveries"); });
}

}  // namespace tw::services::sns
