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
#include <string>
#include <vector>

#include "common/clock.h"
#include "pipeline/metric_sink.h"
#include "services/logs/logs_store.h"
#include "services/logs/metric_publisher.h"
#include "services/logs/query_runner.h"
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

class LogsService {
 public:
  // `query_workers`: threads running Logs Insights queries (0 leaves them Scheduled; tests).
  LogsService(LogsStore& store, const Clock& clock, pipeline::MetricSink* sink,
              MetricPublisher::InfoLog info_log, int query_workers = 2)
      : store_(store),
        clock_(clock),
        publisher_(sink, std::move(info_log)),
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
                              const std::vector<InputEvent>& events, std::int64_t now);
  // Deletes every group's expired events at most once an hour (piggybacking on writes).
  void MaybeSweepRetention(std::int64_t now);
  Result<GroupKey> TagTarget(RequestContext& context, const Value& input);

  LogsStore& store_;
  const Clock& clock_;
  MetricPublisher publisher_;
  std::atomic<std::int64_t> last_sweep_{0};
  std::unique_ptr<QueryRunner> queries_;  // last: its workers stop before the rest goes
};

}  // namespace tw::services::logs
