// SPDX-License-Identifier: Apache-2.0
// CloudWatchStore: SQLite persistence for CloudWatch (migration 0007_cloudwatch.sql). The service
// keeps everything it evaluates in memory for speed and writes through to here; at startup it
// loads the last two weeks of points, every alarm and the history back. Alarms are stored as one
// JSON record each (definition plus state), so adding a field never needs a migration.
//
// Thread-safety: every call is one Database transaction; safe from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "services/cloudwatch/types.h"
#include "store/database.h"

namespace tw::services::cloudwatch {

class CloudWatchStore {
 public:
  explicit CloudWatchStore(store::Database& database) : database_(database) {}

  // Durable when it returns. Concurrent calls share one transaction (group commit): the first
  // caller to find no commit running writes every batch queued so far in one transaction, so
  // one fsync acknowledges many requests; the others wait for the commit that holds theirs.
  Status AppendPoints(const std::vector<std::pair<MetricKey, RawPoint>>& points);
  // Points stamped or received since `since_ms`.
  Result<std::vector<std::pair<MetricKey, RawPoint>>> LoadPoints(std::int64_t since_ms);
  // Deletes points both stamped and received before `cutoff_ms`.
  Status DeletePointsBefore(std::int64_t cutoff_ms);

  Status SaveAlarm(const Alarm& alarm);
  Status DeleteAlarm(const std::string& account, const std::string& region,
                     const std::string& name);
  Result<std::vector<Alarm>> LoadAlarms();

  // Returns the item's id.
  Result<std::int64_t> AppendHistory(const HistoryItem& item);
  // Items stamped since `since_ms`, and replayed items replayed since then.
  Result<std::vector<HistoryItem>> LoadHistory(std::int64_t since_ms);
  // Deletes an alarm's replayed items stamped in [start_ms, end_ms].
  Status DeleteReplayedHistory(const std::string& account, const std::string& region,
                               const std::string& alarm_name, std::int64_t start_ms,
                               std::int64_t end_ms);

  static std::string EncodeAlarm(const Alarm& alarm);
  static Result<Alarm> DecodeAlarm(std::string_view json);

 private:
  Status WriteBatches(
      const std::vector<const std::vector<std::pair<MetricKey, RawPoint>>*>& batches);

  store::Database& database_;

  // Group commit of AppendPoints.
  struct PendingBatch {
    const std::vector<std::pair<MetricKey, RawPoint>>* points = nullptr;
    bool done = false;
    Status status;
  };
  std::mutex group_mutex_;
  std::condition_variable group_cv_;
  std::vector<PendingBatch*> queued_;
  bool committing_ = false;
};

}  // namespace tw::services::cloudwatch
