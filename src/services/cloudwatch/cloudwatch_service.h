// SPDX-License-Identifier: Apache-2.0
// The CloudWatch service: metrics (PutMetricData, ListMetrics, GetMetricStatistics, GetMetricData
// with metric math), metric alarms and composite alarms (Put/Describe/Delete, SetAlarmState,
// Enable/Disable actions, history, tags) that really evaluate. Handlers take and return Values
// named by the cloudwatch model's members; the dispatcher validated shapes, enums and required
// members before they run.
//
// Storage: every raw point, alarm and history item is written through to SQLite
// (CloudWatchStore) and kept in memory (two weeks of points), so alarm evaluation never touches
// the disk. Evaluation is event-driven, and clock-driven: storing a point re-evaluates at once the
// alarms that watch its metric (PutMetricData and the MetricSink that Logs metric filters publish
// to take the same path), and Tick() re-evaluates every alarm whose period boundary has passed
// (every 10 s for high-resolution alarms, every minute otherwise, as CloudWatch schedules them).
// A scheduler thread calls Tick() once a second when started; tests call Tick() with a FakeClock.
// State changes write history and publish each SNS action through the Notifier outside the lock;
// a missing Notifier or a failed publish is recorded as an Action history item.
//
// Handlers live in metrics_api.cc and alarms_api.cc; evaluation in alarm_engine.cc.
// Thread-safe: one mutex guards the in-memory state; Notifier calls happen without it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "pipeline/metric_sink.h"
#include "pipeline/notifier.h"
#include "services/cloudwatch/alarm_evaluator.h"
#include "services/cloudwatch/alarm_message.h"
#include "services/cloudwatch/alarm_rule.h"
#include "services/cloudwatch/cloudwatch_store.h"
#include "services/cloudwatch/metric_math.h"
#include "services/cloudwatch/statistics.h"
#include "services/cloudwatch/types.h"
#include "services/service.h"

namespace tw::services::cloudwatch {

using protocol::Value;

inline constexpr std::int64_t kRetentionMillis = 15LL * 86'400'000;
inline constexpr std::int64_t kMaxPastMillis = 14LL * 86'400'000;
inline constexpr std::int64_t kMaxFutureMillis = 2LL * 3'600'000;
inline constexpr std::size_t kMaxMetricDatums = 1000;
inline constexpr std::size_t kMaxDimensions = 30;
inline constexpr std::int64_t kMaxGetMetricStatisticsPoints = 1440;

// One evaluated GetMetricData query.
struct QueryResult {
  std::string id;
  std::string label;
  bool return_data = true;
  Series series;
};

class CloudWatchService {
 public:
  CloudWatchService(store::Database& database, const Clock& clock, pipeline::Notifier* notifier,
                    bool start_scheduler = true);
  ~CloudWatchService();
  CloudWatchService(const CloudWatchService&) = delete;
  CloudWatchService& operator=(const CloudWatchService&) = delete;

  void Register(OperationTable& table);
  // Alarm evaluations and state changes since start (the /metrics counts).
  std::uint64_t evaluations() const { return evaluations_.load(std::memory_order_relaxed); }
  std::uint64_t state_changes() const { return state_changes_.load(std::memory_order_relaxed); }
  // Where other services publish datapoints (Logs metric filters): the PutMetricData path.
  pipeline::MetricSink& metric_sink() { return sink_; }
  // Re-evaluates every alarm whose evaluation time has come (the scheduler calls this).
  void Tick();

  // Stores points and evaluates the alarms watching them at once.
  Status PutPoints(std::vector<std::pair<MetricKey, RawPoint>> points);

  // Metrics (metrics_api.cc).
  Result<Value> PutMetricData(RequestContext& context, const Value& input);
  Result<Value> ListMetrics(RequestContext& context, const Value& input);
  Result<Value> GetMetricStatistics(RequestContext& context, const Value& input);
  Result<Value> GetMetricData(RequestContext& context, const Value& input);

