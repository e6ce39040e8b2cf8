// SPDX-License-Identifier: Apache-2.0
#include "services/cloudwatch/cloudwatch_store.h"

#include <boost/json.hpp>

namespace tw::services::cloudwatch {
namespace {

namespace json = boost::json;
using store::Connection;
using store::StepResult;

json::array EncodePairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json::array out;
  for (const auto& [a, b] : pairs) out.push_back(json::array{json::string(a), json::string(b)});
  return out;
}

std::vector<std::pair<std::string, std::string>> DecodePairs(const json::value* v) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!v || !v->is_array()) return out;
  for (const auto& item : v->as_array()) {
    if (item.is_array() && item.as_array().size() == 2) {
      out.emplace_back(json::value_to<std::string>(item.as_array()[0]),
                       json::value_to<std::string>(item.as_array()[1]));
    }
  }
  return out;
}

json::array EncodeStrings(const std::vector<std::string>& list) {
  json::array out;
  for (const auto& s : list) out.emplace_back(s);
  return out;
}

std::vector<std::string> DecodeStrings(const json::value* v) {
  std::vector<std::string> out;
  if (v && v->is_array()) {
    for (const auto& s : v->as_array()) {
      if (s.is_string()) out.emplace_back(s.as_string());
    }
  }
  return out;
}

void PutOptional(json::object& o, const char* key, const std::optional<std::string>& v) {
  if (v) o[key] = *v;
}
std::optional<std::string> GetOptional(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}
std::string GetString(const json::object& o, const char* key) {
  return GetOptional(o, key).value_or("");
}
std::int64_t GetInt(const json::object& o, const char* key, std::int64_t fallback = 0) {
  auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : fallback;
}
double GetDouble(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  return 0;
}

std::string DimensionsJson(const Dimensions& d) { return json::serialize(EncodePairs(d)); }

}  // namespace

std::string CloudWatchStore::EncodeAlarm(const Alarm& a) {
  const AlarmConfig& c = a.config;
  json::object o;
  o["account_id"] = a.account_id;
  o["region"] = a.region;
  o["name"] = c.name;
  PutOptional(o, "description", c.description);
  o["actions_enabled"] = c.actions_enabled;
  o["ok_actions"] = EncodeStrings(c.ok_actions);
  o["alarm_actions"] = EncodeStrings(c.alarm_actions);
  o["insufficient_data_actions"] = EncodeStrings(c.insufficient_data_actions);
  o["namespace"] = c.namespace_name;
  o["metric_name"] = c.metric_name;
  o["dimensions"] = EncodePairs(c.dimensions);
  PutOptional(o, "statistic", c.statistic);
  PutOptional(o, "extended_statistic", c.extended_statistic);
  PutOptional(o, "unit", c.unit);
  o["period"] = c.period;
  json::array metrics;
  for (const MetricQuery& q : c.metrics) {
    json::object m;
    m["id"] = q.id;
    PutOptional(m, "expression", q.expression);
    PutOptional(m, "label", q.label);
    m["return_data"] = q.return_data;
    if (q.metric) {
      m["namespace"] = q.metric->namespace_name;
      m["metric_name"] = q.metric->metric_name;
      m["dimensions"] = EncodePairs(q.metric->dimensions);
    }
    m["period"] = q.period;
    m["stat"] = q.stat;
    PutOptional(m, "unit", q.unit);
    metrics.push_back(std::move(m));
  }
  o["metrics"] = std::move(metrics);
  o["evaluation_periods"] = c.evaluation_periods;
  if (c.datapoints_to_alarm) o["datapoints_to_alarm"] = *c.datapoints_to_alarm;
  o["threshold"] = c.threshold;
  o["comparison"] = std::string(ComparisonName(c.comparison));
  o["treat_missing"] = std::string(MissingDataName(c.treat_missing));
  o["treat_missing_set"] = c.treat_missing_set;
  PutOptional(o, "evaluate_low_sample_count_percentile", c.evaluate_low_sample_count_percentile);
  o["tags"] = EncodePairs(c.tags);
  PutOptional(o, "alarm_rule", c.alarm_rule);
  o["state"] = std::string(StateName(a.status.state));
  o["reason"] = a.status.reason;
  o["reason_data"] = a.status.reason_data;
  o["state_updated"] = a.status.state_updated_ms;
  o["state_transitioned"] = a.status.state_transitioned_ms;
  o["configuration_updated"] = a.status.configuration_updated_ms;
  return json::serialize(o);
}

