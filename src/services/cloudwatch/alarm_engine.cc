// SPDX-License-Identifier: Apache-2.0
// CloudWatchService's core: loading, the scheduler, storing points, running queries, evaluating
// alarms through EvaluateAlarm, recording history and publishing alarm actions.
#include <algorithm>
#include <chrono>

#include "services/cloudwatch/alarm_evaluator.h"
#include "services/cloudwatch/alarm_message.h"
#include "services/cloudwatch/cloudwatch_service.h"
#include "services/cloudwatch/format.h"
#include "services/cloudwatch/statistics.h"

namespace tw::services::cloudwatch {

CloudWatchService::CloudWatchService(store::Database& database, const Clock& clock,
                                     pipeline::Notifier* notifier, bool start_scheduler)
    : store_(database), clock_(clock), notifier_(notifier) {
  Load();
  if (start_scheduler) scheduler_ = std::thread([this] { SchedulerLoop(); });
}

CloudWatchService::~CloudWatchService() {
  {
    std::lock_guard<std::mutex> lock(scheduler_mutex_);
    stopping_ = true;
  }
  scheduler_cv_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
}

void CloudWatchService::Register(OperationTable& table) {
  auto add = [&](const char* operation,
                 Result<Value> (CloudWatchService::*handler)(RequestContext&, const Value&)) {
    table.Add("cloudwatch", operation,
              [this, handler](RequestContext& context, const Value& input) {
                return (this->*handler)(context, input);
              });
  };
  add("PutMetricData", &CloudWatchService::PutMetricData);
  add("ListMetrics", &CloudWatchService::ListMetrics);
  add("GetMetricStatistics", &CloudWatchService::GetMetricStatistics);
  add("GetMetricData", &CloudWatchService::GetMetricData);
  add("PutMetricAlarm", &CloudWatchService::PutMetricAlarm);
  add("PutCompositeAlarm", &CloudWatchService::PutCompositeAlarm);
  add("DescribeAlarms", &CloudWatchService::DescribeAlarms);
  add("DescribeAlarmsForMetric", &CloudWatchService::DescribeAlarmsForMetric);
  add("DeleteAlarms", &CloudWatchService::DeleteAlarms);
  add("SetAlarmState", &CloudWatchService::SetAlarmState);
  add("EnableAlarmActions", &CloudWatchService::EnableAlarmActions);
  add("DisableAlarmActions", &CloudWatchService::DisableAlarmActions);
  add("DescribeAlarmHistory", &CloudWatchService::DescribeAlarmHistory);
  add("TagResource", &CloudWatchService::TagResource);
  add("UntagResource", &CloudWatchService::UntagResource);
  add("ListTagsForResource", &CloudWatchService::ListTagsForResource);
}

void CloudWatchService::Load() {
  const std::int64_t now = EpochMillis(clock_.Now());
  // A store that cannot be read leaves the service empty rather than failing startup; writes
  // will surface the error to callers.
  if (auto points = store_.LoadPoints(now - kRetentionMillis)) {
    for (auto& [key, p] : *points) {
      MetricSeries& series = metrics_[key];
      series.last_put_ms = std::max({series.last_put_ms, p.timestamp_ms, p.received_ms});
      AddToSlots(series.slots, p);
      series.points.push_back(std::move(p));
    }
    for (auto& [key, series] : metrics_) {
      std::stable_sort(
          series.points.begin(), series.points.end(),
          [](const RawPoint& a, const RawPoint& b) { return a.timestamp_ms < b.timestamp_ms; });
    }
  }
  if (auto alarms = store_.LoadAlarms()) {
    for (Alarm& a : *alarms) {
      a.next_evaluation_ms = now;
      AlarmKey key{a.account_id, a.region, a.config.name};
      if (a.config.is_composite()) {
        // Stored rules were valid when put.
        if (auto rule = AlarmRule::Parse(*a.config.alarm_rule))
          rules_.emplace(key, std::move(*rule));
      }
      alarms_[key] = std::move(a);
    }
  }
  if (auto history = store_.LoadHistory(now - kMaxPastMillis)) history_ = std::move(*history);
  last_prune_ms_ = now;
}

void CloudWatchService::SchedulerLoop() {
  std::unique_lock<std::mutex> lock(scheduler_mutex_);
  while (!stopping_) {
    // Wakes once a second (a wait, not a time reading); Tick decides by the injected clock.
    scheduler_cv_.wait_for(lock, std::chrono::seconds(1));
    if (stopping_) break;
    lock.unlock();
    Tick();
    lock.lock();
  }
}

std::int64_t CloudWatchService::NextEvaluation(const Alarm& alarm, std::int64_t now) {
  // High-resolution alarms evaluate every 10 s, the others (and composites) every minute
  // (alarms.md 3.1).
  const std::int64_t step =
      !alarm.config.is_composite() && alarm.config.evaluation_period() < 60 ? 10'000 : 60'000;
  return now - now % step + step;
}

void CloudWatchService::Tick() {
  std::vector<PendingAction> actions;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::int64_t now = EpochMillis(clock_.Now());
    for (auto& [key, alarm] : alarms_) {
      if (alarm.next_evaluation_ms > now) continue;
      EvaluateLocked(alarm, now, actions);
      alarm.next_evaluation_ms = NextEvaluation(alarm, now);
    }
    // Points older than two weeks go (hourly), as CloudWatch no longer accepts or needs them;
    // old points stored recently (imported CloudTrail events) stay two weeks from their arrival.
    if (now - last_prune_ms_ >= 3'600'000) {
      last_prune_ms_ = now;
      const std::int64_t cutoff = now - kRetentionMillis;
      for (auto it = metrics_.begin(); it != metrics_.end();) {
        auto& points = it->second.points;
        const std::size_t erased = std::erase_if(points, [&](const RawPoint& p) {
          return std::max(p.timestamp_ms, p.received_ms) < cutoff;
        });
        // The 10-second slots aggregate by timestamp, so an imported point can share one with a
        // point that goes: rebuild them from what stays.
        if (erased > 0) {
          auto& slots = it->second.slots;
          slots.clear();
          for (const RawPoint& p : points) AddToSlots(slots, p);
        }
        it = points.empty() ? metrics_.erase(it) : std::next(it);
      }
      (void)store_.DeletePointsBefore(cutoff);
    }
  }
  RunActions(std::move(actions));
}

