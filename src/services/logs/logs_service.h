// SPDX-License-Identifier: Apache-2.0
// The CloudWatch Logs service: log groups (tags, retention, classes), log streams, log events
// (PutLogEvents, GetLogEvents, FilterLogEvents) and metric filters (Put/Describe/Delete/Test).
// Handlers take and return Values named by the logs model's members; the dispatcher has validated
// lengths, patterns, enums and required members, so handlers check what the model cannot:
// existence, quotas, PutLogEvents' batch rules, retention values and filter patterns (through the
// filter_pattern engine). Operations live by resource in log_groups.cc, log_streams.cc, events.cc
// and metric_filters.cc; storage is behind LogsStore.
//
// IngestEvents() is the one path by which events are stored: PutLogEvents uses it, and CloudTrail
// delivery to a log group will too. Every stored batch runs the group's metric filters and
// publishes datapoints through the MetricPublisher (see metric_publisher.h for the semantics and
// what happens while no CloudWatch sink exists).
//
// Thread-safe: handlers keep no per-request state; the store and the publisher are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "pipeline/metric_sink.h"
#include "services/logs/logs_store.h"
#include "services/logs/metric_publisher.h"
#include "services/logs/query_runner.h"
#include "services/logs/subscription_delivery.h"
#include "services/service.h"

namespace tw::services::logs {

using protocol::Value;

// PutLogEvents' limits (API reference, PutLogEvents).
inline constexpr std::int64_t kMaxBatchBytes = 1'048'576;
inline constexpr std::int64_t kEventOverheadBytes = 26;
inline constexpr std::int64_t kMaxBatchSpanMillis = 24LL * 3'600'000;
inline constexpr std::int64_t kMaxFutureMillis = 2LL * 3'600'000;
inline constexpr std::int64_t kMaxPastMillis = 14LL * 86'400'000;
inline constexpr int kMaxMetricFiltersPerGroup = 100;
inline constexpr int kMaxRegexFiltersPerGroup = 5;
inline constexpr int kMaxTagsPerGroup = 50;
inline constexpr int kMaxSubscriptionFiltersPerGroup = 2;

class LogsService {
 public:
  // `warn_log` receives subscription-filter delivery failures (subscription_delivery.h); when
  // empty they go to `info_log`. `query_workers`: threads running Logs Insights queries (0 leaves
  // them Scheduled; tests).
  LogsService(LogsStore& store, const Clock& clock, pipeline::MetricSink* sink,
              MetricPublisher::InfoLog info_log, SubscriptionDelivery::Log warn_log = {},
              int query_workers = 2)
      : store_(store),
        clock_(clock),
        publisher_(sink, info_log),
        subscriptions_(warn_log ? std::move(warn_log) : std::move(info_log)),
        queries_(std::make_unique<QueryRunner>(store, clock, query_workers)) {}

  void Register(OperationTable& table);

  // Stores `events` (chronological; the caller applied PutLogEvents' rules) in an existing group
  // and stream, runs the group's metric filters over them and publishes the datapoints. Returns
  // the stream's upload sequence after the append. ResourceNotFoundException for a missing group
  // or stream.
  Result<std::int64_t> IngestEvents(const std::string& account_id, const std::string& region,
                                    const std::string& group, const std::string& stream,
                                    const std::vector<InputEvent>& events);
  // Creates the stream if it does not exist (CloudTrail delivery); the group must exist.
  Status EnsureLogStream(const std::string& account_id, const std::string& region,
                         const std::string& group, const std::string& stream);

  const MetricPublisher& publisher() const { return publisher_; }
  const SubscriptionDelivery& subscriptions() const { return subscriptions_; }

  // Imported CloudTrail events (trailwatch import; import.cc). Unlike PutLogEvents there is no
  // 14-day or 2-hour window: the events keep their original timestamps. The group's retention
  // still applies by event time, as for every event: events it has already expired are not
  // stored and are counted in `expired`. The group's metric filters run over the stored events
  // and publish at the events' times.
  struct ImportResult {
    std::int64_t stored = 0;
    std::int64_t expired = 0;
    std::int64_t datapoints = 0;
  };
  // Creates the group (no retention, STANDARD) if it does not exist.
  Status EnsureLogGroup(const std::string& account_id, const std::string& region,
                        const std::string& group);
  // `events` in any order; stored chronologically.
  Result<ImportResult> ImportEvents(const std::string& account_id, const std::string& region,
                                    const std::string& group, const std::string& stream,
                                    std::vector<InputEvent> events);
  // Runs the named metric filters of a group over the events it already stores in
  // [start, end) (a trailwatch extension: AWS never backfills a new filter) and publishes the
  // datapoints at the events' times. ResourceNotFoundException for a missing group or filter.
  struct BackfillResult {
    std::int64_t events_scanned = 0;
    std::int64_t datapoints = 0;
    std::optional<std::int64_t> first_datapoint;
    std::optional<std::int64_t> last_datapoint;
  };
  Result<BackfillResult> BackfillMetricFilters(const std::string& account_id,
                                               const std::string& region, const std::string& group,
                                               const std::vector<std::string>& filter_names,
                                               std::optional<std::int64_t> start,
                                               std::optional<std::int64_t> end);

