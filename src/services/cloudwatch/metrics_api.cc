// SPDX-License-Identifier: Apache-2.0
// Metric operations: PutMetricData, ListMetrics, GetMetricStatistics, GetMetricData.
#include <algorithm>
#include <set>

#include "services/cloudwatch/cloudwatch_service.h"
#include "services/cloudwatch/statistics.h"
#include "services/cloudwatch/support.h"

namespace tw::services::cloudwatch {
namespace {

std::string Member(std::size_t i, std::string_view field) {
  return "The parameter MetricData.member." + std::to_string(i + 1) + "." + std::string(field);
}

// Metric queries of GetMetricData / PutMetricAlarm Metrics.
Result<std::vector<MetricQuery>> ReadQueries(const Value* list) {
  std::vector<MetricQuery> out;
  if (!list || !list->is_list()) return out;
  for (const Value& item : list->as_list()) {
    MetricQuery q;
    q.id = std::string(item.GetString("Id"));
    q.expression = OptString(item, "Expression");
    q.label = OptString(item, "Label");
    q.return_data = OptBool(item, "ReturnData").value_or(true);
    q.period = static_cast<int>(OptInt(item, "Period").value_or(0));
    if (const Value* stat = item.Find("MetricStat"); stat && stat->is_object()) {
      const Value* metric = stat->Find("Metric");
      MetricKey key;
      if (metric) {
        key.namespace_name = std::string(metric->GetString("Namespace"));
        key.metric_name = std::string(metric->GetString("MetricName"));
        key.dimensions = ReadDimensions(*metric);
      }
      q.metric = std::move(key);
      q.period = static_cast<int>(OptInt(*stat, "Period").value_or(60));
      q.stat = std::string(stat->GetString("Stat"));
      q.unit = OptString(*stat, "Unit");
      if (!IsSupportedStat(q.stat)) {
        return InvalidValue("The statistic " + q.stat + " of query " + q.id +
                            " is not supported by trailwatch (supported: SampleCount, Average, "
                            "Sum, Minimum, Maximum, pNN)");
      }
    }
    if (q.metric.has_value() == q.expression.has_value()) {
      return InvalidValue("The parameter MetricDataQueries.member." +
                          std::to_string(out.size() + 1) +
                          " must have exactly one of MetricStat and Expression.");
    }
    out.push_back(std::move(q));
  }
  return out;
}

}  // namespace

Result<std::vector<MetricQuery>> ReadMetricQueries(const Value* list) { return ReadQueries(list); }

Result<Value> CloudWatchService::PutMetricData(RequestContext& context, const Value& input) {
  const std::string namespace_name(input.GetString("Namespace"));
  if (namespace_name.rfind("AWS/", 0) == 0) {
    return InvalidValue("The value AWS/ for parameter Namespace is invalid.");
  }
  const Value* data = input.Find("MetricData");
  if (!data || !data->is_list() || data->as_list().empty()) {
    return Missing("The parameter MetricData is required.");
  }
  const auto& items = data->as_list();
  if (items.size() > kMaxMetricDatums) {
    return InvalidValue("The collection MetricData must not have a size greater than 1000.");
  }
  const std::int64_t now = EpochMillis(context.clock.Now());
  std::vector<std::pair<MetricKey, RawPoint>> points;
  std::vector<std::string> time_errors;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Value& d = items[i];
    MetricKey key{context.principal.account_id, std::string(context.region), namespace_name,
                  std::string(d.GetString("MetricName")), Sorted(ReadDimensions(d))};
    if (key.dimensions.size() > kMaxDimensions) {
      return InvalidValue("The collection MetricData.member." + std::to_string(i + 1) +
                          ".Dimensions must not have a size greater than 30.");
    }
    RawPoint p;
    p.timestamp_ms = OptTime(d, "Timestamp").value_or(now);
    if (p.timestamp_ms < now - kMaxPastMillis) {
      time_errors.push_back(Member(i, "Timestamp") +
                            " must specify a time within the past two weeks.");
    } else if (p.timestamp_ms > now + kMaxFutureMillis) {
      time_errors.push_back(Member(i, "Timestamp") +
                            " must specify a time no more than two hours in the future.");
    }
    p.unit = OptString(d, "Unit").value_or("None");
    p.storage_resolution = static_cast<int>(OptInt(d, "StorageResolution").value_or(60));
    if (p.storage_resolution != 1 && p.storage_resolution != 60) {
      return InvalidValue(Member(i, "StorageResolution") +
                          " must be either 1 or 60 (high resolution or standard resolution).");
    }
    const auto value = OptDouble(d, "Value");
    const Value* values = d.Find("Values");
    const Value* stats = d.Find("StatisticValues");
    const int forms = (value ? 1 : 0) + (values && values->is_list() ? 1 : 0) + (stats ? 1 : 0);
    if (forms > 1) {
      return InvalidCombination("The parameters MetricData.member." + std::to_string(i + 1) +
                                ".Value, MetricData.member." + std::to_string(i + 1) +
                                ".Values and MetricData.member." + std::to_string(i + 1) +
                                ".StatisticValues are mutually exclusive and you have specified "
                                "more than one.");
    }
    if (value) {
      p.sample_count = 1;
      p.sum = p.minimum = p.maximum = *value;
      p.values = {{*value, 1}};
    } else if (values && values->is_list()) {
      const auto& vs = values->as_list();
      const Value* counts = d.Find("Counts");
      const bool has_counts = counts && counts->is_list();
      if (has_counts && counts->as_list().size() != vs.size()) {
        return InvalidValue("The parameters MetricData.member." + std::to_string(i + 1) +
                            ".Values and MetricData.member." + std::to_string(i + 1) +
                            ".Counts must be of the same size.");
      }
      if (vs.size() > 150) {
        return InvalidValue("The collection MetricData.member." + std::to_string(i + 1) +
                            ".Values must not have a size greater than 150.");
      }
      bool first = true;
      for (std::size_t j = 0; j < vs.size(); ++j) {
        const double v = vs[j].as_double();
        const double c = has_counts ? counts->as_list()[j].as_double() : 1.0;
        p.values.emplace_back(v, c);
        p.sample_count += c;
        p.sum += v * c;
        p.minimum = first ? v : std::min(p.minimum, v);
        p.maximum = first ? v : std::max(p.maximum, v);
        first = false;
      }
      if (vs.empty()) continue;
    } else if (stats) {
      p.sample_count = OptDouble(*stats, "SampleCount").value_or(0);
      p.sum = OptDouble(*stats, "Sum").value_or(0);
      p.minimum = OptDouble(*stats, "Minimum").value_or(0);
      p.maximum = OptDouble(*stats, "Maximum").value_or(0);
      if (p.minimum > p.maximum || p.sample_count <= 0) {
        return InvalidValue("The parameter MetricData.member." + std::to_string(i + 1) +
                            ".StatisticValues is invalid: Minimum must not exceed Maximum and "
                            "SampleCount must be positive.");
      }
    } else {
      return InvalidCombination("At least one of the parameters MetricData.member." +
                                std::to_string(i + 1) + ".Value, MetricData.member." +
                                std::to_string(i + 1) + ".Values or MetricData.member." +
                                std::to_string(i + 1) + ".StatisticValues must be specified.");
    }
    points.emplace_back(std::move(key), std::move(p));
  }
  if (!time_errors.empty()) {
    std::string message;
    for (const auto& e : time_errors) message += (message.empty() ? "" : "\n") + e;
    return InvalidValue(std::move(message));
  }
  if (Status st = PutPoints(std::move(points)); !st) return std::move(st).error();
  return Value::MakeStructure();
}

