// SPDX-License-Identifier: Apache-2.0
#include "services/cloudtrail/insights.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "common/time_format.h"

namespace tw::services::cloudtrail {
namespace {

namespace json = boost::json;
constexpr std::size_t kMaxAttributions = 5;
constexpr int kStateVersion = 1;

void Add(std::map<std::string, std::int64_t>& into, const std::map<std::string, std::int64_t>& from,
         std::int64_t sign = 1) {
  for (const auto& [k, v] : from) {
    auto& slot = into[k];
    slot += sign * v;
    if (slot == 0) into.erase(k);
  }
}

// Integral averages are written as integers ("average": 30), as AWS writes them.
json::value Number(double average) {
  if (average == static_cast<double>(static_cast<std::int64_t>(average)) &&
      std::abs(average) < 1e15) {
    return static_cast<std::int64_t>(average);
  }
  return average;
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
    out.push_back(json::object{{"value", value}, {"average", Number(average)}});
  }
  return out;
}

json::object CountsJson(const std::map<std::string, std::int64_t>& counts) {
  json::object out;
  for (const auto& [k, v] : counts) out[k] = v;
  return out;
}

// Numbers of a stored state, without throwing on ones out of range (0 instead).
template <typename T>
T NumberOr0(const json::value& v) {
  boost::system::error_code ec;
  T out = v.is_number() ? v.to_number<T>(ec) : T{};
  return ec ? T{} : out;
}

std::map<std::string, std::int64_t> CountsFrom(const json::value& v) {
  std::map<std::string, std::int64_t> out;
  if (!v.is_object()) return out;
  for (const auto& [k, count] : v.as_object()) {
    if (count.is_number()) out[std::string(k)] = NumberOr0<std::int64_t>(count);
  }
  return out;
}

std::int64_t IntAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? NumberOr0<std::int64_t>(*v) : 0;
}

double DoubleAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? NumberOr0<double>(*v) : 0.0;
}

std::string StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool BoolAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() && v->as_bool();
}

}  // namespace

InsightsAnalyzer::InsightsAnalyzer(std::string account_id, std::string region, bool call_rate,
                                   bool error_rate, std::int64_t enabled_millis,
                                   InsightsOptions options)
    : account_id_(std::move(account_id)),
      region_(std::move(region)),
      call_rate_(call_rate),
      error_rate_(error_rate),
      options_(options),
      enabled_minute_(enabled_millis / options.minute_millis),
      next_minute_(enabled_millis / options.minute_millis) {}

void InsightsAnalyzer::Observe(const pipeline::TrailEvent& event) {
  if (event.event_category != "Management" || event.aws_region != region_) return;
  const bool counts_call = call_rate_ && !event.read_only;
  const bool counts_error = error_rate_ && !event.error_code.empty();
  if (!counts_call && !counts_error) return;
  const std::int64_t minute = event.event_time_millis / options_.minute_millis;
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
  changed_ = true;
}