  // Log groups, retention and tags (log_groups.cc).
  Result<Value> CreateLogGroup(RequestContext& context, const Value& input);
  Result<Value> DeleteLogGroup(RequestContext& context, const Value& input);
  Result<Value> DescribeLogGroups(RequestContext& context, const Value& input);
  Result<Value> PutRetentionPolicy(RequestContext& context, const Value& input);
  Result<Value> DeleteRetentionPolicy(RequestContext& context, const Value& input);
  Result<Value> TagResource(RequestContext& context, const Value& input);
  Result<Value> UntagResource(RequestContext& context, const Value& input);
  Result<Value> ListTagsForResource(RequestContext& context, const Value& input);
  Result<Value> TagLogGroup(RequestContext& context, const Value& input);
  Result<Value> UntagLogGroup(RequestContext& context, const Value& input);
  Result<Value> ListTagsLogGroup(RequestContext& context, const Value& input);

  // Log streams (log_streams.cc).
  Result<Value> CreateLogStream(RequestContext& context, const Value& input);
  Result<Value> DeleteLogStream(RequestContext& context, const Value& input);
  Result<Value> DescribeLogStreams(RequestContext& context, const Value& input);

  // Log events (events.cc).
  Result<Value> PutLogEvents(RequestContext& context, const Value& input);
  Result<Value> GetLogEvents(RequestContext& context, const Value& input);
  Result<Value> FilterLogEvents(RequestContext& context, const Value& input);

  // Metric filters (metric_filters.cc).
  Result<Value> PutMetricFilter(RequestContext& context, const Value& input);
  Result<Value> DescribeMetricFilters(RequestContext& context, const Value& input);
  Result<Value> DeleteMetricFilter(RequestContext& context, const Value& input);
  Result<Value> TestMetricFilter(RequestContext& context, const Value& input);

  // Subscription filters (subscription_filters.cc).
  Result<Value> PutSubscriptionFilter(RequestContext& context, const Value& input);
  Result<Value> DescribeSubscriptionFilters(RequestContext& context, const Value& input);
  Result<Value> DeleteSubscriptionFilter(RequestContext& context, const Value& input);

  // Logs Insights (queries.cc; the language is insights/, the running queries QueryRunner).
  Result<Value> StartQuery(RequestContext& context, const Value& input);
  Result<Value> GetQueryResults(RequestContext& context, const Value& input);
  Result<Value> StopQuery(RequestContext& context, const Value& input);
  Result<Value> DescribeQueries(RequestContext& context, const Value& input);
  Result<Value> GetLogRecord(RequestContext& context, const Value& input);
  Result<Value> PutQueryDefinition(RequestContext& context, const Value& input);
  Result<Value> DescribeQueryDefinitions(RequestContext& context, const Value& input);
  Result<Value> DeleteQueryDefinition(RequestContext& context, const Value& input);

 private:
  Result<std::int64_t> Ingest(const GroupKey& key, const std::string& stream,
                              const std::vector<InputEvent>& events, std::int64_t now,
                              std::int64_t* datapoints = nullptr);
  // Deletes every group's expired events at most once an hour (piggybacking on writes).
  void MaybeSweepRetention(std::int64_t now);
  Result<GroupKey> TagTarget(RequestContext& context, const Value& input);
  // Metric and subscription filters of the group whose patterns contain a regex, not counting
  // the metric filter `skip_metric` or the subscription filter `skip_subscription` (the one being
  // replaced). AWS allows 5 per group, both kinds together (CloudWatch Logs quotas).
  Result<int> RegexFilterCount(const GroupKey& key, std::string_view skip_metric,
                               std::string_view skip_subscription);

  LogsStore& store_;
  const Clock& clock_;
  MetricPublisher publisher_;
  SubscriptionDelivery subscriptions_;
  std::atomic<std::int64_t> last_sweep_{0};
  std::unique_ptr<QueryRunner> queries_;  // last: its workers stop before the rest goes
};

}  // namespace tw::services::logs