Status CloudWatchService::Sink::Put(std::vector<pipeline::MetricDatum> data) {
  std::vector<std::pair<MetricKey, RawPoint>> points;
  points.reserve(data.size());
  for (pipeline::MetricDatum& d : data) {
    MetricKey key{std::move(d.account_id), std::move(d.region), std::move(d.namespace_name),
                  std::move(d.metric_name), Dimensions(d.dimensions.begin(), d.dimensions.end())};
    std::sort(key.dimensions.begin(), key.dimensions.end());
    RawPoint p;
    p.timestamp_ms = d.timestamp_millis;
    p.unit = d.unit.empty() ? "None" : d.unit;
    p.sample_count = 1;
    p.sum = p.minimum = p.maximum = d.value;
    p.values = {{d.value, 1}};
    points.emplace_back(std::move(key), std::move(p));
  }
  return owner_.PutPoints(std::move(points));
}

Status CloudWatchService::PutPoints(std::vector<std::pair<MetricKey, RawPoint>> points) {
  if (points.empty()) return {};
  const std::int64_t received = EpochMillis(clock_.Now());
  for (auto& [key, p] : points) p.received_ms = received;
  if (Status st = store_.AppendPoints(points); !st) return st;
  std::vector<PendingAction> actions;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::int64_t now = EpochMillis(clock_.Now());
    std::vector<const MetricKey*> touched;
    for (auto& [key, p] : points) {
      MetricSeries& series = metrics_[key];
      series.last_put_ms = now;
      auto pos = std::upper_bound(
          series.points.begin(), series.points.end(), p.timestamp_ms,
          [](std::int64_t t, const RawPoint& existing) { return t < existing.timestamp_ms; });
      AddToSlots(series.slots, p);
      series.points.insert(pos, std::move(p));
      touched.push_back(&key);
    }
    // Event-driven: the alarms watching these metrics see the new data now, not next minute.
    for (auto& [alarm_key, alarm] : alarms_) {
      for (const MetricKey* key : touched) {
        if (Watches(alarm, *key)) {
          EvaluateLocked(alarm, now, actions);
          break;
        }
      }
    }
  }
  RunActions(std::move(actions));
  return {};
}

