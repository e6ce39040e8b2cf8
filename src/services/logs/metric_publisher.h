// SPDX-License-Identifier: Apache-2.0
// MetricPublisher: runs a log group's metric filters over the events just stored and publishes
// the resulting datapoints to the pipeline::MetricSink (CloudWatch). It keeps each group's filters
// compiled (pattern, metricValue and dimension expressions) in a cache keyed by the group's store
// id and its filters_version, which PutMetricFilter/DeleteMetricFilter bump in the store, so the
// ingest transaction can tell whether the cache is current and hand over fresh definitions.
//
// AWS semantics implemented (filter-patterns.md §7):
//  * every matching event contributes its metricValue ("1", "$.field", "$name"/"$N") at the
//    event's own timestamp, with the filter's unit (default "None") and dimensions resolved from
//    the event; an event whose value or a dimension does not resolve contributes nothing;
//  * defaultValue: for each minute in which events arrived but none matched, one datapoint with
//    the default value at the start of that minute; minutes without events publish nothing. The
//    per-minute state lives with the compiled filter, so a later batch in the same minute neither
//    repeats the default nor suppresses it after the fact (a match after a default in the same
//    minute adds to it, which leaves Sum unchanged for the usual defaultValue 0).
//
// Without a sink (CloudWatch not built yet) or when the sink fails, datapoints are counted as
// undelivered, never dropped silently: the count is reported through `info_log` at most once a
// minute (by the injected clock) whenever it grew.
//
// Thread-safe: the cache is guarded by a mutex; compiled filters are immutable and shared.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "pipeline/metric_sink.h"
#include "services/logs/filter_pattern/filter_pattern.h"
#include "services/logs/filter_pattern/value_expression.h"
#include "services/logs/logs_store.h"

namespace tw::services::logs {

// One metric filter ready to run.
struct CompiledMetricFilter {
  explicit CompiledMetricFilter(filter_pattern::CompiledPattern compiled)
      : pattern(std::move(compiled)) {}

  std::string name;
  filter_pattern::CompiledPattern pattern;
  filter_pattern::ValueExpression metric_value;
  std::vector<std::pair<std::string, filter_pattern::ValueExpression>> dimensions;
  MetricTransformationRecord transformation;

  // defaultValue bookkeeping per minute (epoch minute → state bits), bounded.
  mutable std::mutex minutes_mutex;
  mutable std::map<std::int64_t, unsigned> minutes;
};

// Compiles a stored or requested filter; the error is the InvalidParameterException to answer.
Result<std::shared_ptr<CompiledMetricFilter>> CompileMetricFilter(const MetricFilterRecord& record);

class MetricPublisher {
 public:
  using InfoLog = std::function<void(const std::string&)>;

  MetricPublisher(pipeline::MetricSink* sink, InfoLog info_log)
      : sink_(sink), info_log_(std::move(info_log)) {}

  // Whether the cache lacks the group's filters at `version` (for AppendEvents' need_filters).
  bool NeedsFilters(std::int64_t group_id, std::int64_t version) const;
  // Installs freshly loaded definitions for a group at `version`.
  void Update(std::int64_t group_id, std::int64_t version,
              const std::vector<MetricFilterRecord>& filters);
  void Forget(std::int64_t group_id);

  // Runs the group's cached filters over `events` and publishes the datapoints. `now` paces the
  // undelivered report. Returns how many datapoints the filters produced.
  std::size_t Publish(const std::string& account_id, const std::string& region,
                      std::int64_t group_id, const std::vector<InputEvent>& events,
                      std::int64_t now);

  // Runs `filters` (not necessarily the group's cached set: a backfill names some) over `events`
  // and publishes the datapoints; returns them (after delivery was attempted) for the caller's
  // accounting.
  std::vector<pipeline::MetricDatum> PublishWith(
      const std::string& account_id, const std::string& region,
      const std::vector<std::shared_ptr<CompiledMetricFilter>>& filters,
      const std::vector<InputEvent>& events, std::int64_t now);

  // The datapoints computed so far that no sink accepted.
  std::int64_t undelivered() const { return undelivered_.load(); }

  // Evaluates `filters` over `events` without publishing (the core of Publish; tests). Updates
  // the filters' per-minute defaultValue state.
  static std::vector<pipeline::MetricDatum> Evaluate(
      const std::string& account_id, const std::string& region,
      const std::vector<std::shared_ptr<CompiledMetricFilter>>& filters,
      const std::vector<InputEvent>& events);

 private:
  struct GroupFilters {
    std::int64_t version = 0;
    std::vector<std::shared_ptr<CompiledMetricFilter>> filters;
  };

  void Deliver(std::vector<pipeline::MetricDatum> data, std::int64_t now);

  pipeline::MetricSink* sink_;
  InfoLog info_log_;
  mutable std::mutex mutex_;
  std::map<std::int64_t, std::shared_ptr<const GroupFilters>> groups_;

  std::atomic<std::int64_t> undelivered_{0};
  std::mutex report_mutex_;
  std::int64_t reported_ = 0;
  std::int64_t last_report_at_ = 0;
};

}  // namespace tw::services::logs