pipeline::TrailEvent InsightsAnalyzer::MakeEvent(const Key& key, const Series& s, bool start,
                                                 std::int64_t minute, const Minute& insight,
                                                 std::int64_t insight_minutes,
                                                 RandomSource& random) const {
  const auto& [type, source, name, error] = key;
  const double baseline_minutes = static_cast<double>(s.start_baseline_minutes);
  const double minutes = static_cast<double>(std::max<std::int64_t>(1, insight_minutes));
  json::object statistics{
      {"baseline", json::object{{"average", Number(s.start_baseline)}}},
      {"insight", json::object{{"average", Number(static_cast<double>(insight.count) / minutes)}}},
      {"insightDuration", insight_minutes},
      {"baselineDuration", s.start_baseline_minutes}};
  auto attribution = [&](const char* attribute, const Counts& in_insight, const Counts& in_base) {
    return json::object{{"attribute", attribute},
                        {"insight", Ranked(in_insight, minutes)},
                        {"baseline", Ranked(in_base, baseline_minutes)}};
  };
  json::array attributions;
  attributions.push_back(attribution("userIdentityArn", insight.arns, s.start_attributions.arns));
  attributions.push_back(attribution("userAgent", insight.agents, s.start_attributions.agents));
  if (type == "ApiCallRateInsight") {  // error-rate insights name their error code instead
    attributions.push_back(attribution("errorCode", insight.errors, s.start_attributions.errors));
  }
  json::object details{{"state", start ? "Start" : "End"},
                       {"eventSource", source},
                       {"eventName", name},
                       {"insightType", type}};
  if (!error.empty()) details["errorCode"] = error;
  details["sourceEventCategory"] = "Management";
  details["insightContext"] = json::object{{"statistics", std::move(statistics)},
                                           {"attributions", std::move(attributions)}};

  pipeline::TrailEvent e;
  e.event_id = random.Uuid();
  e.event_time_millis = minute * options_.minute_millis;
  e.event_source = source;
  e.event_name = name;
  e.aws_region = region_;
  e.recipient_account_id = account_id_;
  e.event_category = "Insight";
  json::object record;
  record["eventVersion"] = "1.09";
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

std::int64_t InsightsAnalyzer::WindowStart(std::int64_t minute) const {
  std::int64_t back = minute - kMaxBaselineMinutes;
  std::int64_t day = back >= 0 ? back / kDayMinutes : -((-back + kDayMinutes - 1) / kDayMinutes);
  return std::max(enabled_minute_, day * kDayMinutes);
}

void InsightsAnalyzer::AgeOut(Series& s, std::int64_t window_start) {
  while (!s.days.empty() && (s.days.begin()->first + 1) * kDayMinutes <= window_start) {
    const Minute& old = s.days.begin()->second;
    s.baseline_count -= old.count;
    Add(s.baseline_arns, old.arns, -1);
    Add(s.baseline_agents, old.agents, -1);
    Add(s.baseline_errors, old.errors, -1);
    s.days.erase(s.days.begin());
  }
}

void InsightsAnalyzer::Evaluate(const Key& key, Series& s, std::int64_t minute, const Minute& m,
                                RandomSource& random, std::vector<pipeline::TrailEvent>& out) {
  const std::int64_t since_enabled = minute - enabled_minute_;
  const std::int64_t window_start = WindowStart(minute);
  AgeOut(s, window_start);
  const std::int64_t baseline_minutes = minute - window_start;
  const double average = baseline_minutes > 0 ? static_cast<double>(s.baseline_count) /
                                                    static_cast<double>(baseline_minutes)
                                              : 0.0;
  if (!s.active) {
    const double threshold = std::max(kFactor * average, static_cast<double>(kMinimum));
    const bool learned = baseline_minutes >= 1 &&
                         since_enabled >= std::max<std::int64_t>(1, options_.learning_minutes);
    if (learned && static_cast<double>(m.count) >= threshold) {
      s.active = true;
      s.start_minute = minute;
      s.threshold = threshold;
      s.start_baseline = average;
      s.start_baseline_minutes = baseline_minutes;
      s.start_attributions =
          Minute{s.baseline_count, s.baseline_arns, s.baseline_agents, s.baseline_errors};
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
    s.start_attributions = Minute{};
  }
  // This minute joins the baseline (its day's sums).
  if (m.count > 0) {
    s.baseline_count += m.count;
    Add(s.baseline_arns, m.arns);
    Add(s.baseline_agents, m.agents);
    Add(s.baseline_errors, m.errors);
    Minute& day = s.days[minute / kDayMinutes];
    day.count += m.count;
    Add(day.arns, m.arns);
    Add(day.agents, m.agents);
    Add(day.errors, m.errors);
  }
}

std::vector<pipeline::TrailEvent> InsightsAnalyzer::Tick(std::int64_t now_millis,
                                                         RandomSource& random) {
  std::vector<pipeline::TrailEvent> out;
  // Minutes ending at or before now - grace are complete.
  const std::int64_t limit = (now_millis - options_.grace_millis) / options_.minute_millis;
  if (limit <= next_minute_) return out;
  if (limit - next_minute_ > kMaxBaselineMinutes) next_minute_ = limit - kMaxBaselineMinutes;
  for (std::int64_t minute = next_minute_; minute < limit; ++minute) {
    for (auto& [key, s] : series_) {
      auto it = s.minutes.find(minute);
      if (it == s.minutes.end() && !s.active) continue;  // an idle minute changes nothing
      const Minute m = it == s.minutes.end() ? Minute{} : it->second;
      if (it != s.minutes.end()) s.minutes.erase(it);
      Evaluate(key, s, minute, m, random, out);
    }
  }
  // The window may have moved past a series' last call: age its minutes out and forget it.
  for (auto it = series_.begin(); it != series_.end();) {
    Series& s = it->second;
    AgeOut(s, WindowStart(limit - 1));
    s.minutes.erase(s.minutes.begin(), s.minutes.lower_bound(limit));  // skipped in a catch-up
    const bool idle = s.days.empty() && s.minutes.empty() && !s.active;
    it = idle ? series_.erase(it) : std::next(it);
  }
  next_minute_ = limit;
  changed_ = true;
  return out;
}

namespace {

json::array MinuteJson(std::int64_t index, std::int64_t count,
                       const std::map<std::string, std::int64_t>& arns,
                       const std::map<std::string, std::int64_t>& agents,
                       const std::map<std::string, std::int64_t>& errors) {
  return json::array{index, count, CountsJson(arns), CountsJson(agents), CountsJson(errors)};
}

}  // namespace

std::string InsightsAnalyzer::ToJson() const {
  auto minutes_json = [](const std::map<std::int64_t, Minute>& minutes) {
    json::array out;
    for (const auto& [index, m] : minutes) {
      out.push_back(MinuteJson(index, m.count, m.arns, m.agents, m.errors));
    }
    return out;
  };
  json::array series;
  for (const auto& [key, s] : series_) {
    const auto& [type, source, name, error] = key;
    json::object o{{"type", type},
                   {"source", source},
                   {"name", name},
                   {"error", error},
                   {"minutes", minutes_json(s.minutes)},
                   {"days", minutes_json(s.days)}};
    if (s.active) {
      o["active"] = true;
      o["startMinute"] = s.start_minute;
      o["threshold"] = s.threshold;
      o["startBaseline"] = s.start_baseline;
      o["startBaselineMinutes"] = s.start_baseline_minutes;
      o["startAttributions"] = MinuteJson(0, s.start_attributions.count, s.start_attributions.arns,
                                          s.start_attributions.agents, s.start_attributions.errors);
      o["anomaly"] =
          MinuteJson(0, s.anomaly.count, s.anomaly.arns, s.anomaly.agents, s.anomaly.errors);
      o["sharedEventID"] = s.shared_id;
    }
    series.push_back(std::move(o));
  }
  json::object state{{"version", kStateVersion},
                     {"account", account_id_},
                     {"region", region_},
                     {"callRate", call_rate_},
                     {"errorRate", error_rate_},
                     {"minuteMillis", options_.minute_millis},
                     {"enabledMinute", enabled_minute_},
                     {"nextMinute", next_minute_},
                     {"series", std::move(series)}};
  return json::serialize(state);
}

Result<InsightsAnalyzer> InsightsAnalyzer::FromJson(std::string_view text,
                                                    InsightsOptions options) {
  auto bad = [](std::string why) {
    return AwsError::From(ErrorCode::kInternalFailure, "Insights state: " + why);
  };
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return bad("not a JSON object");
  const json::object& o = parsed.as_object();
  if (IntAt(o, "version") != kStateVersion) return bad("unknown version");
  if (IntAt(o, "minuteMillis") != options.minute_millis) {
    return bad("counted in minutes of " + std::to_string(IntAt(o, "minuteMillis")) + " ms");
  }
  InsightsAnalyzer a(StringAt(o, "account"), StringAt(o, "region"), BoolAt(o, "callRate"),
                     BoolAt(o, "errorRate"), 0, options);
  a.enabled_minute_ = IntAt(o, "enabledMinute");
  a.next_minute_ = IntAt(o, "nextMinute");
  // Minute indices and counts of a real state are far below 2^40; larger ones would overflow.
  constexpr std::int64_t kLimit = std::int64_t{1} << 40;
  auto sane = [&](std::int64_t v) { return v >= 0 && v < kLimit; };
  if (!sane(a.enabled_minute_) || !sane(a.next_minute_) || a.enabled_minute_ > a.next_minute_) {
    return bad("minutes out of range");
  }
  auto minute_from = [](const json::value& v, std::int64_t& index, Minute& m) {
    if (!v.is_array() || v.as_array().size() != 5 || !v.as_array()[0].is_number() ||
        !v.as_array()[1].is_number()) {
      return false;
    }
    const json::array& arr = v.as_array();
    index = NumberOr0<std::int64_t>(arr[0]);
    m.count = NumberOr0<std::int64_t>(arr[1]);
    m.arns = CountsFrom(arr[2]);
    m.agents = CountsFrom(arr[3]);
    m.errors = CountsFrom(arr[4]);
    auto in_range = [](std::int64_t n) { return n >= 0 && n < (std::int64_t{1} << 40); };
    if (!in_range(index) || !in_range(m.count)) return false;
    for (const auto* counts : {&m.arns, &m.agents, &m.errors}) {
      for (const auto& [k, c] : *counts) {
        if (!in_range(c)) return false;
      }
    }
    return true;
  };
  const json::value* series = o.if_contains("series");
  if (!series || !series->is_array()) return bad("no series");
  for (const json::value& item : series->as_array()) {
    if (!item.is_object()) return bad("a series is not an object");
    const json::object& so = item.as_object();
    Series s;
    for (const char* field : {"minutes", "days"}) {
      const json::value* list = so.if_contains(field);
      if (!list || !list->is_array()) return bad(std::string("a series has no ") + field);
      for (const json::value& mv : list->as_array()) {
        std::int64_t index = 0;
        Minute m;
        if (!minute_from(mv, index, m)) return bad("a malformed minute");
        (std::string_view(field) == "minutes" ? s.minutes : s.days)[index] = std::move(m);
      }
    }
    for (const auto& [index, m] : s.days) {
      s.baseline_count += m.count;
      Add(s.baseline_arns, m.arns);
      Add(s.baseline_agents, m.agents);
      Add(s.baseline_errors, m.errors);
    }
    if (BoolAt(so, "active")) {
      s.active = true;
      s.start_minute = IntAt(so, "startMinute");
      s.threshold = DoubleAt(so, "threshold");
      s.start_baseline = DoubleAt(so, "startBaseline");
      s.start_baseline_minutes = IntAt(so, "startBaselineMinutes");
      if (s.start_minute < 0 || s.start_minute >= kLimit || s.start_baseline_minutes < 0 ||
          s.start_baseline_minutes > kMaxBaselineMinutes + kDayMinutes) {
        return bad("an insight in progress is out of range");
      }
      s.shared_id = StringAt(so, "sharedEventID");
      std::int64_t ignored = 0;
      const json::value* start = so.if_contains("startAttributions");
      const json::value* anomaly = so.if_contains("anomaly");
      if (!start || !anomaly || !minute_from(*start, ignored, s.start_attributions) ||
          !minute_from(*anomaly, ignored, s.anomaly)) {
        return bad("an insight in progress is malformed");
      }
    }
    a.series_[Key{StringAt(so, "type"), StringAt(so, "source"), StringAt(so, "name"),
                  StringAt(so, "error")}] = std::move(s);
  }
  return a;
}

}  // namespace tw::services::cloudtrail