bool CloudWatchService::Watches(const Alarm& alarm, const MetricKey& key) {
  if (alarm.account_id != key.account_id || alarm.region != key.region) return false;
  if (alarm.config.is_composite()) return false;
  const AlarmConfig& c = alarm.config;
  if (!c.is_math()) {
    if (c.namespace_name != key.namespace_name || c.metric_name != key.metric_name) return false;
    Dimensions sorted = c.dimensions;
    std::sort(sorted.begin(), sorted.end());
    return sorted == key.dimensions;
  }
  for (const MetricQuery& q : c.metrics) {
    if (q.metric && q.metric->namespace_name == key.namespace_name &&
        q.metric->metric_name == key.metric_name && q.metric->dimensions == key.dimensions) {
      return true;
    }
  }
  return false;
}

std::vector<Aggregate> CloudWatchService::BucketsLocked(const MetricKey& key, std::int64_t start_ms,
                                                        std::int64_t end_ms, int period_s,
                                                        const std::optional<std::string>& unit,
                                                        bool with_values) const {
  if (period_s > 0 && (std::int64_t{period_s} * 1000) % kSlotMillis == 0 &&
      start_ms % kSlotMillis == 0 && end_ms % kSlotMillis == 0) {
    auto it = metrics_.find(key);
    if (it == metrics_.end()) return {};
    return BucketSlots(it->second.slots, start_ms, end_ms, period_s, unit, with_values);
  }
  return BucketPoints(PointsLocked(key, start_ms, end_ms), start_ms, end_ms, period_s, unit);
}

std::vector<RawPoint> CloudWatchService::PointsLocked(const MetricKey& key, std::int64_t start_ms,
                                                      std::int64_t end_ms) const {
  auto it = metrics_.find(key);
  if (it == metrics_.end()) return {};
  // Points are sorted by time: copy only the window, not two weeks of points per evaluation.
  const std::vector<RawPoint>& points = it->second.points;
  auto by_time = [](const RawPoint& p, std::int64_t t) { return p.timestamp_ms < t; };
  auto first = std::lower_bound(points.begin(), points.end(), start_ms, by_time);
  auto last = std::lower_bound(first, points.end(), end_ms, by_time);
  return std::vector<RawPoint>(first, last);
}

Result<std::vector<QueryResult>> CloudWatchService::RunQueries(
    const std::string& account, const std::string& region, const std::vector<MetricQuery>& queries,
    std::int64_t start_ms, std::int64_t end_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  return RunQueriesLocked(account, region, queries, start_ms, end_ms);
}

Result<std::vector<QueryResult>> CloudWatchService::RunQueriesLocked(
    const std::string& account, const std::string& region, const std::vector<MetricQuery>& queries,
    std::int64_t start_ms, std::int64_t end_ms) {
  std::vector<QueryResult> results;
  std::vector<NamedSeries> named;
  std::vector<bool> is_metric;
  int grid_period = 0;
  for (const MetricQuery& q : queries) {
    if (q.period > 0 && (grid_period == 0 || q.period < grid_period)) grid_period = q.period;
  }
  if (grid_period <= 0) grid_period = 60;
  std::vector<std::int64_t> grid;
  const std::int64_t grid_ms = std::int64_t{grid_period} * 1000;
  for (std::int64_t t = start_ms - start_ms % grid_ms; t < end_ms; t += grid_ms) {
    if (t >= start_ms - grid_ms + 1) grid.push_back(t);
  }
  // MetricStat queries first, so expressions may refer to any of them.
  for (const MetricQuery& q : queries) {
    if (!q.metric) continue;
    MetricKey key = *q.metric;
    key.account_id = account;
    key.region = region;
    std::sort(key.dimensions.begin(), key.dimensions.end());
    QueryResult r{q.id, q.label.value_or(q.metric->metric_name), q.return_data, {}};
    for (const Aggregate& a : BucketsLocked(key, start_ms, end_ms, q.period, q.unit,
                                            ParsePercentile(q.stat).has_value())) {
      if (auto v = StatValue(a, q.stat)) r.series[a.period_start_ms] = *v;
    }
    named.push_back(NamedSeries{q.id, r.series});
    is_metric.push_back(true);
    results.push_back(std::move(r));
  }
  for (const MetricQuery& q : queries) {
    if (!q.expression) continue;
    auto series = EvaluateExpression(*q.expression, named, is_metric, grid);
    if (!series) return std::move(series).error();
    named.push_back(NamedSeries{q.id, *series});
    is_metric.push_back(false);
    results.push_back(QueryResult{q.id, q.label.value_or(q.id), q.return_data, std::move(*series)});
  }
  // Back in the order the caller gave.
  std::vector<QueryResult> ordered;
  for (const MetricQuery& q : queries) {
    for (QueryResult& r : results) {
      if (r.id == q.id) {
        ordered.push_back(std::move(r));
        break;
      }
    }
  }
  return ordered;
}

