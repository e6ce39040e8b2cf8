// SPDX-License-Identifier: Apache-2.0
#include "services/logs/query_runner.h"

#include <algorithm>
#include <charconv>

#include "common/crypto.h"

namespace tw::services::logs {
namespace {

// The store is read in pages of this many events; cancellation is checked between pages.
constexpr int kScanPage = 2'000;

std::optional<std::int64_t> ParseId(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

std::string_view QueryStatusName(QueryStatus status) {
  switch (status) {
    case QueryStatus::kScheduled:
      return "Scheduled";
    case QueryStatus::kRunning:
      return "Running";
    case QueryStatus::kComplete:
      return "Complete";
    case QueryStatus::kFailed:
      return "Failed";
    case QueryStatus::kCancelled:
      return "Cancelled";
    case QueryStatus::kTimeout:
      return "Timeout";
  }
  return "Unknown";
}

std::string EncodeRecordPointer(std::int64_t group_id, std::int64_t event_id) {
  return Base64Encode("twptr1:" + std::to_string(group_id) + ":" + std::to_string(event_id));
}

std::optional<std::pair<std::int64_t, std::int64_t>> DecodeRecordPointer(std::string_view ptr) {
  auto text = Base64Decode(ptr);
  if (!text || !text->starts_with("twptr1:")) return std::nullopt;
  std::string_view rest = std::string_view(*text).substr(7);
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto group = ParseId(rest.substr(0, colon));
  auto event = ParseId(rest.substr(colon + 1));
  if (!group || !event) return std::nullopt;
  return std::make_pair(*group, *event);
}

struct QueryRunner::Job {
  std::string id;
  QuerySpec spec;
  std::int64_t create_time = 0;
  std::int64_t finish_time = 0;
  std::atomic<bool> cancel{false};
  // Guarded by QueryRunner::mutex_.
  QueryStatus status = QueryStatus::kScheduled;
  QueryStatistics statistics;
  std::shared_ptr<const std::vector<insights::ResultRow>> results;
  std::string failure;
};

QueryRunner::QueryRunner(LogsStore& store, const Clock& clock, int workers)
    : store_(store), clock_(clock) {
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
}

QueryRunner::~QueryRunner() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (auto& [id, job] : jobs_) job->cancel = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void QueryRunner::Prune(std::int64_t now) {
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    const Job& job = *it->second;
    const bool finished =
        job.status != QueryStatus::kScheduled && job.status != QueryStatus::kRunning;
    if (finished && now - job.create_time > kQueryRetentionMillis) {
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
}

Result<std::string> QueryRunner::Submit(QuerySpec spec, std::string id) {
  const std::int64_t now = EpochMillis(clock_.Now());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Prune(now);
    const auto opensearch = [](const QuerySpec& s) {
      return s.plan.language != insights::Language::kCwli;
    };
    int active = 0;
    int active_opensearch = 0;
    for (const auto& [other_id, job] : jobs_) {
      if (job->spec.account_id == spec.account_id &&
          (job->status == QueryStatus::kScheduled || job->status == QueryStatus::kRunning)) {
        ++active;
        if (opensearch(job->spec)) ++active_opensearch;
      }
    }
    const int limit = opensearch(spec) ? kMaxConcurrentOpenSearchQueries : kMaxConcurrentQueries;
    if (active >= kMaxConcurrentQueries ||
        (opensearch(spec) && active_opensearch >= kMaxConcurrentOpenSearchQueries)) {
      return AwsError::Make(
          "LimitExceededException", 400,
          "Account maximum query concurrency limit of [" + std::to_string(limit) + "] reached.");
    }
    auto job = std::make_shared<Job>();
    job->id = id;
    job->spec = std::move(spec);
    job->create_time = now;
    jobs_[id] = job;
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return id;
}

void QueryRunner::Work() {
  while (true) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      if (job->cancel) {
        job->status = QueryStatus::kCancelled;
        job->finish_time = EpochMillis(clock_.Now());
        continue;
      }
      job->status = QueryStatus::kRunning;
    }
    Run(*job);
  }
}

void QueryRunner::Run(Job& job) {
  const QuerySpec& spec = job.spec;
  insights::ExecOptions options;
  options.default_limit = spec.limit;
  insights::Executor executor(spec.plan, options);
  QueryStatistics stats;
  QueryStatus outcome = QueryStatus::kComplete;
  std::string failure;
  const std::int64_t started = EpochMillis(clock_.Now());
  constexpr std::int64_t kMillisPerDay = 86'400'000;

  for (const QueryTarget& target : spec.targets) {
    if (outcome != QueryStatus::kComplete || executor.Saturated()) break;
    stats.log_groups_scanned += 1;
    const std::string log = target.key.account_id + ":" + target.key.name;
    EventRange range;
    range.start_time = spec.start_millis;
    range.end_time = spec.end_millis;
    if (target.retention_days) {
      range.not_before = EpochMillis(clock_.Now()) - *target.retention_days * kMillisPerDay;
    }
    std::optional<EventCursor> cursor;
    while (true) {
      if (job.cancel) {
        outcome = QueryStatus::kCancelled;
        break;
      }
      if (EpochMillis(clock_.Now()) - started > kQueryTimeoutMillis) {
        outcome = QueryStatus::kTimeout;
        break;
      }
      auto page = store_.ScanGroupEvents(target.key, range, cursor, {}, std::nullopt, kScanPage);
      if (!page) {
        outcome = QueryStatus::kFailed;
        failure = page.error().message;
        break;
      }
      // A group deleted while the query runs simply has no more events.
      if (page->first != Outcome::kDone) break;
      for (const StoredEvent& event : page->second) {
        const std::string ptr = EncodeRecordPointer(target.group_id, event.id);
        insights::EventData data{
            event.timestamp, event.ingestion_time, event.message, event.stream_name, log, ptr};
        stats.records_scanned += 1;
        stats.bytes_scanned += static_cast<double>(event.message.size());
        executor.Add(data);
        if (executor.Saturated()) break;
      }
      if (executor.Saturated() || static_cast<int>(page->second.size()) < kScanPage) break;
      cursor = EventCursor{page->second.back().timestamp, page->second.back().id};
    }
  }
  std::shared_ptr<const std::vector<insights::ResultRow>> results;
  if (outcome == QueryStatus::kComplete) {
    results = std::make_shared<const std::vector<insights::ResultRow>>(executor.Finish());
  }
  stats.records_matched = static_cast<double>(executor.records_matched());
  std::lock_guard<std::mutex> lock(mutex_);
  job.status = outcome;
  job.statistics = stats;
  job.results = std::move(results);
  job.failure = std::move(failure);
  job.finish_time = EpochMillis(clock_.Now());
}

QuerySnapshot QueryRunner::Snapshot(const Job& job) const {
  QuerySnapshot s;
  s.id = job.id;
  s.account_id = job.spec.account_id;
  s.region = job.spec.region;
  s.language = job.spec.plan.language;
  s.query_string = job.spec.query_string;
  for (const QueryTarget& t : job.spec.targets) s.log_group_names.push_back(t.key.name);
  if (!s.log_group_names.empty()) s.log_group_name = s.log_group_names.front();
  s.status = job.status;
  s.create_time = job.create_time;
  const std::int64_t end = job.finish_time != 0 ? job.finish_time : EpochMillis(clock_.Now());
  s.duration_millis = std::max<std::int64_t>(0, end - job.create_time);
  s.user_identity = job.spec.user_identity;
  s.statistics = job.statistics;
  s.results = job.results;
  s.failure = job.failure;
  return s;
}

std::optional<QuerySnapshot> QueryRunner::Get(const std::string& account_id,
                                              const std::string& region, const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second->spec.account_id != account_id ||
      it->second->spec.region != region) {
    return std::nullopt;
  }
  return Snapshot(*it->second);
}

std::optional<bool> QueryRunner::Stop(const std::string& account_id, const std::string& region,
                                      const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second->spec.account_id != account_id ||
      it->second->spec.region != region) {
    return std::nullopt;
  }
  Job& job = *it->second;
  if (job.status != QueryStatus::kScheduled && job.status != QueryStatus::kRunning) return false;
  job.cancel = true;
  if (job.status == QueryStatus::kScheduled) {
    job.status = QueryStatus::kCancelled;
    job.finish_time = EpochMillis(clock_.Now());
  }
  return true;
}

std::vector<QuerySnapshot> QueryRunner::List(const std::string& account_id,
                                             const std::string& region) {
  std::lock_guard<std::mutex> lock(mutex_);
  Prune(EpochMillis(clock_.Now()));
  std::vector<QuerySnapshot> out;
  for (const auto& [id, job] : jobs_) {
    if (job->spec.account_id == account_id && job->spec.region == region) {
      out.push_back(Snapshot(*job));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const QuerySnapshot& a, const QuerySnapshot& b) {
    return a.create_time != b.create_time ? a.create_time > b.create_time : a.id < b.id;
  });
  return out;
}

}  // namespace tw::services::logs