Result<Alarm> CloudWatchStore::DecodeAlarm(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return AwsError::From(ErrorCode::kInternalFailure, "corrupt stored alarm record");
  }
  const json::object& o = v.as_object();
  Alarm a;
  a.account_id = GetString(o, "account_id");
  a.region = GetString(o, "region");
  AlarmConfig& c = a.config;
  c.name = GetString(o, "name");
  c.description = GetOptional(o, "description");
  auto* enabled = o.if_contains("actions_enabled");
  c.actions_enabled = !enabled || !enabled->is_bool() || enabled->as_bool();
  c.ok_actions = DecodeStrings(o.if_contains("ok_actions"));
  c.alarm_actions = DecodeStrings(o.if_contains("alarm_actions"));
  c.insufficient_data_actions = DecodeStrings(o.if_contains("insufficient_data_actions"));
  c.namespace_name = GetString(o, "namespace");
  c.metric_name = GetString(o, "metric_name");
  c.dimensions = DecodePairs(o.if_contains("dimensions"));
  c.statistic = GetOptional(o, "statistic");
  c.extended_statistic = GetOptional(o, "extended_statistic");
  c.unit = GetOptional(o, "unit");
  c.period = static_cast<int>(GetInt(o, "period"));
  if (auto* metrics = o.if_contains("metrics"); metrics && metrics->is_array()) {
    for (const auto& mv : metrics->as_array()) {
      if (!mv.is_object()) continue;
      const json::object& m = mv.as_object();
      MetricQuery q;
      q.id = GetString(m, "id");
      q.expression = GetOptional(m, "expression");
      q.label = GetOptional(m, "label");
      auto* rd = m.if_contains("return_data");
      q.return_data = rd && rd->is_bool() && rd->as_bool();
      if (m.contains("metric_name")) {
        MetricKey key{a.account_id, a.region, GetString(m, "namespace"),
                      GetString(m, "metric_name"), DecodePairs(m.if_contains("dimensions"))};
        q.metric = std::move(key);
      }
      q.period = static_cast<int>(GetInt(m, "period"));
      q.stat = GetString(m, "stat");
      q.unit = GetOptional(m, "unit");
      c.metrics.push_back(std::move(q));
    }
  }
  c.evaluation_periods = static_cast<int>(GetInt(o, "evaluation_periods", 1));
  if (o.contains("datapoints_to_alarm")) {
    c.datapoints_to_alarm = static_cast<int>(GetInt(o, "datapoints_to_alarm"));
  }
  c.threshold = GetDouble(o, "threshold");
  c.comparison = ParseComparison(GetString(o, "comparison")).value_or(Comparison::kGreaterOrEqual);
  c.treat_missing = ParseMissingData(GetString(o, "treat_missing")).value_or(MissingData::kMissing);
  auto* tms = o.if_contains("treat_missing_set");
  c.treat_missing_set = tms && tms->is_bool() && tms->as_bool();
  c.evaluate_low_sample_count_percentile = GetOptional(o, "evaluate_low_sample_count_percentile");
  c.tags = DecodePairs(o.if_contains("tags"));
  c.alarm_rule = GetOptional(o, "alarm_rule");
  a.status.state = ParseState(GetString(o, "state")).value_or(AlarmState::kInsufficientData);
  a.status.reason = GetString(o, "reason");
  a.status.reason_data = GetString(o, "reason_data");
  a.status.state_updated_ms = GetInt(o, "state_updated");
  a.status.state_transitioned_ms = GetInt(o, "state_transitioned");
  a.status.configuration_updated_ms = GetInt(o, "configuration_updated");
  return a;
}

Status CloudWatchStore::AppendPoints(const std::vector<std::pair<MetricKey, RawPoint>>& points) {
  PendingBatch mine;
  mine.points = &points;
  std::unique_lock lock(group_mutex_);
  queued_.push_back(&mine);
  // Wait while another caller commits; a batch queued meanwhile is taken by the next leader
  // (possibly this caller), or was already written by the running one.
  group_cv_.wait(lock, [&] { return mine.done || !committing_; });
  if (mine.done) return mine.status;
  committing_ = true;
  std::vector<PendingBatch*> batches;
  batches.swap(queued_);
  lock.unlock();
  std::vector<const std::vector<std::pair<MetricKey, RawPoint>>*> all;
  all.reserve(batches.size());
  for (const PendingBatch* b : batches) all.push_back(b->points);
  Status status = WriteBatches(all);
  lock.lock();
  for (PendingBatch* b : batches) {
    b->status = status;
    b->done = true;
  }
  committing_ = false;
  lock.unlock();
  group_cv_.notify_all();
  return mine.status;
}

