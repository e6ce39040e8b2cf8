// SPDX-License-Identifier: Apache-2.0
#include "services/cloudtrail/insights.h"

#include <algorithm>
#include <boost/json.hpp>

#include "common/time_format.h"

namespace tw::services::cloudtrail {
namespace {

namespace json = boost::json;
constexpr std::int64_t kMinuteMillis = 60'000;
constexpr std::size_t kMaxAttributions = 5;

void Add(std::map<std::string, std::int64_t>& into, const std::map<std::string, std::int64_t>& from,
         std::int64_t sign = 1) {
  for (const auto& [k, v] : from) {
    auto& slot = into[k];
    slot += sign * v;
    if (slot == 0) into.erase(k);
  }
}

json::array Ranked(const std::map<std::string, std::int64_t>& counts, double minutes) {
  std::vector<std::pair<std::string, double>> items;
  for (const auto& [value, count] : counts) {
    items.emplace_back(value, minutes > 0 ? static_cast<double>(count) / minutes : 0.0);
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (items.size() > kMaxAttributions) items.resize(kMaxAttributions);
  json::array out;
  for (const auto& [value, average] : items) {
    out.push_back(json::object{{"value", value}, {"average", average}});
  }
  return out;
}

}  // namespace

InsightsAnalyzer::InsightsAnalyzer(std::string account_id, std::string region, bool call_rate,
                                   bool error_rate, std::int64_t enabled_millis)
    : account_id_(std::move(account_id)),
      region_(std::move(region)),
      call_rate_(call_rate),
      error_rate_(error_rate),
      enabled_minute_(enabled_millis / kMinuteMillis),
      next_minute_(enabled_millis / kMinuteMillis) {}

void InsightsAnalyzer::Observe(const pipeline::TrailEvent& event) {
  if (event.event_category != "Management" || event.aws_region != region_) return;
  const bool counts_call = call_rate_ && !event.read_only;
  const bool counts_error = error_rate_ && !event.error_code.empty();
  if (!counts_call && !counts_error) return;
  const std::int64_t minute = event.event_time_millis / kMinuteMillis;
  if (minute < next_minute_) return;  // that minute was already evaluated
  std::string arn = "null";
  std::string agent = "null";
  boost::system::error_code ec;
  json::value record = json::parse(event.record_json, ec);
  if (!ec && record.is_object()) {
    const json::object& o = record.as_object();
    if (const json::value* identity = o.if_contains("userIdentity");
        identity && identity->is_object()) {
      if (const json::value* a = identity->as_object().if_contains("arn"); a && a->is_string()) {
        arn = std::string(a->as_string());
      }
    }
    if (const json::value* a = o.if_contains("userAgent"); a && a->is_string()) {
      agent = std::string(a->as_string());
    }
  }
  auto count = [&](const Key& key) {
    Minute& m = series_[key].minutes[minute];
    ++m.count;
    ++m.arns[arn];
    ++m.agents[agent];
    ++m.errors[event.error_code.empty() ? "null" : event.error_code];
  };
  if (counts_call) count({"ApiCallRateInsight", event.event_source, event.event_name, ""});
  if (counts_error) {
    count({"ApiErrorRateInsight", event.event_source, event.event_name, event.error_code});
  }
}

pipeline::TrailEvent InsightsAnalyzer::MakeEvent(const Key& key, const Series& s, bool start,
                                                 std::int64_t minute, const Minute& insight,
                                                 std::int64_t insight_minutes,
                                                 RandomSource& random) const {
  const auto& [type, source, name, error] = key;
  const double baseline_minutes = static_cast<double>(s.start_baseline_minutes);
  json::object statistics{
      {"baseline", json::object{{"average", s.start_baseline}}},
      {"insight", json::object{{"average", static_cast<double>(insight.count) /
                                               static_cast<double>(
                                                   std::max<std::int64_t>(1, insight_minutes))}}},
      {"insightDuration", insight_minutes},
      {"baselineDuration", s.start_baseline_minutes}};
  const double minutes = static_cast<double>(std::max<std::int64_t>(1, insight_minutes));
  json::array attributions;
  attributions.push_back(json::object{{"attribute", "userIdentityArn"},
                                      {"insight", Ranked(insight.arns, minutes)},
                                      {"baseline", Ranked(s.baseline_arns, baseline_minutes)}});
  attributions.push_back(json::object{{"attribute", "userAgent"},
                                      {"insight", Ranked(insight.agents, minutes)},
                                      {"baseline", Ranked(s.baseline_agents, baseline_minutes)}});
  if (type == "ApiCallRateInsight") {
    attributions.push_back(json::object{{"attribute", "errorCode"},
                                        {"insight", Ranked(insight.errors, minutes)},
                                        {"baseline", Ranked(s.baseline_errors, baseline_minutes)}});
  }
  json::object details{{"state", start ? "Start" : "End"},
                       {"eventSource", source},
                       {"eventName", name},
                       {"insightType", type}};
  if (!error.empty()) details["errorCode"] = error;
  details["insightContext"] = json::object{{"statistics", std::move(statistics)},
                                           {"attributions", std::move(attributions)}};

  pipeline::TrailEvent e;
  e.event_id = random.Uuid();
  e.event_time_millis = minute * kMinuteMillis;
  e.event_source = source;
  e.event_name = name;
  e.aws_region = region_;
  e.recipient_account_id = account_id_;
  e.event_category = "Insight";
  json::object record;
  record["eventVersion"] = "1.08";
  record["eventTime"] = FormatIso8601(e.event_time_millis, false);
  record["awsRegion"] = region_;
  record["eventID"] = e.event_id;
  record["eventType"] = "AwsCloudTrailInsight";
  record["recipientAccountId"] = account_id_;
  record["sharedEventID"] = s.shared_id;
  record["insightDetails"] = std::move(details);
  record["eventCategory"] = "Insight";
  e.record_json = json::serialize(record);
  return e;
}

void InsightsAnalyzer::Evaluate(const Key& key, Series& s, std::int64_t minute, const Minute& m,
                                RandomSource& random, std::vector<pipeline::TrailEvent>& out) {
  const std::int64_t baseline_minutes = std::min(minute - enabled_minute_, kMaxBaselineMinutes);
  const double average = baseline_minutes > 0 ? static_cast<double>(s.baseline_count) /
                                                    static_cast<double>(baseline_minutes)
                                              : 0.0;
  if (!s.active) {
    const double threshold = std::max(kFactor * average, static_cast<double>(kMinimum));
    if (baseline_minutes >= 1 && static_cast<double>(m.count) >= threshold) {
      s.active = true;
      s.start_minute = minute;
      s.threshold = threshold;
      s.start_baseline = average;
      s.start_baseline_minutes = baseline_minutes;
      s.anomaly = m;
      s.shared_id = random.Uuid();
      out.push_back(MakeEvent(key, s, /*start=*/true, minute, m, 1, random));
    }
  } else if (static_cast<double>(m.count) >= s.threshold) {
    s.anomaly.count += m.count;
    Add(s.anomaly.arns, m.arns);
    Add(s.anomaly.agents, m.agents);
    Add(s.anomaly.errors, m.errors);
  } else {
    out.push_back(
        MakeEvent(key, s, /*start=*/false, minute, s.anomaly, minute - s.start_minute, random));
    s.active = false;
    s.anomaly = Minute{};
  }
  // This minute joins the baseline; the minute leaving the 7-day window leaves it.
  if (m.count > 0) {
    s.baseline_count += m.count;
    Add(s.baseline_arns, m.arns);
    Add(s.baseline_agents, m.agents);
    Add(s.baseline_errors, m.errors);
    s.evaluated[minute] = m;
  }
  while (!s.evaluated.empty() && s.evaluated.begin()->first <= minute - kMaxBaselineMinutes) {
    const Minute& old = s.evaluated.begin()->second;
    s.baseline_count -= old.count;
    Add(s.baseline_arns, old.arns, -1);
    Add(s.baseline_agents, old.agents, -1);
    Add(s.baseline_errors, old.errors, -1);
    s.evaluated.erase(s.evaluated.begin());
  }
}

std::vector<pipeline::TrailEvent> InsightsAnalyzer::Tick(std::int64_t now_millis,
                                                         RandomSource& random) {
  std::vector<pipeline::TrailEvent> out;
  const std::int64_t now_minute = now_millis / kMinuteMillis;
  if (now_minute - next_minute_ > kMaxBaselineMinutes) {
    next_minute_ = now_minute - kMaxBaselineMinutes;
  }
  for (std::int64_t minute = next_minute_; minute < now_minute; ++minute) {
    for (auto& [key, s] : series_) {
      auto it = s.minutes.find(minute);
      if (it == s.minutes.end() && !s.active) continue;  // an idle minute changes nothing
      const Minute m = it == s.minutes.end() ? Minute{} : it->second;
      if (it != s.minutes.end()) s.minutes.erase(it);
      Evaluate(key, s, minute, m, random, out);
    }
  }
  next_minute_ = std::max(next_minute_, now_minute);
  return out;
}

}  // namespace tw::services::cloudtrail