  // Alarms (alarms_api.cc).
  Result<Value> PutMetricAlarm(RequestContext& context, const Value& input);
  Result<Value> PutCompositeAlarm(RequestContext& context, const Value& input);
  Result<Value> DescribeAlarms(RequestContext& context, const Value& input);
  Result<Value> DescribeAlarmsForMetric(RequestContext& context, const Value& input);
  Result<Value> DeleteAlarms(RequestContext& context, const Value& input);
  Result<Value> SetAlarmState(RequestContext& context, const Value& input);
  Result<Value> EnableAlarmActions(RequestContext& context, const Value& input);
  Result<Value> DisableAlarmActions(RequestContext& context, const Value& input);
  Result<Value> DescribeAlarmHistory(RequestContext& context, const Value& input);
  Result<Value> TagResource(RequestContext& context, const Value& input);
  Result<Value> UntagResource(RequestContext& context, const Value& input);
  Result<Value> ListTagsForResource(RequestContext& context, const Value& input);

  // Replays alarms over a past span (alarm_replay.cc; a trailwatch extension for imported
  // CloudTrail logs): each alarm of the account and Region (all, or those named) whose metric has
  // datapoints stamped in [start_ms, end_ms] is evaluated as if time had run through the span —
  // at each datapoint's time (the event-driven evaluation) and at the period boundaries after it
  // until the data has left the evaluation range (the clock-driven one) — seeing only the
  // datapoints stamped up to that moment, starting from INSUFFICIENT_DATA. Every transition is
  // written to the alarm's history with its original timestamp, the AWS summary and data, and
  // the summary suffix " (replayed)"; a new replay of the same alarm and span replaces the
  // earlier replayed items. The alarm's current state is not touched and no action runs
  // (replayed transitions are history, not news: no SNS notification). Metric math alarms are
  // skipped (reported as such).
  struct ReplayTransition {
    std::string alarm_name;
    std::int64_t timestamp_ms = 0;
    AlarmState from = AlarmState::kInsufficientData;
    AlarmState to = AlarmState::kInsufficientData;
    std::string reason;
  };
  struct ReplayResult {
    std::vector<std::string> replayed;                         // alarms with data in the span
    std::vector<std::pair<std::string, std::string>> skipped;  // alarm, why
    std::vector<ReplayTransition> transitions;                 // by time
  };
  Result<ReplayResult> ReplayAlarms(const std::string& account, const std::string& region,
                                    std::int64_t start_ms, std::int64_t end_ms,
                                    const std::vector<std::string>& alarm_names);

  // Runs GetMetricData-style queries over [start, end) with `period_s` grid (0: each query's own).
  Result<std::vector<QueryResult>> RunQueries(const std::string& account, const std::string& region,
                                              const std::vector<MetricQuery>& queries,
                                              std::int64_t start_ms, std::int64_t end_ms);

 private:
  class Sink final : public pipeline::MetricSink {
   public:
    explicit Sink(CloudWatchService& owner) : owner_(owner) {}
    Status Put(std::vector<pipeline::MetricDatum> data) override;

   private:
    CloudWatchService& owner_;
  };

  struct AlarmKey {
    std::string account_id;
    std::string region;
    std::string name;
    auto operator<=>(const AlarmKey&) const = default;
  };

  struct PendingAction {
    std::string account_id;
    std::string region;
    std::string alarm_name;
    pipeline::Notification notification;
  };

  struct MetricSeries {
    std::vector<RawPoint> points;  // sorted by timestamp
    Slots slots;                   // the same points in 10-second aggregates
    std::int64_t last_put_ms = 0;
  };