Result<Value> CloudWatchService::ListMetrics(RequestContext& context, const Value& input) {
  const auto namespace_name = OptString(input, "Namespace");
  const auto metric_name = OptString(input, "MetricName");
  const bool recent = OptString(input, "RecentlyActive").has_value();
  std::vector<std::pair<std::string, std::optional<std::string>>> filters;
  if (const Value* f = input.Find("Dimensions"); f && f->is_list()) {
    for (const Value& d : f->as_list()) {
      filters.emplace_back(std::string(d.GetString("Name")), OptString(d, "Value"));
    }
  }
  const std::int64_t now = EpochMillis(context.clock.Now());
  constexpr std::size_t kPage = 500;
  const std::size_t offset = [&]() -> std::size_t {
    auto token = OptString(input, "NextToken");
    if (!token) return 0;
    try {
      return static_cast<std::size_t>(std::stoull(*token));
    } catch (...) {
      return 0;
    }
  }();
  Value metrics = Value::MakeList();
  std::size_t index = 0;
  bool more = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, series] : metrics_) {
      if (key.account_id != context.principal.account_id || key.region != context.region) {
        continue;
      }
      if (namespace_name && key.namespace_name != *namespace_name) continue;
      if (metric_name && key.metric_name != *metric_name) continue;
      // ListMetrics shows metrics with data in the last two weeks; PT3H narrows to three hours.
      if (series.last_put_ms < now - (recent ? 3 * 3'600'000LL : kMaxPastMillis)) continue;
      bool match = true;
      for (const auto& [name, value] : filters) {
        auto it = std::find_if(key.dimensions.begin(), key.dimensions.end(),
                               [&](const auto& d) { return d.first == name; });
        if (it == key.dimensions.end() || (value && it->second != *value)) match = false;
      }
      if (!match) continue;
      if (index++ < offset) continue;
      if (metrics.as_list().size() == kPage) {
        more = true;
        break;
      }
      metrics.Push(Value::MakeStructure({{"Namespace", key.namespace_name},
                                         {"MetricName", key.metric_name},
                                         {"Dimensions", DimensionsValue(key.dimensions)}}));
    }
  }
  Value out = Value::MakeStructure({{"Metrics", std::move(metrics)}});
  if (more) out.Set("NextToken", std::to_string(offset + kPage));
  return out;
}

