// SPDX-License-Identifier: Apache-2.0
#include "cli/trailwatch_api.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "common/time_format.h"

namespace tw::cli {
namespace json = boost::json;

std::int64_t MillisOf(const json::value* v) {
  if (!v) return 0;
  if (v->is_int64()) return v->as_int64() * 1000;
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64()) * 1000;
  if (v->is_double()) return static_cast<std::int64_t>(std::llround(v->as_double() * 1000.0));
  return 0;
}

Result<ReplaySummary> ReplayAlarms(AwsClient& client, std::int64_t start_millis,
                                   std::int64_t end_millis,
                                   const std::vector<std::string>& alarm_names) {
  json::object body;
  body["startTime"] = JsonTime(start_millis);
  body["endTime"] = JsonTime(end_millis);
  if (!alarm_names.empty()) {
    json::array names;
    for (const auto& n : alarm_names) names.emplace_back(n);
    body["alarmNames"] = std::move(names);
  }
  auto answer = CallTrailwatch(client, "ReplayAlarms", body);
  if (!answer) return std::move(answer).error();
  ReplaySummary summary;
  auto text = [](const json::object& o, const char* key) -> std::string {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  if (auto* list = answer->if_contains("alarmsReplayed"); list && list->is_array()) {
    for (const auto& v : list->as_array()) {
      if (v.is_string()) summary.replayed.emplace_back(v.as_string());
    }
  }
  if (auto* list = answer->if_contains("alarmsSkipped"); list && list->is_array()) {
    for (const auto& v : list->as_array()) {
      if (v.is_object()) {
        summary.skipped.push_back(text(v.as_object(), "alarmName") + ": " +
                                  text(v.as_object(), "reason"));
      }
    }
  }
  if (auto* list = answer->if_contains("transitions"); list && list->is_array()) {
    for (const auto& v : list->as_array()) {
      if (!v.is_object()) continue;
      const json::object& o = v.as_object();
      summary.transitions.push_back({text(o, "alarmName"), MillisOf(o.if_contains("timestamp")),
                                     text(o, "oldState"), text(o, "newState")});
    }
  }
  return summary;
}

std::vector<std::string> DescribeTransitions(const ReplaySummary& summary) {
  struct Fired {
    int times = 0;
    std::int64_t first = 0;
    std::int64_t last = 0;
  };
  std::map<std::string, Fired> fired;
  std::size_t width = 0;
  for (const auto& t : summary.transitions) {
    if (t.to != "ALARM") continue;
    Fired& f = fired[t.alarm];
    if (f.times++ == 0) f.first = t.millis;
    f.last = t.millis;
    width = std::max(width, t.alarm.size());
  }
  std::vector<std::string> lines;
  for (const auto& [alarm, f] : fired) {
    std::string line = alarm + std::string(width - alarm.size() + 2, ' ') + "ALARM " +
                       std::to_string(f.times) + (f.times == 1 ? " time, at " : " times, first ") +
                       FormatIso8601(f.first, false);
    if (f.times > 1) line += ", last " + FormatIso8601(f.last, false);
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace tw::cli