EvaluationSettings CloudWatchService::SettingsOf(const AlarmConfig& c) {
  EvaluationSettings s;
  s.evaluation_periods = c.evaluation_periods;
  s.datapoints_to_alarm = c.datapoints_to_alarm;
  s.threshold = c.threshold;
  s.comparison = c.comparison;
  s.treat_missing = c.treat_missing;
  // Alarms on DynamoDB metrics always behave as ignore (alarms.md 3.3 rule 5).
  if (!c.is_math() && c.namespace_name == "AWS/DynamoDB") s.treat_missing = MissingData::kIgnore;
  s.period_s = c.evaluation_period();
  s.statistic = c.extended_statistic.value_or(c.statistic.value_or(""));
  s.unit = c.unit;
  if (c.extended_statistic && c.evaluate_low_sample_count_percentile == "ignore") {
    s.ignore_low_sample_percentile = ParsePercentile(*c.extended_statistic);
  }
  return s;
}

std::vector<std::optional<SlotDatapoint>> CloudWatchService::MetricSlots(
    const AlarmConfig& c, const EvaluationSettings& s, const std::vector<RawPoint>& points,
    std::int64_t now) {
  // The evaluation range ends with the period in progress, so a datapoint counts the moment it
  // is stored; older slots fill gaps per the documented evaluation-range rules.
  const std::int64_t period_ms = std::int64_t{s.period_s} * 1000;
  const int range = EvaluationRangeSize(c.evaluation_periods);
  const std::int64_t newest = now - now % period_ms;
  const std::int64_t start = newest - std::int64_t{range - 1} * period_ms;
  std::vector<std::optional<SlotDatapoint>> slots(range);
  for (const Aggregate& a : BucketPoints(points, start, newest + period_ms, s.period_s, c.unit)) {
    auto v = StatValue(a, s.statistic);
    if (!v) continue;
    const double samples = c.extended_statistic ? PercentileSampleCount(a) : a.sample_count;
    slots[(a.period_start_ms - start) / period_ms] = SlotDatapoint{a.period_start_ms, *v, samples};
  }
  return slots;
}

void CloudWatchService::EvaluateLocked(Alarm& alarm, std::int64_t now,
                                       std::vector<PendingAction>& actions) {
  evaluations_.fetch_add(1, std::memory_order_relaxed);
  if (alarm.config.is_composite()) {
    EvaluateCompositeLocked(alarm, now, actions);
    return;
  }
  const AlarmConfig& c = alarm.config;
  const EvaluationSettings s = SettingsOf(c);
  // The evaluation range ends with the period in progress (see MetricSlots).
  const std::int64_t period_ms = std::int64_t{s.period_s} * 1000;
  const int range = EvaluationRangeSize(c.evaluation_periods);
  const std::int64_t newest = now - now % period_ms;
  const std::int64_t start = newest - std::int64_t{range - 1} * period_ms;
  std::vector<std::optional<SlotDatapoint>> slots(range);
  if (!c.is_math()) {
    MetricKey key{alarm.account_id, alarm.region, c.namespace_name, c.metric_name, c.dimensions};
    std::sort(key.dimensions.begin(), key.dimensions.end());
    for (const Aggregate& a : BucketsLocked(key, start, newest + period_ms, s.period_s, c.unit,
                                            c.extended_statistic.has_value())) {
      auto v = StatValue(a, s.statistic);
      if (!v) continue;
      const double samples = c.extended_statistic ? PercentileSampleCount(a) : a.sample_count;
      slots[(a.period_start_ms - start) / period_ms] =
          SlotDatapoint{a.period_start_ms, *v, samples};
    }
  } else {
    auto results =
        RunQueriesLocked(alarm.account_id, alarm.region, c.metrics, start, newest + period_ms);
    if (results) {
      for (const QueryResult& r : *results) {
        if (!r.return_data) continue;
        for (const auto& [t, v] : r.series) {
          if (t < start || t > newest) continue;
          slots[(t - start) / period_ms] = SlotDatapoint{t, v, 1};
        }
      }
    }
  }
  EvaluationResult result = EvaluateAlarm(s, slots, alarm.status, now);
  if (result.retained || result.state == alarm.status.state) return;
  ChangeStateLocked(alarm, result.state, std::move(result.reason), std::move(result.reason_data),
                    now, actions);
}

