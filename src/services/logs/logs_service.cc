// SPDX-License-Identifier: Apache-2.0
#include "services/logs/logs_service.h"

#include "services/logs/support.h"

namespace tw::services::logs {
namespace {

constexpr std::int64_t kSweepIntervalMillis = 3'600'000;

}  // namespace

void LogsService::Register(OperationTable& table) {
  auto add = [&](const char* operation,
                 Result<Value> (LogsService::*handler)(RequestContext&, const Value&)) {
    table.Add("logs", operation, [this, handler](RequestContext& context, const Value& input) {
      return (this->*handler)(context, input);
    });
  };
  add("CreateLogGroup", &LogsService::CreateLogGroup);
  add("DeleteLogGroup", &LogsService::DeleteLogGroup);
  add("DescribeLogGroups", &LogsService::DescribeLogGroups);
  add("PutRetentionPolicy", &LogsService::PutRetentionPolicy);
  add("DeleteRetentionPolicy", &LogsService::DeleteRetentionPolicy);
  add("TagResource", &LogsService::TagResource);
  add("UntagResource", &LogsService::UntagResource);
  add("ListTagsForResource", &LogsService::ListTagsForResource);
  add("TagLogGroup", &LogsService::TagLogGroup);
  add("UntagLogGroup", &LogsService::UntagLogGroup);
  add("ListTagsLogGroup", &LogsService::ListTagsLogGroup);
  add("CreateLogStream", &LogsService::CreateLogStream);
  add("DeleteLogStream", &LogsService::DeleteLogStream);
  add("DescribeLogStreams", &LogsService::DescribeLogStreams);
  add("PutLogEvents", &LogsService::PutLogEvents);
  add("GetLogEvents", &LogsService::GetLogEvents);
  add("FilterLogEvents", &LogsService::FilterLogEvents);
  add("PutMetricFilter", &LogsService::PutMetricFilter);
  add("DescribeMetricFilters", &LogsService::DescribeMetricFilters);
  add("DeleteMetricFilter", &LogsService::DeleteMetricFilter);
  add("TestMetricFilter", &LogsService::TestMetricFilter);
  add("PutSubscriptionFilter", &LogsService::PutSubscriptionFilter);
  add("DescribeSubscriptionFilters", &LogsService::DescribeSubscriptionFilters);
  add("DeleteSubscriptionFilter", &LogsService::DeleteSubscriptionFilter);
  add("StartQuery", &LogsService::StartQuery);
  add("GetQueryResults", &LogsService::GetQueryResults);
  add("StopQuery", &LogsService::StopQuery);
  add("DescribeQueries", &LogsService::DescribeQueries);
  add("GetLogRecord", &LogsService::GetLogRecord);
  add("PutQueryDefinition", &LogsService::PutQueryDefinition);
  add("DescribeQueryDefinitions", &LogsService::DescribeQueryDefinitions);
  add("DeleteQueryDefinition", &LogsService::DeleteQueryDefinition);
}

Result<std::int64_t> LogsService::IngestEvents(const std::string& account_id,
                                               const std::string& region, const std::string& group,
                                               const std::string& stream,
                                               const std::vector<InputEvent>& events) {
  return Ingest(GroupKey{account_id, region, group}, stream, events, EpochMillis(clock_.Now()));
}

Status LogsService::EnsureLogStream(const std::string& account_id, const std::string& region,
                                    const std::string& group, const std::string& stream) {
  auto outcome = store_.CreateLogStream(GroupKey{account_id, region, group}, stream,
                                        EpochMillis(clock_.Now()));
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  return {};
}

Result<std::int64_t> LogsService::Ingest(const GroupKey& key, const std::string& stream,
                                         const std::vector<InputEvent>& events, std::int64_t now,
                                         std::int64_t* datapoints) {
  MaybeSweepRetention(now);
  auto appended = store_.AppendEvents(key, stream, events, now,
                                      [this](std::int64_t group_id, std::int64_t version) {
                                        return publisher_.NeedsFilters(group_id, version) ||
                                               subscriptions_.NeedsFilters(group_id, version);
                                      });
  if (!appended) return std::move(appended).error();
  if (appended->outcome == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  if (appended->outcome == Outcome::kNoStream) return ResourceNotFound(kStreamNotFound);
  if (appended->filters) {
    publisher_.Update(appended->group_id, appended->filters_version, *appended->filters);
  }
  if (appended->subscriptions) {
    subscriptions_.Update(appended->group_id, appended->filters_version, *appended->subscriptions);
  }
  const std::size_t published =
      publisher_.Publish(key.account_id, key.region, appended->group_id, events, now);
  if (datapoints) *datapoints += static_cast<std::int64_t>(published);
  subscriptions_.Deliver(appended->group_id, events, now);
  return appended->upload_sequence;
}

void LogsService::MaybeSweepRetention(std::int64_t now) {
  std::int64_t last = last_sweep_.load();
  if (now - last < kSweepIntervalMillis) return;
  if (!last_sweep_.compare_exchange_strong(last, now)) return;  // another thread sweeps
  // A failed sweep is retried at the next interval; reads hide expired events meanwhile.
  (void)store_.PurgeExpired(now);
}

}  // namespace tw::services::logs