Result<Value> CloudWatchService::GetMetricStatistics(RequestContext& context, const Value& input) {
  const std::int64_t start = OptTime(input, "StartTime").value_or(0);
  const std::int64_t end = OptTime(input, "EndTime").value_or(0);
  const std::int64_t period = OptInt(input, "Period").value_or(60);
  std::vector<std::string> statistics = StringList(input, "Statistics");
  std::vector<std::string> extended = StringList(input, "ExtendedStatistics");
  if (statistics.empty() && extended.empty()) {
    return Missing("Must specify either the Statistics or ExtendedStatistics parameter.");
  }
  if (statistics.size() + extended.size() > 10) {
    return InvalidCombination(
        "The collection Statistics and ExtendedStatistics must not have a combined size greater "
        "than 10.");
  }
  for (const std::string& e : extended) {
    if (!ParsePercentile(e)) {
      return InvalidValue("The value " + e +
                          " for parameter ExtendedStatistics is not supported by trailwatch "
                          "(supported: pNN and pNN.NN).");
    }
  }
  if (period < 1 || (period >= 60 && period % 60 != 0) ||
      (period < 60 && period != 1 && period != 5 && period != 10 && period != 30)) {
    return InvalidValue("The parameter Period must be a multiple of 60.");
  }
  if (end <= start) {
    return InvalidValue("The parameter StartTime must be less than the parameter EndTime.");
  }
  const std::int64_t points = (end - start + period * 1000 - 1) / (period * 1000);
  if (points > kMaxGetMetricStatisticsPoints) {
    return InvalidCombination(
        "You have requested up to " + std::to_string(points) +
        " datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested "
        "by increasing Period, or decreasing the time range.");
  }
  MetricKey key{context.principal.account_id, std::string(context.region),
                std::string(input.GetString("Namespace")),
                std::string(input.GetString("MetricName")), Sorted(ReadDimensions(input))};
  const auto unit = OptString(input, "Unit");
  std::vector<Aggregate> buckets;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    buckets = BucketsLocked(key, start, end, static_cast<int>(period), unit);
  }
  Value datapoints = Value::MakeList();
  for (const Aggregate& a : buckets) {
    Value dp = Value::MakeStructure({{"Timestamp", protocol::Timestamp{a.period_start_ms}}});
    for (const std::string& s : statistics) {
      if (auto v = StatValue(a, s)) dp.Set(s, *v);
    }
    if (!extended.empty()) {
      Value map = Value::MakeMap();
      for (const std::string& e : extended) {
        if (auto v = StatValue(a, e)) map.Set(e, *v);
      }
      dp.Set("ExtendedStatistics", std::move(map));
    }
    dp.Set("Unit", a.unit);
    datapoints.Push(std::move(dp));
  }
  return Value::MakeStructure({{"Label", std::string(input.GetString("MetricName"))},
                               {"Datapoints", std::move(datapoints)}});
}

Result<Value> CloudWatchService::GetMetricData(RequestContext& context, const Value& input) {
  const std::int64_t start = OptTime(input, "StartTime").value_or(0);
  const std::int64_t end = OptTime(input, "EndTime").value_or(0);
  if (end <= start) {
    return InvalidValue("The parameter StartTime must be less than the parameter EndTime.");
  }
  auto queries = ReadQueries(input.Find("MetricDataQueries"));
  if (!queries) return std::move(queries).error();
  if (queries->empty() || queries->size() > 500) {
    return InvalidValue("The collection MetricDataQueries must have between 1 and 500 members.");
  }
  auto results =
      RunQueries(context.principal.account_id, std::string(context.region), *queries, start, end);
  if (!results) return std::move(results).error();
  const bool ascending = input.GetString("ScanBy") == "TimestampAscending";
  const auto max_points = OptInt(input, "MaxDatapoints").value_or(100'800);
  // NextToken: how many datapoints of the flattened output were already returned.
  std::int64_t skip = 0;
  if (auto token = OptString(input, "NextToken")) {
    try {
      skip = std::stoll(*token);
    } catch (...) {
      return AwsError::Make("InvalidNextToken", 400, "The service cannot process the NextToken.");
    }
  }
  std::int64_t position = 0;
  std::int64_t emitted = 0;
  bool truncated = false;
  Value list = Value::MakeList();
  for (const QueryResult& r : *results) {
    if (!r.return_data) continue;
    Value timestamps = Value::MakeList();
    Value values = Value::MakeList();
    std::vector<std::pair<std::int64_t, double>> points(r.series.begin(), r.series.end());
    if (!ascending) std::reverse(points.begin(), points.end());
    bool partial = false;
    for (const auto& [t, v] : points) {
      if (position++ < skip) continue;
      if (emitted == max_points) {
        truncated = partial = true;
        break;
      }
      timestamps.Push(protocol::Timestamp{t});
      values.Push(v);
      ++emitted;
    }
    list.Push(Value::MakeStructure({{"Id", r.id},
                                    {"Label", r.label},
                                    {"Timestamps", std::move(timestamps)},
                                    {"Values", std::move(values)},
                                    {"StatusCode", partial ? "PartialData" : "Complete"}}));
  }
  Value out = Value::MakeStructure(
      {{"MetricDataResults", std::move(list)}, {"Messages", Value::MakeList()}});
  if (truncated) out.Set("NextToken", std::to_string(skip + emitted));
  return out;
}

}  // namespace tw::services::cloudwatch