void CloudWatchService::ChangeStateLocked(Alarm& alarm, AlarmState state, std::string reason,
                                          std::string reason_data, std::int64_t now,
                                          std::vector<PendingAction>& actions,
                                          const std::vector<ChildState>* triggering) {
  state_changes_.fetch_add(1, std::memory_order_relaxed);
  const AlarmStatus old = alarm.status;
  alarm.status.state = state;
  alarm.status.reason = std::move(reason);
  alarm.status.reason_data = std::move(reason_data);
  alarm.status.state_updated_ms = now;
  alarm.status.state_transitioned_ms = now;
  (void)store_.SaveAlarm(alarm);
  AddHistoryLocked(alarm, HistoryType::kStateUpdate,
                   "Alarm updated from " + std::string(StateName(old.state)) + " to " +
                       std::string(StateName(state)),
                   StateUpdateHistoryData(old, alarm.status), now);
  if (alarm.config.actions_enabled) QueueActionsLocked(alarm, old.state, triggering, actions);
  // Composites naming this alarm see the new state now (after this alarm's own actions).
  PropagateLocked(alarm, now, actions);
}

void CloudWatchService::QueueActionsLocked(const Alarm& alarm, AlarmState old_state,
                                           const std::vector<ChildState>* triggering,
                                           std::vector<PendingAction>& actions) {
  const AlarmState state = alarm.status.state;
  const std::vector<std::string>& list = state == AlarmState::kAlarm ? alarm.config.alarm_actions
                                         : state == AlarmState::kOk
                                             ? alarm.config.ok_actions
                                             : alarm.config.insufficient_data_actions;
  for (const std::string& arn : list) {
    PendingAction action{alarm.account_id, alarm.region, alarm.config.name, {}};
    action.notification.topic_arn = arn;
    action.notification.subject = AlarmSubject(alarm);
    action.notification.message =
        alarm.config.is_composite()
            ? CompositeAlarmMessage(alarm, old_state,
                                    triggering ? *triggering : std::vector<ChildState>{})
            : AlarmMessage(alarm, old_state);
    action.notification.source_account_id = alarm.account_id;
    action.notification.source_arn = AlarmArn(alarm.region, alarm.account_id, alarm.config.name);
    actions.push_back(std::move(action));
  }
}

void CloudWatchService::AddHistoryLocked(const Alarm& alarm, HistoryType type, std::string summary,
                                         std::string data, std::int64_t now) {
  HistoryItem item;
  item.account_id = alarm.account_id;
  item.region = alarm.region;
  item.alarm_name = alarm.config.name;
  item.alarm_type = alarm.config.is_composite() ? "CompositeAlarm" : "MetricAlarm";
  item.timestamp_ms = now;
  item.type = type;
  item.summary = std::move(summary);
  item.data = std::move(data);
  auto id = store_.AppendHistory(item);
  item.id = id ? *id : (history_.empty() ? 1 : history_.back().id + 1);
  history_.push_back(std::move(item));
}

void CloudWatchService::RunActions(std::vector<PendingAction> actions) {
  for (PendingAction& action : actions) {
    const std::string& arn = action.notification.topic_arn;
    std::string summary;
    std::string error;
    if (arn.rfind("arn:aws:sns:", 0) != 0) {
      error = "trailwatch executes only SNS topic actions";
    } else if (!notifier_) {
      error = "SNS is not available in this trailwatch";
    } else {
      auto published = notifier_->Publish(action.notification);
      if (!published) error = published.error().code + ": " + published.error().message;
    }
    summary = error.empty()
                  ? "Successfully executed action " + arn
                  : "Failed to execute action " + arn + ". Received error: \"" + error + "\"";
    std::lock_guard<std::mutex> lock(mutex_);
    Alarm* alarm = FindAlarmLocked(action.account_id, action.region, action.alarm_name);
    Alarm stub;
    if (!alarm) {  // deleted meanwhile: still record what happened
      stub.account_id = action.account_id;
      stub.region = action.region;
      stub.config.name = action.alarm_name;
      alarm = &stub;
    }
    AddHistoryLocked(*alarm, HistoryType::kAction, summary,
                     ActionHistoryData(arn, error.empty(), error), EpochMillis(clock_.Now()));
  }
}

