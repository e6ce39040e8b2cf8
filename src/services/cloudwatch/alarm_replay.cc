// SPDX-License-Identifier: Apache-2.0
// CloudWatchService::ReplayAlarms: alarms evaluated over a past span, for imported CloudTrail logs
// (see cloudwatch_service.h for the semantics). The evaluator is a pure state machine over a
// clock, so replaying is running it at the moments a live server would have run it.
#include <algorithm>
#include <set>

#include "services/cloudwatch/alarm_message.h"
#include "services/cloudwatch/cloudwatch_service.h"

namespace tw::services::cloudwatch {

Result<CloudWatchService::ReplayResult> CloudWatchService::ReplayAlarms(
    const std::string& account, const std::string& region, std::int64_t start_ms,
    std::int64_t end_ms, const std::vector<std::string>& alarm_names) {
  ReplayResult result;
  const std::int64_t replayed_at = EpochMillis(clock_.Now());
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [alarm_key, alarm] : alarms_) {
    if (alarm.account_id != account || alarm.region != region) continue;
    const AlarmConfig& c = alarm.config;
    if (!alarm_names.empty() &&
        std::find(alarm_names.begin(), alarm_names.end(), c.name) == alarm_names.end()) {
      continue;
    }
    if (c.is_math()) {
      result.skipped.emplace_back(c.name, "metric math alarms are not replayed");
      continue;
    }
    MetricKey key{alarm.account_id, alarm.region, c.namespace_name, c.metric_name, c.dimensions};
    std::sort(key.dimensions.begin(), key.dimensions.end());
    auto series = metrics_.find(key);
    if (series == metrics_.end()) continue;
    const std::vector<RawPoint>& points = series->second.points;
    const EvaluationSettings s = SettingsOf(c);
    const std::int64_t period_ms = std::int64_t{s.period_s} * 1000;
    const int range = EvaluationRangeSize(c.evaluation_periods);

    // When a live server would have evaluated: as each datapoint arrived, and at each period
    // boundary until the datapoint has left the evaluation range.
    std::set<std::int64_t> moments;
    for (const RawPoint& p : points) {
      if (p.timestamp_ms < start_ms || p.timestamp_ms > end_ms) continue;
      moments.insert(p.timestamp_ms);
      const std::int64_t period_start = p.timestamp_ms - p.timestamp_ms % period_ms;
      for (int k = 1; k <= range + 1; ++k) moments.insert(period_start + k * period_ms);
    }
    if (moments.empty()) continue;
    result.replayed.push_back(c.name);

    const std::int64_t window_ms = std::int64_t{range} * period_ms;
    const std::int64_t last_moment = *moments.rbegin();
    (void)store_.DeleteReplayedHistory(account, region, c.name, *moments.begin(), last_moment);
    std::erase_if(history_, [&](const HistoryItem& h) {
      return h.replayed_at_ms && h.account_id == account && h.region == region &&
             h.alarm_name == c.name && h.timestamp_ms >= *moments.begin() &&
             h.timestamp_ms <= last_moment;
    });

    AlarmStatus status;  // INSUFFICIENT_DATA, as a new alarm starts
    std::vector<RawPoint> visible;
    for (std::int64_t now : moments) {
      // Only what had arrived by `now`, within the evaluation range.
      const std::int64_t from = now - now % period_ms - window_ms;
      auto lo =
          std::lower_bound(points.begin(), points.end(), from,
                           [](const RawPoint& p, std::int64_t t) { return p.timestamp_ms < t; });
      auto hi =
          std::upper_bound(points.begin(), points.end(), now,
                           [](std::int64_t t, const RawPoint& p) { return t < p.timestamp_ms; });
      visible.assign(lo, std::max(lo, hi));
      EvaluationResult evaluated = EvaluateAlarm(s, MetricSlots(c, s, visible, now), status, now);
      if (evaluated.retained || evaluated.state == status.state) continue;
      const AlarmStatus old = status;
      status.state = evaluated.state;
      status.reason = std::move(evaluated.reason);
      status.reason_data = std::move(evaluated.reason_data);
      status.state_updated_ms = now;
      status.state_transitioned_ms = now;
      HistoryItem item;
      item.account_id = account;
      item.region = region;
      item.alarm_name = c.name;
      item.timestamp_ms = now;
      item.type = HistoryType::kStateUpdate;
      item.summary = "Alarm updated from " + std::string(StateName(old.state)) + " to " +
                     std::string(StateName(status.state)) + " (replayed)";
      item.data = StateUpdateHistoryData(old, status);
      item.replayed_at_ms = replayed_at;
      auto id = store_.AppendHistory(item);
      item.id = id ? *id : (history_.empty() ? 1 : history_.back().id + 1);
      history_.push_back(std::move(item));
      result.transitions.push_back(
          ReplayTransition{c.name, now, old.state, status.state, status.reason});
    }
  }
  std::stable_sort(result.transitions.begin(), result.transitions.end(),
                   [](const ReplayTransition& a, const ReplayTransition& b) {
                     return a.timestamp_ms < b.timestamp_ms;
                   });
  return result;
}

}  // namespace tw::services::cloudwatch