Status CloudWatchStore::WriteBatches(
    const std::vector<const std::vector<std::pair<MetricKey, RawPoint>>*>& batches) {
  return database_.Write([&](Connection& c) -> Status {
    // One prepared statement for the whole transaction, reset between rows.
    auto stmt = c.Prepare(
        "INSERT INTO cw_points (account_id, region, namespace, metric_name, dimensions, "
        "timestamp, unit, sample_count, sum, minimum, maximum, vals, storage_resolution, "
        "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt) return std::move(stmt).error();
    for (const auto* batch : batches) {
      for (const auto& [key, p] : *batch) {
        stmt->Reset(true);
        json::array vals;
        for (const auto& [v, n] : p.values) vals.push_back(json::array{v, n});
        if (Status st = stmt->BindAll(
                key.account_id, key.region, key.namespace_name, key.metric_name,
                DimensionsJson(key.dimensions), p.timestamp_ms, p.unit, p.sample_count, p.sum,
                p.minimum, p.maximum, json::serialize(vals), p.storage_resolution, p.received_ms);
            !st) {
          return st;
        }
        if (Status st = stmt->Exec(); !st) return st;
      }
    }
    return {};
  });
}

Result<std::vector<std::pair<MetricKey, RawPoint>>> CloudWatchStore::LoadPoints(
    std::int64_t since_ms) {
  using Out = std::vector<std::pair<MetricKey, RawPoint>>;
  return database_.Read([&](Connection& c) -> Result<Out> {
    auto stmt = c.Prepare(
        "SELECT account_id, region, namespace, metric_name, dimensions, timestamp, unit, "
        "sample_count, sum, minimum, maximum, vals, storage_resolution, received_at FROM "
        "cw_points WHERE timestamp >= ? OR received_at >= ? ORDER BY id");
    if (!stmt) return std::move(stmt).error();
    if (Status st = stmt->BindAll(since_ms, since_ms); !st) return std::move(st).error();
    Out out;
    while (true) {
      auto step = stmt->Step();
      if (!step) return std::move(step).error();
      if (*step == StepResult::kDone) break;
      MetricKey key{stmt->ColumnString(0),
                    stmt->ColumnString(1),
                    stmt->ColumnString(2),
                    stmt->ColumnString(3),
                    {}};
      boost::system::error_code ec;
      json::value dims = json::parse(stmt->ColumnText(4), ec);
      if (!ec) key.dimensions = DecodePairs(&dims);
      RawPoint p;
      p.timestamp_ms = stmt->ColumnInt64(5);
      p.unit = stmt->ColumnString(6);
      p.sample_count = stmt->ColumnDouble(7);
      p.sum = stmt->ColumnDouble(8);
      p.minimum = stmt->ColumnDouble(9);
      p.maximum = stmt->ColumnDouble(10);
      json::value vals = json::parse(stmt->ColumnText(11), ec);
      if (!ec && vals.is_array()) {
        for (const auto& pair : vals.as_array()) {
          const auto& arr = pair.as_array();
          p.values.emplace_back(arr[0].to_number<double>(), arr[1].to_number<double>());
        }
      }
      p.storage_resolution = static_cast<int>(stmt->ColumnInt64(12));
      if (!stmt->ColumnIsNull(13)) p.received_ms = stmt->ColumnInt64(13);
      out.emplace_back(std::move(key), std::move(p));
    }
    return out;
  });
}

Status CloudWatchStore::DeletePointsBefore(std::int64_t cutoff_ms) {
  return database_.Write([&](Connection& c) -> Status {
    auto stmt = c.Prepare(
        "DELETE FROM cw_points WHERE timestamp < ? AND (received_at IS NULL OR received_at < ?)");
    if (!stmt) return std::move(stmt).error();
    if (Status st = stmt->BindAll(cutoff_ms, cutoff_ms); !st) return st;
    return stmt->Exec();
  });
}

Status CloudWatchStore::SaveAlarm(const Alarm& alarm) {
  const std::string record = EncodeAlarm(alarm);
  return database_.Write([&](Connection& c) -> Status {
    auto stmt = c.Prepare(
        "INSERT INTO cw_alarms (account_id, region, name, record) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (account_id, region, name) DO UPDATE SET record = excluded.record");
    if (!stmt) return std::move(stmt).error();
    if (Status st = stmt->BindAll(alarm.account_id, alarm.region, alarm.config.name, record); !st) {
      return st;
    }
    return stmt->Exec();
  });
}

Status CloudWatchStore::DeleteAlarm(const std::string& account, const std::string& region,
                                    const std::string& name) {
  return database_.Write([&](Connection& c) -> Status {
    auto stmt = c.Prepare("DELETE FROM cw_alarms WHERE account_id = ? AND region = ? AND name = ?");
    if (!stmt) return std::move(stmt).error();
    if (Status st = stmt->BindAll(account, region, name); !st) return st;
    return stmt->Exec();
  });
}

Result<std::vector<Alarm>> CloudWatchStore::LoadAlarms() {
  return database_.Read([&](Connection& c) -> Result<std::vector<Alarm>> {
    auto stmt = c.Prepare("SELECT record FROM cw_alarms");
    if (!stmt) return std::move(stmt).error();
    std::vector<Alarm> out;
    while (true) {
      auto step = stmt->Step();
      if (!step) return std::move(step).error();
      if (*step == StepResult::kDone) break;
      auto alarm = DecodeAlarm(stmt->ColumnText(0));
      if (alarm) out.push_back(std::move(*alarm));
    }
    return out;
  });
}

Result<std::int64_t> CloudWatchStore::AppendHistory(const HistoryItem& item) {
  return database_.Write([&](Connection& c) -> Result<std::int64_t> {
    auto stmt = c.Prepare(
        "INSERT INTO cw_alarm_history (account_id, region, alarm_name, alarm_type, timestamp, "
        "item_type, summary, data, replayed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt) return std::move(stmt).error();
    if (Status st = stmt->BindAll(item.account_id, item.region, item.alarm_name, item.alarm_type,
                                  item.timestamp_ms, HistoryTypeName(item.type), item.summary,
                                  item.data, item.replayed_at_ms);
        !st) {
      return std::move(st).error();
    }
    if (Status st = stmt->Exec(); !st) return std::move(st).error();
    return c.LastInsertRowId();
  });
}

Result<std::vector<HistoryItem>> CloudWatchStore::LoadHistory(std::int64_t since_ms) {
  return database_.Read([&](Connection& c) -> Result<std::vector<HistoryItem>> {
    auto stmt = c.Prepare(
        "SELECT id, account_id, region, alarm_name, alarm_type, timestamp, item_type, summary, "
        "data, replayed_at FROM cw_alarm_history WHERE timestamp >= ? OR replayed_at >= ? "
        "ORDER BY id");
    if (!stmt) return std::move(stmt).error();
    if (Status st = stmt->BindAll(since_ms, since_ms); !st) return std::move(st).error();
    std::vector<HistoryItem> out;
    while (true) {
      auto step = stmt->Step();
      if (!step) return std::move(step).error();
      if (*step == StepResult::kDone) break;
      HistoryItem h;
      h.id = stmt->ColumnInt64(0);
      h.account_id = stmt->ColumnString(1);
      h.region = stmt->ColumnString(2);
      h.alarm_name = stmt->ColumnString(3);
      h.alarm_type = stmt->ColumnString(4);
      h.timestamp_ms = stmt->ColumnInt64(5);
      h.type = ParseHistoryType(stmt->ColumnText(6)).value_or(HistoryType::kStateUpdate);
      h.summary = stmt->ColumnString(7);
      h.data = stmt->ColumnString(8);
      if (!stmt->ColumnIsNull(9)) h.replayed_at_ms = stmt->ColumnInt64(9);
      out.push_back(std::move(h));
    }
    return out;
  });
}

Status CloudWatchStore::DeleteReplayedHistory(const std::string& account, const std::string& region,
                                              const std::string& alarm_name, std::int64_t start_ms,
                                              std::int64_t end_ms) {
  return database_.Write([&](Connection& c) -> Status {
    auto stmt = c.Prepare(
        "DELETE FROM cw_alarm_history WHERE account_id = ? AND region = ? AND alarm_name = ? AND "
        "replayed_at IS NOT NULL AND timestamp >= ? AND timestamp <= ?");
    if (!stmt) return std::move(stmt).error();
    if (Status st = stmt->BindAll(account, region, alarm_name, start_ms, end_ms); !st) return st;
    return stmt->Exec();
  });
}

}  // namespace tw::services::cloudwatch