  // alarm_engine.cc: evaluation and state changes. *Locked functions need mutex_ held.
  void EvaluateLocked(Alarm& alarm, std::int64_t now, std::vector<PendingAction>& actions);
  // `triggering`: a composite alarm's triggering children (its SNS message lists them).
  void ChangeStateLocked(Alarm& alarm, AlarmState state, std::string reason,
                         std::string reason_data, std::int64_t now,
                         std::vector<PendingAction>& actions,
                         const std::vector<ChildState>* triggering = nullptr);
  void QueueActionsLocked(const Alarm& alarm, AlarmState old_state,
                          const std::vector<ChildState>* triggering,
                          std::vector<PendingAction>& actions);
  // Composite alarms (alarm_engine.cc). A composite is evaluated when it is put, at the clock's
  // minute boundaries, and whenever an alarm its rule names changes state; the change propagates
  // up through composites of composites. An alarm already on the propagation path is not
  // evaluated again: a cycle of composites stops there (PutCompositeAlarm: "the evaluation of
  // composite alarms stops if CloudWatch detects a cycle in the evaluation path").
  void EvaluateCompositeLocked(Alarm& alarm, std::int64_t now, std::vector<PendingAction>& actions,
                               const std::string& changed_child = {});
  void PropagateLocked(const Alarm& child, std::int64_t now, std::vector<PendingAction>& actions);
  // The alarm name a rule reference stands for ("" when it names another account or Region).
  static std::string RuleTargetName(const Alarm& composite, const std::string& reference);
  // Composites whose rules name the alarm `name`.
  std::vector<std::string> ParentsLocked(const std::string& account, const std::string& region,
                                         const std::string& name);
  static Value CompositeToValue(const Alarm& alarm);
  void AddHistoryLocked(const Alarm& alarm, HistoryType type, std::string summary, std::string data,
                        std::int64_t now);
  void RunActions(std::vector<PendingAction> actions);
  // The metric's points with timestamps in [start_ms, end_ms).
  std::vector<RawPoint> PointsLocked(const MetricKey& key, std::int64_t start_ms,
                                     std::int64_t end_ms) const;
  // BucketPoints over the metric: from its 10-second slots when the period is a multiple of 10
  // seconds (alarms always), else from its raw points (1 s and 5 s periods).
  std::vector<Aggregate> BucketsLocked(const MetricKey& key, std::int64_t start_ms,
                                       std::int64_t end_ms, int period_s,
                                       const std::optional<std::string>& unit,
                                       bool with_values = true) const;
  Result<std::vector<QueryResult>> RunQueriesLocked(const std::string& account,
                                                    const std::string& region,
                                                    const std::vector<MetricQuery>& queries,
                                                    std::int64_t start_ms, std::int64_t end_ms);
  static bool Watches(const Alarm& alarm, const MetricKey& key);
  // The evaluator's settings for an alarm, and the evaluation-range slots of a (non-math) alarm
  // at `now` from `points` (sorted by time).
  static EvaluationSettings SettingsOf(const AlarmConfig& c);
  static std::vector<std::optional<SlotDatapoint>> MetricSlots(const AlarmConfig& c,
                                                               const EvaluationSettings& s,
                                                               const std::vector<RawPoint>& points,
                                                               std::int64_t now);
  static std::int64_t NextEvaluation(const Alarm& alarm, std::int64_t now);
  void SchedulerLoop();
  void Load();

  static Value AlarmToValue(const Alarm& alarm);
  Alarm* FindAlarmLocked(const std::string& account, const std::string& region,
                         const std::string& name);
  // Enable/DisableAlarmActions: the named alarms of the caller's account and region.
  Result<Value> SetActionsEnabled(RequestContext& context, const Value& input, bool enabled);

  CloudWatchStore store_;
  const Clock& clock_;
  pipeline::Notifier* notifier_;
  Sink sink_{*this};

  std::mutex mutex_;
  std::atomic<std::uint64_t> evaluations_{0};
  std::atomic<std::uint64_t> state_changes_{0};
  std::map<MetricKey, MetricSeries> metrics_;
  std::map<AlarmKey, Alarm> alarms_;
  std::map<AlarmKey, AlarmRule> rules_;        // composite alarms' parsed rules
  std::vector<std::string> propagation_path_;  // composites being evaluated (cycle guard)
  std::vector<HistoryItem> history_;           // oldest first
  std::int64_t last_prune_ms_ = 0;

  std::mutex scheduler_mutex_;
  std::condition_variable scheduler_cv_;
  bool stopping_ = false;
  std::thread scheduler_;
};

}  // namespace tw::services::cloudwatch