Alarm* CloudWatchService::FindAlarmLocked(const std::string& account, const std::string& region,
                                          const std::string& name) {
  auto it = alarms_.find(AlarmKey{account, region, name});
  return it == alarms_.end() ? nullptr : &it->second;
}

std::string CloudWatchService::RuleTargetName(const Alarm& composite,
                                              const std::string& reference) {
  if (!reference.starts_with("arn:")) return reference;
  const std::string prefix = AlarmArn(composite.region, composite.account_id, "");
  return reference.starts_with(prefix) ? reference.substr(prefix.size()) : std::string();
}

std::vector<std::string> CloudWatchService::ParentsLocked(const std::string& account,
                                                          const std::string& region,
                                                          const std::string& name) {
  std::vector<std::string> parents;
  for (const auto& [key, rule] : rules_) {
    if (key.account_id != account || key.region != region) continue;
    auto found = alarms_.find(key);
    if (found == alarms_.end()) continue;
    for (const std::string& reference : rule.references()) {
      if (RuleTargetName(found->second, reference) == name) {
        parents.push_back(key.name);
        break;
      }
    }
  }
  return parents;
}

void CloudWatchService::PropagateLocked(const Alarm& child, std::int64_t now,
                                        std::vector<PendingAction>& actions) {
  const std::string account = child.account_id;
  const std::string region = child.region;
  const std::string name = child.config.name;
  propagation_path_.push_back(name);
  for (const std::string& parent : ParentsLocked(account, region, name)) {
    // A composite already being evaluated up the path closes a cycle: evaluation stops there.
    if (std::find(propagation_path_.begin(), propagation_path_.end(), parent) !=
        propagation_path_.end()) {
      continue;
    }
    if (Alarm* alarm = FindAlarmLocked(account, region, parent)) {
      EvaluateCompositeLocked(*alarm, now, actions, name);
    }
  }
  propagation_path_.pop_back();
}

void CloudWatchService::EvaluateCompositeLocked(Alarm& alarm, std::int64_t now,
                                                std::vector<PendingAction>& actions,
                                                const std::string& changed_child) {
  auto rule_it = rules_.find(AlarmKey{alarm.account_id, alarm.region, alarm.config.name});
  if (rule_it == rules_.end()) return;
  const AlarmRule& rule = rule_it->second;
  auto child_of = [&](std::string_view reference) -> const Alarm* {
    const std::string name = RuleTargetName(alarm, std::string(reference));
    return name.empty() ? nullptr : FindAlarmLocked(alarm.account_id, alarm.region, name);
  };
  auto state_of = [&](std::string_view reference) -> std::optional<AlarmState> {
    const Alarm* child = child_of(reference);
    if (!child) return std::nullopt;
    return child->status.state;
  };
  // TRUE is ALARM and FALSE is OK: a composite is INSUFFICIENT_DATA only before its first
  // evaluation (PutCompositeAlarm).
  const bool value = rule.Evaluate(state_of);
  const AlarmState state = value ? AlarmState::kAlarm : AlarmState::kOk;
  if (state == alarm.status.state) return;
  std::vector<ChildState> triggering;
  for (const std::string& reference : rule.Supporting(value, state_of)) {
    const Alarm* child = child_of(reference);
    if (!child) continue;
    ChildState c{AlarmArn(child->region, child->account_id, child->config.name),
                 child->status.state, child->status.state_updated_ms};
    // The child whose change caused this evaluation leads (the reason names it).
    if (child->config.name == changed_child) {
      triggering.insert(triggering.begin(), std::move(c));
    } else {
      triggering.push_back(std::move(c));
    }
  }
  std::string reason = triggering.empty()
                           ? std::string("The alarm rule evaluated to ") +
                                 (value ? "TRUE" : "FALSE") + " at " + AwsJsonTime(now)
                           : CompositeReason(triggering.front());
  std::string reason_data = CompositeReasonData(triggering);
  ChangeStateLocked(alarm, state, std::move(reason), std::move(reason_data), now, actions,
                    &triggering);
}

}  // namespace tw::services::cloudwatch
