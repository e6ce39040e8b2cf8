// SPDX-License-Identifier: Apache-2.0
#include "services/logs/sqlite_logs_store.h"

#include <algorithm>
#include <boost/json.hpp>
#include <limits>
#include <utility>

namespace tw::services::logs {
namespace {

using store::Connection;
using store::Statement;
using store::StepResult;

constexpr std::int64_t kMillisPerDay = 86'400'000;
constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();

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

// Steps `stmt` through its rows, calling `row(stmt)` for each.
template <typename F>
Status ForEachRow(Statement& stmt, F&& row) {
  while (true) {
    Result<StepResult> step = stmt.Step();
    if (!step) return std::move(step).error();
    if (*step == StepResult::kDone) return {};
    row(stmt);
  }
}

struct GroupRow {
  std::int64_t id = 0;
  std::optional<int> retention_days;
  std::int64_t filters_version = 0;
};

Result<std::optional<GroupRow>> FindGroupRow(Connection& c, const GroupKey& key) {
  auto stmt = PrepareBound(c,
                           "SELECT id, retention_days, filters_version FROM logs_groups "
                           "WHERE account_id = ? AND region = ? AND name = ?",
                           key.account_id, key.region, key.name);
  if (!stmt) return std::move(stmt).error();
  Result<StepResult> step = stmt->Step();
  if (!step) return std::move(step).error();
  if (*step == StepResult::kDone) return std::optional<GroupRow>();
  GroupRow row;
  row.id = stmt->ColumnInt64(0);
  if (!stmt->ColumnIsNull(1)) row.retention_days = static_cast<int>(stmt->ColumnInt64(1));
  row.filters_version = stmt->ColumnInt64(2);
  return std::optional<GroupRow>(row);
}

Result<std::optional<std::int64_t>> FindStreamId(Connection& c, std::int64_t group_id,
                                                 const std::string& stream) {
  auto stmt = PrepareBound(c, "SELECT id FROM logs_streams WHERE group_id = ? AND name = ?",
                           group_id, stream);
  if (!stmt) return std::move(stmt).error();
  Result<StepResult> step = stmt->Step();
  if (!step) return std::move(step).error();
  if (*step == StepResult::kDone) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(stmt->ColumnInt64(0));
}

// Deletes the group's events older than its retention at `now`, keeping stored_bytes in step.
Status PurgeGroup(Connection& c, std::int64_t group_id, std::optional<int> retention_days,
                  std::int64_t now) {
  if (!retention_days) return {};
  const std::int64_t cutoff = now - *retention_days * kMillisPerDay;
  auto sum = PrepareBound(c,
                          "SELECT COUNT(*), COALESCE(SUM(length(CAST(message AS BLOB))), 0) "
                          "FROM logs_events WHERE group_id = ? AND timestamp < ?",
                          group_id, cutoff);
  if (!sum) return std::move(sum).error();
  Result<StepResult> step = sum->Step();
  if (!step) return std::move(step).error();
  const std::int64_t count = sum->ColumnInt64(0);
  const std::int64_t bytes = sum->ColumnInt64(1);
  if (count == 0) return {};
  if (Status st =
          Run(c, "DELETE FROM logs_events WHERE group_id = ? AND timestamp < ?", group_id, cutoff);
      !st) {
    return st;
  }
  return Run(c, "UPDATE logs_groups SET stored_bytes = MAX(0, stored_bytes - ?) WHERE id = ?",
             bytes, group_id);
}

std::string EncodeDimensions(const TagList& dimensions) {
  boost::json::object object;
  for (const auto& [name, value] : dimensions) object[name] = value;
  return boost::json::serialize(object);
}

TagList DecodeDimensions(std::string_view text) {
  TagList out;
  if (text.empty()) return out;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) return out;
  for (const auto& [name, v] : value.as_object()) {
    if (v.is_string()) out.emplace_back(std::string(name), std::string(v.as_string()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

constexpr std::string_view kFilterColumns =
    "g.name, f.name, f.pattern, f.created_at, f.metric_name, f.metric_namespace, f.metric_value, "
    "f.default_value, f.unit, f.dimensions, f.apply_on_transformed_logs";

MetricFilterRecord ReadFilter(const Statement& row) {
  MetricFilterRecord f;
  f.log_group_name = row.ColumnString(0);
  f.name = row.ColumnString(1);
  f.pattern = row.ColumnString(2);
  f.created_at = row.ColumnInt64(3);
  f.transformation.metric_name = row.ColumnString(4);
  f.transformation.metric_namespace = row.ColumnString(5);
  f.transformation.metric_value = row.ColumnString(6);
  if (!row.ColumnIsNull(7)) f.transformation.default_value = row.ColumnDouble(7);
  f.transformation.unit = row.ColumnOptionalString(8);
  f.transformation.dimensions = DecodeDimensions(row.ColumnText(9));
  f.apply_on_transformed_logs = row.ColumnInt64(10) != 0;
  return f;
}

Result<std::vector<MetricFilterRecord>> LoadGroupFilters(Connection& c, std::int64_t group_id) {
  static const std::string sql = std::string("SELECT ")
                                     .append(kFilterColumns)
                                     .append(
                                         " FROM logs_metric_filters f JOIN logs_groups g ON g.id = "
                                         "f.group_id WHERE f.group_id = ? ORDER BY f.name");
  auto stmt = PrepareBound(c, sql, group_id);
  if (!stmt) return std::move(stmt).error();
  std::vector<MetricFilterRecord> filters;
  if (Status st =
          ForEachRow(*stmt, [&](const Statement& row) { filters.push_back(ReadFilter(row)); });
      !st) {
    return std::move(st).error();
  }
  return filters;
}

constexpr std::string_view kSubscriptionColumns =
    "g.name, s.name, s.pattern, s.destination_arn, s.role_arn, s.distribution, s.created_at";

SubscriptionFilterRecord ReadSubscription(const Statement& row) {
  SubscriptionFilterRecord f;
  f.log_group_name = row.ColumnString(0);
  f.name = row.ColumnString(1);
  f.pattern = row.ColumnString(2);
  f.destination_arn = row.ColumnString(3);
  f.role_arn = row.ColumnOptionalString(4);
  f.distribution = row.ColumnString(5);
  f.created_at = row.ColumnInt64(6);
  return f;
}

// A group's subscription filters after `after` (name order), optionally with a name prefix.
Result<std::vector<SubscriptionFilterRecord>> LoadSubscriptions(
    Connection& c, std::int64_t group_id, const std::optional<std::string>& name_prefix,
    const std::optional<std::string>& after, int limit) {
  static const std::string sql =
      std::string("SELECT ")
          .append(kSubscriptionColumns)
          .append(
              " FROM logs_subscription_filters s JOIN logs_groups g ON g.id = s.group_id "
              "WHERE s.group_id = ?1 AND (?2 IS NULL OR substr(s.name, 1, length(?2)) = ?2) "
              "AND (?3 IS NULL OR s.name > ?3) ORDER BY s.name LIMIT ?4");
  auto stmt = PrepareBound(c, sql, group_id, name_prefix, after, limit);
  if (!stmt) return std::move(stmt).error();
  std::vector<SubscriptionFilterRecord> filters;
  if (Status st = ForEachRow(
          *stmt, [&](const Statement& row) { filters.push_back(ReadSubscription(row)); });
      !st) {
    return std::move(st).error();
  }
  return filters;
}

constexpr std::string_view kGroupColumns =
    "g.id, g.name, g.created_at, g.retention_days, g.log_group_class, g.kms_key_id, "
    "g.deletion_protection, g.stored_bytes, g.filters_version, "
    "(SELECT COUNT(*) FROM logs_metric_filters f WHERE f.group_id = g.id)";

LogGroupRecord ReadGroup(const Statement& row) {
  LogGroupRecord g;
  g.id = row.ColumnInt64(0);
  g.name = row.ColumnString(1);
  g.created_at = row.ColumnInt64(2);
  if (!row.ColumnIsNull(3)) g.retention_days = static_cast<int>(row.ColumnInt64(3));
  g.log_group_class = row.ColumnString(4);
  g.kms_key_id = row.ColumnOptionalString(5);
  g.deletion_protection = row.ColumnInt64(6) != 0;
  g.stored_bytes = row.ColumnInt64(7);
  g.filters_version = row.ColumnInt64(8);
  g.metric_filter_count = static_cast<int>(row.ColumnInt64(9));
  return g;
}

std::optional<std::int64_t> OptionalColumn(const Statement& row, int column) {
  return row.ColumnOptionalInt64(column);
}

}  // namespace

// ---- log groups ----

Result<Outcome> SqliteLogsStore::CreateLogGroup(const GroupKey& key, const LogGroupRecord& group,
                                                const TagList& tags) {
  return db_.Write([&](Connection& c) -> Result<Outcome> {
    auto existing = FindGroupRow(c, key);
    if (!existing) return std::move(existing).error();
    if (existing->has_value()) return Outcome::kAlreadyExists;
    if (Status st = Run(c,
                        "INSERT INTO logs_groups (account_id, region, name, created_at, "
                        "retention_days, log_group_class, kms_key_id, deletion_protection) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        key.account_id, key.region, key.name, group.created_at,
                        group.retention_days, group.log_group_class, group.kms_key_id,
                        static_cast<int>(group.deletion_protection));
        !st) {
      return std::move(st).error();
    }
    const std::int64_t id = c.LastInsertRowId();
    for (const auto& [tag_key, tag_value] : tags) {
      if (Status st = Run(c, "INSERT INTO logs_group_tags (group_id, key, value) VALUES (?, ?, ?)",
                          id, tag_key, tag_value);
          !st) {
        return std::move(st).error();
      }
    }
    return Outcome::kDone;
  });
}

Result<Outcome> SqliteLogsStore::DeleteLogGroup(const GroupKey& key) {
  return db_.Write([&](Connection& c) -> Result<Outcome> {
    if (Status st =
            Run(c, "DELETE FROM logs_groups WHERE account_id = ? AND region = ? AND name = ?",
                key.account_id, key.region, key.name);
        !st) {
      return std::move(st).error();
    }
    return c.Changes() > 0 ? Outcome::kDone : Outcome::kNoGroup;
  });
}

Result<std::optional<LogGroupRecord>> SqliteLogsStore::FindLogGroup(const GroupKey& key) {
  return db_.Read([&](Connection& c) -> Result<std::optional<LogGroupRecord>> {
    static const std::string sql =
        std::string("SELECT ")
            .append(kGroupColumns)
            .append(" FROM logs_groups g WHERE account_id = ? AND region = ? AND name = ?");
    auto stmt = PrepareBound(c, sql, key.account_id, key.region, key.name);
    if (!stmt) return std::move(stmt).error();
    Result<StepResult> step = stmt->Step();
    if (!step) return std::move(step).error();
    if (*step == StepResult::kDone) return std::optional<LogGroupRecord>();
    return std::optional<LogGroupRecord>(ReadGroup(*stmt));
  });
}

Result<std::vector<LogGroupRecord>> SqliteLogsStore::ListLogGroups(const std::string& account_id,
                                                                   const std::string& region,
                                                                   const GroupQuery& query) {
  return db_.Read([&](Connection& c) -> Result<std::vector<LogGroupRecord>> {
    static const std::string sql =
        std::string("SELECT ")
            .append(kGroupColumns)
            .append(
                " FROM logs_groups g WHERE account_id = ?1 AND region = ?2 "
                "AND (?3 IS NULL OR substr(name, 1, length(?3)) = ?3) "
                "AND (?4 IS NULL OR instr(name, ?4) > 0) "
                "AND (?5 IS NULL OR log_group_class = ?5) "
                "AND (?6 IS NULL OR name > ?6) ORDER BY name LIMIT ?7");
    auto stmt = PrepareBound(c, sql, account_id, region, query.name_prefix, query.name_contains,
                             query.log_group_class, query.after, query.limit);
    if (!stmt) return std::move(stmt).error();
    std::vector<LogGroupRecord> groups;
    if (Status st =
            ForEachRow(*stmt, [&](const Statement& row) { groups.push_back(ReadGroup(row)); });
        !st) {
      return std::move(st).error();
    }
    return groups;
  });
}

Result<Outcome> SqliteLogsStore::SetRetention(const GroupKey& key, std::optional<int> days,
                                              std::int64_t now) {
  return db_.Write([&](Connection& c) -> Result<Outcome> {
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return Outcome::kNoGroup;
    if (Status st =
            Run(c, "UPDATE logs_groups SET retention_days = ? WHERE id = ?", days, (*group)->id);
        !st) {
      return std::move(st).error();
    }
    if (Status st = PurgeGroup(c, (*group)->id, days, now); !st) return std::move(st).error();
    return Outcome::kDone;
  });
}

Result<std::int64_t> SqliteLogsStore::PurgeExpired(std::int64_t now) {
  return db_.Write([&](Connection& c) -> Result<std::int64_t> {
    std::vector<std::pair<std::int64_t, int>> groups;
    {
      auto stmt = PrepareBound(
          c, "SELECT id, retention_days FROM logs_groups WHERE retention_days IS NOT NULL");
      if (!stmt) return std::move(stmt).error();
      if (Status st = ForEachRow(*stmt,
                                 [&](const Statement& row) {
                                   groups.emplace_back(row.ColumnInt64(0),
                                                       static_cast<int>(row.ColumnInt64(1)));
                                 });
          !st) {
        return std::move(st).error();
      }
    }
    std::int64_t purged = 0;
    for (const auto& [id, days] : groups) {
      if (Status st = PurgeGroup(c, id, days, now); !st) return std::move(st).error();
      purged += c.Changes() > 0 ? 1 : 0;
    }
    return purged;
  });
}

// ---- tags ----

Result<std::optional<TagList>> SqliteLogsStore::GetTags(const GroupKey& key) {
  return db_.Read([&](Connection& c) -> Result<std::optional<TagList>> {
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return std::optional<TagList>();
    auto stmt = PrepareBound(c,
                             "SELECT key, value FROM logs_group_tags WHERE group_id = ? "
                             "ORDER BY key",
                             (*group)->id);
    if (!stmt) return std::move(stmt).error();
    TagList tags;
    if (Status st = ForEachRow(*stmt,
                               [&](const Statement& row) {
                                 tags.emplace_back(row.ColumnString(0), row.ColumnString(1));
                               });
        !st) {
      return std::move(st).error();
    }
    return std::optional<TagList>(std::move(tags));
  });
}

Result<Outcome> SqliteLogsStore::MergeTags(const GroupKey& key, const TagList& tags, int max_tags) {
  return db_.Write([&](Connection& c) -> Result<Outcome> {
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return Outcome::kNoGroup;
    const std::int64_t id = (*group)->id;
    // The tag count after the merge: the existing keys plus the incoming keys not among them.
    std::int64_t total = 0;
    {
      auto existing = PrepareBound(c, "SELECT key FROM logs_group_tags WHERE group_id = ?", id);
      if (!existing) return std::move(existing).error();
      std::vector<std::string> keys;
      if (Status st = ForEachRow(
              *existing, [&](const Statement& row) { keys.push_back(row.ColumnString(0)); });
          !st) {
        return std::move(st).error();
      }
      total = static_cast<std::int64_t>(keys.size());
      for (const auto& [tag_key, tag_value] : tags) {
        if (std::find(keys.begin(), keys.end(), tag_key) == keys.end()) {
          keys.push_back(tag_key);
          ++total;
        }
      }
    }
    if (total > max_tags) return Outcome::kLimitExceeded;
    for (const auto& [tag_key, tag_value] : tags) {
      if (Status st = Run(c,
                          "INSERT INTO logs_group_tags (group_id, key, value) VALUES (?, ?, ?) "
                          "ON CONFLICT (group_id, key) DO UPDATE SET value = excluded.value",
                          id, tag_key, tag_value);
          !st) {
        return std::move(st).error();
      }
    }
    return Outcome::kDone;
  });
}

Result<Outcome> SqliteLogsStore::RemoveTags(const GroupKey& key,
                                            const std::vector<std::string>& keys) {
  return db_.Write([&](Connection& c) -> Result<Outcome> {
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return Outcome::kNoGroup;
    for (const auto& tag_key : keys) {
      if (Status st = Run(c, "DELETE FROM logs_group_tags WHERE group_id = ? AND key = ?",
                          (*group)->id, tag_key);
          !st) {
        return std::move(st).error();
      }
    }
    return Outcome::kDone;
  });
}

// ---- log streams ----

Result<Outcome> SqliteLogsStore::CreateLogStream(const GroupKey& key, const std::string& stream,
                                                 std::int64_t now) {
  return db_.Write([&](Connection& c) -> Result<Outcome> {
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return Outcome::kNoGroup;
    if (Status st = Run(c,
                        "INSERT INTO logs_streams (group_id, name, created_at) VALUES (?, ?, ?) "
                        "ON CONFLICT (group_id, name) DO NOTHING",
                        (*group)->id, stream, now);
        !st) {
      return std::move(st).error();
    }
    return c.Changes() > 0 ? Outcome::kDone : Outcome::kAlreadyExists;
  });
}

Result<Outcome> SqliteLogsStore::DeleteLogStream(const GroupKey& key, const std::string& stream) {
  return db_.Write([&](Connection& c) -> Result<Outcome> {
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return Outcome::kNoGroup;
    const std::int64_t group_id = (*group)->id;
    auto stream_id = FindStreamId(c, group_id, stream);
    if (!stream_id) return std::move(stream_id).error();
    if (!stream_id->has_value()) return Outcome::kNoStream;
    auto sum = PrepareBound(c,
                            "SELECT COALESCE(SUM(length(CAST(message AS BLOB))), 0) FROM "
                            "logs_events WHERE stream_id = ?",
                            **stream_id);
    if (!sum) return std::move(sum).error();
    Result<StepResult> step = sum->Step();
    if (!step) return std::move(step).error();
    const std::int64_t bytes = sum->ColumnInt64(0);
    if (Status st = Run(c, "DELETE FROM logs_streams WHERE id = ?", **stream_id); !st) {
      return std::move(st).error();
    }
    if (Status st = Run(c,
                        "UPDATE logs_groups SET stored_bytes = MAX(0, stored_bytes - ?) "
                        "WHERE id = ?",
                        bytes, group_id);
        !st) {
      return std::move(st).error();
    }
    return Outcome::kDone;
  });
}

Result<std::optional<std::vector<LogStreamRecord>>> SqliteLogsStore::ListLogStreams(
    const GroupKey& key, const StreamQuery& query) {
  return db_.Read([&](Connection& c) -> Result<std::optional<std::vector<LogStreamRecord>>> {
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return std::optional<std::vector<LogStreamRecord>>();
    // ?1 group, ?2 prefix, ?3 after name (NULL: first page), ?4 after last-event time, ?5 limit.
    static constexpr std::string_view kSelect =
        "SELECT name, created_at, first_event_at, last_event_at, last_ingestion_at, "
        "upload_sequence FROM logs_streams WHERE group_id = ?1 "
        "AND (?2 IS NULL OR substr(name, 1, length(?2)) = ?2) ";
    static const std::string by_name_asc =
        std::string(kSelect) + "AND (?3 IS NULL OR name > ?3) AND ?4 = ?4 ORDER BY name LIMIT ?5";
    static const std::string by_name_desc =
        std::string(kSelect) +
        "AND (?3 IS NULL OR name < ?3) AND ?4 = ?4 ORDER BY name DESC LIMIT ?5";
    static const std::string by_time_asc =
        std::string(kSelect) +
        "AND (?3 IS NULL OR (COALESCE(last_event_at, 0), name) > (?4, ?3)) "
        "ORDER BY COALESCE(last_event_at, 0), name LIMIT ?5";
    static const std::string by_time_desc =
        std::string(kSelect) +
        "AND (?3 IS NULL OR (COALESCE(last_event_at, 0), name) < (?4, ?3)) "
        "ORDER BY COALESCE(last_event_at, 0) DESC, name DESC LIMIT ?5";
    const std::string& sql = query.order == StreamOrder::kName
                                 ? (query.descending ? by_name_desc : by_name_asc)
                                 : (query.descending ? by_time_desc : by_time_asc);
    auto stmt = PrepareBound(c, sql, (*group)->id, query.name_prefix, query.after_name,
                             query.after_last_event, query.limit);
    if (!stmt) return std::move(stmt).error();
    std::vector<LogStreamRecord> streams;
    if (Status st = ForEachRow(*stmt,
                               [&](const Statement& row) {
                                 LogStreamRecord s;
                                 s.name = row.ColumnString(0);
                                 s.created_at = row.ColumnInt64(1);
                                 s.first_event_at = OptionalColumn(row, 2);
                                 s.last_event_at = OptionalColumn(row, 3);
                                 s.last_ingestion_at = OptionalColumn(row, 4);
                                 s.upload_sequence = row.ColumnInt64(5);
                                 streams.push_back(std::move(s));
                               });
        !st) {
      return std::move(st).error();
    }
    return std::optional<std::vector<LogStreamRecord>>(std::move(streams));
  });
}

// ---- events ----

Result<AppendResult> SqliteLogsStore::AppendEvents(
    const GroupKey& key, const std::string& stream, const std::vector<InputEvent>& events,
    std::int64_t now, const std::function<bool(std::int64_t, std::int64_t)>& need_filters) {
  return db_.Write([&](Connection& c) -> Result<AppendResult> {
    AppendResult result;
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) {
      result.outcome = Outcome::kNoGroup;
      return result;
    }
    const GroupRow& g = **group;
    auto stream_id = FindStreamId(c, g.id, stream);
    if (!stream_id) return std::move(stream_id).error();
    if (!stream_id->has_value()) {
      result.outcome = Outcome::kNoStream;
      return result;
    }
    if (Status st = PurgeGroup(c, g.id, g.retention_days, now); !st) return std::move(st).error();

    std::int64_t bytes = 0;
    std::int64_t first = kMaxInt64;
    std::int64_t last = std::numeric_limits<std::int64_t>::min();
    for (const InputEvent& event : events) {
      if (Status st = Run(c,
                          "INSERT INTO logs_events (group_id, stream_id, timestamp, "
                          "ingestion_time, message) VALUES (?, ?, ?, ?, ?)",
                          g.id, **stream_id, event.timestamp, now, event.message);
          !st) {
        return std::move(st).error();
      }
      bytes += static_cast<std::int64_t>(event.message.size());
      first = std::min(first, event.timestamp);
      last = std::max(last, event.timestamp);
    }
    if (events.empty()) {
      if (Status st = Run(c,
                          "UPDATE logs_streams SET upload_sequence = upload_sequence + 1 "
                          "WHERE id = ?",
                          **stream_id);
          !st) {
        return std::move(st).error();
      }
    } else {
      if (Status st = Run(c,
                          "UPDATE logs_streams SET "
                          "first_event_at = MIN(COALESCE(first_event_at, ?1), ?1), "
                          "last_event_at = MAX(COALESCE(last_event_at, ?2), ?2), "
                          "last_ingestion_at = ?3, upload_sequence = upload_sequence + 1 "
                          "WHERE id = ?4",
                          first, last, now, **stream_id);
          !st) {
        return std::move(st).error();
      }
      if (Status st = Run(c, "UPDATE logs_groups SET stored_bytes = stored_bytes + ? WHERE id = ?",
                          bytes, g.id);
          !st) {
        return std::move(st).error();
      }
    }
    auto sequence =
        PrepareBound(c, "SELECT upload_sequence FROM logs_streams WHERE id = ?", **stream_id);
    if (!sequence) return std::move(sequence).error();
    Result<StepResult> step = sequence->Step();
    if (!step) return std::move(step).error();
    result.upload_sequence = sequence->ColumnInt64(0);
    result.group_id = g.id;
    result.filters_version = g.filters_version;
    if (need_filters && need_filters(g.id, g.filters_version)) {
      auto filters = LoadGroupFilters(c, g.id);
      if (!filters) return std::move(filters).error();
      result.filters = std::move(filters).value();
      auto subscriptions = LoadSubscriptions(c, g.id, std::nullopt, std::nullopt, -1);
      if (!subscriptions) return std::move(subscriptions).error();
      result.subscriptions = std::move(subscriptions).value();
    }
    return result;
  });
}

Result<std::pair<Outcome, std::vector<StoredEvent>>> SqliteLogsStore::ReadStreamEvents(
    const GroupKey& key, const std::string& stream, const EventRange& range, bool forward,
    std::optional<EventCursor> cursor, int limit) {
  using Out = std::pair<Outcome, std::vector<StoredEvent>>;
  return db_.Read([&](Connection& c) -> Result<Out> {
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return Out{Outcome::kNoGroup, {}};
    auto stream_id = FindStreamId(c, (*group)->id, stream);
    if (!stream_id) return std::move(stream_id).error();
    if (!stream_id->has_value()) return Out{Outcome::kNoStream, {}};
    // ?1 stream, ?2 from (inclusive), ?3 to (exclusive), ?4/?5 cursor, ?6 limit.
    static constexpr std::string_view kSelect =
        "SELECT id, timestamp, ingestion_time, message FROM logs_events WHERE stream_id = ?1 "
        "AND timestamp >= ?2 AND timestamp < ?3 ";
    static const std::string forward_sql =
        std::string(kSelect) + "AND (timestamp, id) > (?4, ?5) ORDER BY timestamp, id LIMIT ?6";
    static const std::string backward_sql =
        std::string(kSelect) +
        "AND (timestamp, id) < (?4, ?5) ORDER BY timestamp DESC, id DESC LIMIT ?6";
    const std::int64_t from = std::max(range.start_time.value_or(0), range.not_before);
    const std::int64_t to = range.end_time.value_or(kMaxInt64);
    EventCursor position =
        cursor.value_or(forward ? EventCursor{-1, -1} : EventCursor{kMaxInt64, kMaxInt64});
    auto stmt = PrepareBound(c, forward ? forward_sql : backward_sql, **stream_id, from, to,
                             position.timestamp, position.id, limit);
    if (!stmt) return std::move(stmt).error();
    std::vector<StoredEvent> events;
    if (Status st = ForEachRow(*stmt,
                               [&](const Statement& row) {
                                 StoredEvent e;
                                 e.id = row.ColumnInt64(0);
                                 e.timestamp = row.ColumnInt64(1);
                                 e.ingestion_time = row.ColumnInt64(2);
                                 e.message = row.ColumnString(3);
                                 events.push_back(std::move(e));
                               });
        !st) {
      return std::move(st).error();
    }
    if (!forward) std::reverse(events.begin(), events.end());
    return Out{Outcome::kDone, std::move(events)};
  });
}

Result<std::pair<Outcome, std::vector<StoredEvent>>> SqliteLogsStore::ScanGroupEvents(
    const GroupKey& key, const EventRange& range, std::optional<EventCursor> after,
    const std::vector<std::string>& stream_names, const std::optional<std::string>& stream_prefix,
    int limit) {
  using Out = std::pair<Outcome, std::vector<StoredEvent>>;
  return db_.Read([&](Connection& c) -> Result<Out> {
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return Out{Outcome::kNoGroup, {}};
    static constexpr std::string_view kSql =
        "SELECT e.id, e.timestamp, e.ingestion_time, e.message, s.name FROM logs_events e "
        "JOIN logs_streams s ON s.id = e.stream_id WHERE e.group_id = ?1 "
        "AND e.timestamp >= ?2 AND e.timestamp < ?3 AND (e.timestamp, e.id) > (?4, ?5) "
        "AND (?6 IS NULL OR substr(s.name, 1, length(?6)) = ?6) "
        "AND (?7 IS NULL OR s.name IN (SELECT value FROM json_each(?7))) "
        "ORDER BY e.timestamp, e.id LIMIT ?8";
    std::optional<std::string> names;
    if (!stream_names.empty()) {
      boost::json::array array;
      for (const auto& name : stream_names) array.emplace_back(name);
      names = boost::json::serialize(array);
    }
    const std::int64_t from = std::max(range.start_time.value_or(0), range.not_before);
    const std::int64_t to = range.end_time.value_or(kMaxInt64);
    const EventCursor position = after.value_or(EventCursor{-1, -1});
    auto stmt = PrepareBound(c, kSql, (*group)->id, from, to, position.timestamp, position.id,
                             stream_prefix, names, limit);
    if (!stmt) return std::move(stmt).error();
    std::vector<StoredEvent> events;
    if (Status st = ForEachRow(*stmt,
                               [&](const Statement& row) {
                                 StoredEvent e;
                                 e.id = row.ColumnInt64(0);
                                 e.timestamp = row.ColumnInt64(1);
                                 e.ingestion_time = row.ColumnInt64(2);
                                 e.message = row.ColumnString(3);
                                 e.stream_name = row.ColumnString(4);
                                 events.push_back(std::move(e));
                               });
        !st) {
      return std::move(st).error();
    }
    return Out{Outcome::kDone, std::move(events)};
  });
}

// ---- Logs Insights: events by id, query definitions ----

Result<std::optional<LocatedEvent>> SqliteLogsStore::FindEvent(const std::string& account_id,
                                                               const std::string& region,
                                                               std::int64_t event_id,
                                                               std::int64_t now) {
  using Out = std::optional<LocatedEvent>;
  return db_.Read([&](Connection& c) -> Result<Out> {
    auto stmt = PrepareBound(
        c,
        "SELECT e.id, e.timestamp, e.ingestion_time, e.message, s.name, g.name, g.id, "
        "g.retention_days FROM logs_events e JOIN logs_streams s ON s.id = e.stream_id "
        "JOIN logs_groups g ON g.id = e.group_id "
        "WHERE e.id = ? AND g.account_id = ? AND g.region = ?",
        event_id, account_id, region);
    if (!stmt) return std::move(stmt).error();
    Result<StepResult> step = stmt->Step();
    if (!step) return std::move(step).error();
    if (*step == StepResult::kDone) return Out();
    LocatedEvent found;
    found.event.id = stmt->ColumnInt64(0);
    found.event.timestamp = stmt->ColumnInt64(1);
    found.event.ingestion_time = stmt->ColumnInt64(2);
    found.event.message = stmt->ColumnString(3);
    found.event.stream_name = stmt->ColumnString(4);
    found.group_name = stmt->ColumnString(5);
    found.group_id = stmt->ColumnInt64(6);
    if (!stmt->ColumnIsNull(7) &&
        found.event.timestamp < now - stmt->ColumnInt64(7) * kMillisPerDay) {
      return Out();
    }
    return Out(std::move(found));
  });
}

namespace {

std::string NamesJson(const std::vector<std::string>& names) {
  boost::json::array array;
  for (const auto& name : names) array.emplace_back(name);
  return boost::json::serialize(array);
}

std::vector<std::string> NamesFromJson(std::string_view text) {
  std::vector<std::string> names;
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_array()) return names;
  for (const auto& item : value.as_array()) {
    if (item.is_string()) names.emplace_back(item.as_string().c_str());
  }
  return names;
}

}  // namespace

Result<Outcome> SqliteLogsStore::PutQueryDefinition(const std::string& account_id,
                                                    const std::string& region,
                                                    const QueryDefinitionRecord& d, bool replace,
                                                    int max) {
  return db_.Write([&](Connection& c) -> Result<Outcome> {
    auto existing = PrepareBound(
        c,
        "SELECT (SELECT COUNT(*) FROM logs_query_definitions WHERE account_id = ?1 AND "
        "region = ?2), EXISTS (SELECT 1 FROM logs_query_definitions WHERE account_id = ?1 AND "
        "region = ?2 AND id = ?3)",
        account_id, region, d.id);
    if (!existing) return std::move(existing).error();
    Result<StepResult> step = existing->Step();
    if (!step) return std::move(step).error();
    const bool exists = existing->ColumnInt64(1) != 0;
    if (replace && !exists) return Outcome::kNotFound;
    if (!replace && existing->ColumnInt64(0) >= max) return Outcome::kLimitExceeded;
    if (Status st = Run(c,
                        "INSERT INTO logs_query_definitions (account_id, region, id, name, "
                        "query_string, query_language, log_group_names, parameters, "
                        "last_modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (account_id, region, id) DO UPDATE SET name = excluded.name, "
                        "query_string = excluded.query_string, "
                        "query_language = excluded.query_language, "
                        "log_group_names = excluded.log_group_names, "
                        "parameters = excluded.parameters, "
                        "last_modified = excluded.last_modified",
                        account_id, region, d.id, d.name, d.query_string, d.query_language,
                        NamesJson(d.log_group_names), d.parameters_json, d.last_modified);
        !st) {
      return std::move(st).error();
    }
    return Outcome::kDone;
  });
}

Result<std::vector<QueryDefinitionRecord>> SqliteLogsStore::ListQueryDefinitions(
    const std::string& account_id, const std::string& region,
    const std::optional<std::string>& name_prefix, const std::optional<std::string>& query_language,
    const std::optional<std::pair<std::string, std::string>>& after, int limit) {
  using Out = std::vector<QueryDefinitionRecord>;
  return db_.Read([&](Connection& c) -> Result<Out> {
    std::optional<std::string> after_name, after_id;
    if (after) {
      after_name = after->first;
      after_id = after->second;
    }
    auto stmt = PrepareBound(
        c,
        "SELECT id, name, query_string, query_language, log_group_names, parameters, "
        "last_modified FROM logs_query_definitions WHERE account_id = ?1 AND region = ?2 "
        "AND (?3 IS NULL OR substr(name, 1, length(?3)) = ?3) "
        "AND (?4 IS NULL OR query_language = ?4) "
        "AND (?5 IS NULL OR (name, id) > (?5, ?6)) ORDER BY name, id LIMIT ?7",
        account_id, region, name_prefix, query_language, after_name, after_id, limit);
    if (!stmt) return std::move(stmt).error();
    Out out;
    if (Status st = ForEachRow(*stmt,
                               [&](const Statement& row) {
                                 QueryDefinitionRecord d;
                                 d.id = row.ColumnString(0);
                                 d.name = row.ColumnString(1);
                                 d.query_string = row.ColumnString(2);
                                 d.query_language = row.ColumnString(3);
                                 d.log_group_names = NamesFromJson(row.ColumnText(4));
                                 d.parameters_json = row.ColumnString(5);
                                 d.last_modified = row.ColumnInt64(6);
                                 out.push_back(std::move(d));
                               });
        !st) {
      return std::move(st).error();
    }
    return out;
  });
}

Result<Outcome> SqliteLogsStore::DeleteQueryDefinition(const std::string& account_id,
                                                       const std::string& region,
                                                       const std::string& id) {
  return db_.Write([&](Connection& c) -> Result<Outcome> {
    if (Status st = Run(c,
                        "DELETE FROM logs_query_definitions WHERE account_id = ? AND region = ? "
                        "AND id = ?",
                        account_id, region, id);
        !st) {
      return std::move(st).error();
    }
    return c.Changes() > 0 ? Outcome::kDone : Outcome::kNotFound;
  });
}

// ---- metric filters ----

Result<Outcome> SqliteLogsStore::PutMetricFilter(const GroupKey& key,
                                                 const MetricFilterRecord& filter,
                                                 int max_filters) {
  return db_.Write([&](Connection& c) -> Result<Outcome> {
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return Outcome::kNoGroup;
    const std::int64_t id = (*group)->id;
    auto existing =
        PrepareBound(c,
                     "SELECT (SELECT COUNT(*) FROM logs_metric_filters WHERE group_id = ?1), "
                     "EXISTS (SELECT 1 FROM logs_metric_filters WHERE group_id = ?1 AND name = ?2)",
                     id, filter.name);
    if (!existing) return std::move(existing).error();
    Result<StepResult> step = existing->Step();
    if (!step) return std::move(step).error();
    const bool replaces = existing->ColumnInt64(1) != 0;
    if (!replaces && existing->ColumnInt64(0) >= max_filters) return Outcome::kLimitExceeded;
    const MetricTransformationRecord& t = filter.transformation;
    if (Status st =
            Run(c,
                "INSERT INTO logs_metric_filters (group_id, name, pattern, created_at, "
                "metric_name, metric_namespace, metric_value, default_value, unit, "
                "dimensions, apply_on_transformed_logs) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (group_id, name) DO UPDATE SET pattern = excluded.pattern, "
                "metric_name = excluded.metric_name, "
                "metric_namespace = excluded.metric_namespace, "
                "metric_value = excluded.metric_value, "
                "default_value = excluded.default_value, unit = excluded.unit, "
                "dimensions = excluded.dimensions, "
                "apply_on_transformed_logs = excluded.apply_on_transformed_logs",
                id, filter.name, filter.pattern, filter.created_at, t.metric_name,
                t.metric_namespace, t.metric_value, t.default_value, t.unit,
                EncodeDimensions(t.dimensions), static_cast<int>(filter.apply_on_transformed_logs));
        !st) {
      return std::move(st).error();
    }
    if (Status st = Run(c,
                        "UPDATE logs_groups SET filters_version = filters_version + 1 "
                        "WHERE id = ?",
                        id);
        !st) {
      return std::move(st).error();
    }
    return Outcome::kDone;
  });
}

Result<Outcome> SqliteLogsStore::DeleteMetricFilter(const GroupKey& key, const std::string& name) {
  return db_.Write([&](Connection& c) -> Result<Outcome> {
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return Outcome::kNoGroup;
    if (Status st = Run(c, "DELETE FROM logs_metric_filters WHERE group_id = ? AND name = ?",
                        (*group)->id, name);
        !st) {
      return std::move(st).error();
    }
    if (c.Changes() == 0) return Outcome::kNotFound;
    if (Status st = Run(c,
                        "UPDATE logs_groups SET filters_version = filters_version + 1 "
                        "WHERE id = ?",
                        (*group)->id);
        !st) {
      return std::move(st).error();
    }
    return Outcome::kDone;
  });
}

Result<std::pair<Outcome, std::vector<MetricFilterRecord>>> SqliteLogsStore::ListMetricFilters(
    const std::string& account_id, const std::string& region, const FilterQuery& query) {
  using Out = std::pair<Outcome, std::vector<MetricFilterRecord>>;
  return db_.Read([&](Connection& c) -> Result<Out> {
    if (query.group_name) {
      auto group = FindGroupRow(c, GroupKey{account_id, region, *query.group_name});
      if (!group) return std::move(group).error();
      if (!group->has_value()) return Out{Outcome::kNoGroup, {}};
    }
    static const std::string sql =
        std::string("SELECT ")
            .append(kFilterColumns)
            .append(
                " FROM logs_metric_filters f JOIN logs_groups g ON g.id = f.group_id "
                "WHERE g.account_id = ?1 AND g.region = ?2 AND (?3 IS NULL OR g.name = ?3) "
                "AND (?4 IS NULL OR substr(f.name, 1, length(?4)) = ?4) "
                "AND (?5 IS NULL OR f.metric_name = ?5) "
                "AND (?6 IS NULL OR f.metric_namespace = ?6) "
                "AND (?7 IS NULL OR (g.name, f.name) > (?7, ?8)) "
                "ORDER BY g.name, f.name LIMIT ?9");
    std::optional<std::string> after_group;
    std::string after_name;
    if (query.after) {
      after_group = query.after->first;
      after_name = query.after->second;
    }
    auto stmt = PrepareBound(c, sql, account_id, region, query.group_name, query.name_prefix,
                             query.metric_name, query.metric_namespace, after_group, after_name,
                             query.limit);
    if (!stmt) return std::move(stmt).error();
    std::vector<MetricFilterRecord> filters;
    if (Status st =
            ForEachRow(*stmt, [&](const Statement& row) { filters.push_back(ReadFilter(row)); });
        !st) {
      return std::move(st).error();
    }
    return Out{Outcome::kDone, std::move(filters)};
  });
}

// ---- subscription filters ----

Result<Outcome> SqliteLogsStore::PutSubscriptionFilter(const GroupKey& key,
                                                       const SubscriptionFilterRecord& filter,
                                                       int max_filters) {
  return db_.Write([&](Connection& c) -> Result<Outcome> {
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return Outcome::kNoGroup;
    const std::int64_t id = (*group)->id;
    auto existing = PrepareBound(
        c,
        "SELECT (SELECT COUNT(*) FROM logs_subscription_filters WHERE group_id = ?1), "
        "EXISTS (SELECT 1 FROM logs_subscription_filters WHERE group_id = ?1 AND name = ?2)",
        id, filter.name);
    if (!existing) return std::move(existing).error();
    Result<StepResult> step = existing->Step();
    if (!step) return std::move(step).error();
    const bool replaces = existing->ColumnInt64(1) != 0;
    if (!replaces && existing->ColumnInt64(0) >= max_filters) return Outcome::kLimitExceeded;
    if (Status st = Run(c,
                        "INSERT INTO logs_subscription_filters (group_id, name, pattern, "
                        "destination_arn, role_arn, distribution, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (group_id, name) DO UPDATE SET pattern = excluded.pattern, "
                        "destination_arn = excluded.destination_arn, "
                        "role_arn = excluded.role_arn, distribution = excluded.distribution",
                        id, filter.name, filter.pattern, filter.destination_arn, filter.role_arn,
                        filter.distribution, filter.created_at);
        !st) {
      return std::move(st).error();
    }
    if (Status st = Run(c,
                        "UPDATE logs_groups SET filters_version = filters_version + 1 "
                        "WHERE id = ?",
                        id);
        !st) {
      return std::move(st).error();
    }
    return Outcome::kDone;
  });
}

Result<Outcome> SqliteLogsStore::DeleteSubscriptionFilter(const GroupKey& key,
                                                          const std::string& name) {
  return db_.Write([&](Connection& c) -> Result<Outcome> {
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return Outcome::kNoGroup;
    if (Status st = Run(c, "DELETE FROM logs_subscription_filters WHERE group_id = ? AND name = ?",
                        (*group)->id, name);
        !st) {
      return std::move(st).error();
    }
    if (c.Changes() == 0) return Outcome::kNotFound;
    if (Status st = Run(c,
                        "UPDATE logs_groups SET filters_version = filters_version + 1 "
                        "WHERE id = ?",
                        (*group)->id);
        !st) {
      return std::move(st).error();
    }
    return Outcome::kDone;
  });
}

Result<std::pair<Outcome, std::vector<SubscriptionFilterRecord>>>
SqliteLogsStore::ListSubscriptionFilters(const GroupKey& key,
                                         const std::optional<std::string>& name_prefix,
                                         const std::optional<std::string>& after, int limit) {
  using Out = std::pair<Outcome, std::vector<SubscriptionFilterRecord>>;
  return db_.Read([&](Connection& c) -> Result<Out> {
    auto group = FindGroupRow(c, key);
    if (!group) return std::move(group).error();
    if (!group->has_value()) return Out{Outcome::kNoGroup, {}};
    auto filters = LoadSubscriptions(c, (*group)->id, name_prefix, after, limit);
    if (!filters) return std::move(filters).error();
    return Out{Outcome::kDone, std::move(filters).value()};
  });
}

}  // namespace tw::services::logs
