// SPDX-License-Identifier: Apache-2.0
// SubscriptionDelivery: runs a log group's subscription filters over the events just stored and
// hands the matching events to their destinations. trailwatch has no Kinesis Data Streams,
// Firehose or Lambda (and no cross-account Logs destinations), so every delivery fails with
// "destination type not supported". AWS has no API that reports a subscription filter's delivery
// failures, so they surface where an operator looks: a warn line in the server log naming the
// filter, the group, the destination and the number of events that did not reach it (at most one
// line per filter per minute of the injected clock, carrying the count since the previous line),
// and a running total (`undelivered()`). Never a silent drop.
//
// Compiled filters are cached per group like MetricPublisher's, keyed by the group's store id
// and filters_version (which Put/DeleteSubscriptionFilter bump), so a change is seen by the next
// batch. Thread-safe: the cache is behind a mutex; compiled filters are immutable but for their
// atomically updated counters.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "services/logs/filter_pattern/filter_pattern.h"
#include "services/logs/logs_store.h"

namespace tw::services::logs {

// What kind of destination an ARN names; kUnknown is refused by PutSubscriptionFilter.
enum class DestinationKind { kUnknown, kKinesis, kFirehose, kLambda, kLogsDestination };

struct DestinationArn {
  DestinationKind kind = DestinationKind::kUnknown;
  std::string partition, service, region, account_id, resource;
};

// Parses arn:<partition>:<service>:<region>:<account>:<resource> and classifies it: Kinesis
// "stream/<name>", Firehose "deliverystream/<name>", Lambda "function:<name>[:<qualifier>]",
// Logs "destination:<name>". Anything else is kUnknown.
DestinationArn ParseDestinationArn(std::string_view arn);
// "Kinesis Data Streams", "Amazon Data Firehose", "Lambda", "CloudWatch Logs destination".
std::string_view DestinationKindName(DestinationKind kind);

struct CompiledSubscription {
  explicit CompiledSubscription(filter_pattern::CompiledPattern compiled)
      : pattern(std::move(compiled)) {}

  SubscriptionFilterRecord record;
  DestinationKind kind = DestinationKind::kUnknown;
  filter_pattern::CompiledPattern pattern;

  // Failed deliveries not yet reported, and when the last report was written.
  mutable std::mutex report_mutex;
  mutable std::int64_t pending = 0;
  mutable std::int64_t last_report_at = 0;
  mutable bool reported_once = false;
};

class SubscriptionDelivery {
 public:
  using Log = std::function<void(const std::string&)>;

  explicit SubscriptionDelivery(Log warn_log) : warn_log_(std::move(warn_log)) {}

  bool NeedsFilters(std::int64_t group_id, std::int64_t version) const;
  void Update(std::int64_t group_id, std::int64_t version,
              const std::vector<SubscriptionFilterRecord>& filters);
  void Forget(std::int64_t group_id);

  // Matches the group's cached subscription filters against `events` and attempts delivery of
  // the matches. `now` paces the warn lines.
  void Deliver(std::int64_t group_id, const std::vector<InputEvent>& events, std::int64_t now);

  // Matching events that no destination received, over the process's life.
  std::int64_t undelivered() const { return undelivered_.load(); }

 private:
  struct GroupSubscriptions {
    std::int64_t version = 0;
    std::vector<std::shared_ptr<const CompiledSubscription>> filters;
  };

  void Report(const CompiledSubscription& filter, std::int64_t failed, std::int64_t now);

  Log warn_log_;
  mutable std::mutex mutex_;
  std::map<std::int64_t, std::shared_ptr<const GroupSubscriptions>> groups_;
  std::atomic<std::int64_t> undelivered_{0};
};

}  // namespace tw::services::logs
