// SPDX-License-Identifier: Apache-2.0
// QueryRunner: the Logs Insights queries of all accounts, in memory, and the worker threads that
// run them. StartQuery submits a compiled query (Scheduled); a worker takes it (Running), streams
// the events of its log groups from the LogsStore through an insights::Executor and records the
// rows and statistics (Complete), or stops at a StopQuery (Cancelled), at the 60-minute limit
// (Timeout) or on a store error (Failed). At most kMaxConcurrentQueries queries per account are
// Scheduled or Running at once (AWS's StartQuery quota; more is LimitExceededException). Finished
// queries are kept for 7 days, as AWS keeps results.
//
// Thread-safe. The destructor cancels what is running and joins the workers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "services/logs/insights/ast.h"
#include "services/logs/insights/executor.h"
#include "services/logs/logs_store.h"

namespace tw::services::logs {

inline constexpr int kMaxConcurrentQueries = 30;
// OpenSearch SQL and PPL queries have their own, lower quota (within the 30).
inline constexpr int kMaxConcurrentOpenSearchQueries = 15;
inline constexpr std::int64_t kQueryTimeoutMillis = 60LL * 60'000;
inline constexpr std::int64_t kQueryRetentionMillis = 7LL * 86'400'000;

enum class QueryStatus { kScheduled, kRunning, kComplete, kFailed, kCancelled, kTimeout };
std::string_view QueryStatusName(QueryStatus status);

struct QueryStatistics {
  double records_matched = 0;
  double records_scanned = 0;
  double bytes_scanned = 0;
  double log_groups_scanned = 0;
};

// A log group a query reads: its key and, fixed at StartQuery, its store id.
struct QueryTarget {
  GroupKey key;
  std::int64_t group_id = 0;
  std::optional<int> retention_days;
};

struct QuerySpec {
  std::string account_id;
  std::string region;
  std::string query_string;
  insights::Query plan;
  std::vector<QueryTarget> targets;
  std::int64_t start_millis = 0;  // inclusive
  std::int64_t end_millis = 0;    // exclusive
  std::int64_t limit = 10'000;
  std::string user_identity;
};

// What GetQueryResults / DescribeQueries show of a query.
struct QuerySnapshot {
  std::string id;
  std::string account_id;
  std::string region;
  insights::Language language = insights::Language::kCwli;
  std::string query_string;
  std::string log_group_name;  // the first group
  std::vector<std::string> log_group_names;
  QueryStatus status = QueryStatus::kScheduled;
  std::int64_t create_time = 0;
  std::int64_t duration_millis = 0;
  std::string user_identity;
  QueryStatistics statistics;
  std::shared_ptr<const std::vector<insights::ResultRow>> results;  // set when Complete
  std::string failure;
};

// "<group id>:<event id>" encoded; what @ptr holds and GetLogRecord takes back.
std::string EncodeRecordPointer(std::int64_t group_id, std::int64_t event_id);
std::optional<std::pair<std::int64_t, std::int64_t>> DecodeRecordPointer(std::string_view ptr);

class QueryRunner {
 public:
  QueryRunner(LogsStore& store, const Clock& clock, int workers = 2);
  ~QueryRunner();
  QueryRunner(const QueryRunner&) = delete;
  QueryRunner& operator=(const QueryRunner&) = delete;

  // Schedules the query; LimitExceededException when the account already has
  // kMaxConcurrentQueries queries Scheduled or Running (kMaxConcurrentOpenSearchQueries for SQL
  // and PPL).
  Result<std::string> Submit(QuerySpec spec, std::string id);
  std::optional<QuerySnapshot> Get(const std::string& account_id, const std::string& region,
                                   const std::string& id);
  // Asks a Scheduled or Running query to stop; false when it has already finished. nullopt when
  // there is no such query.
  std::optional<bool> Stop(const std::string& account_id, const std::string& region,
                           const std::string& id);
  // The account's queries in the Region, newest first.
  std::vector<QuerySnapshot> List(const std::string& account_id, const std::string& region);

 private:
  struct Job;
  void Work();
  void Run(Job& job);
  void Prune(std::int64_t now);                  // under mutex_
  QuerySnapshot Snapshot(const Job& job) const;  // under mutex_

  LogsStore& store_;
  const Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;  // by query id
  std::deque<std::shared_ptr<Job>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace tw::services::logs
