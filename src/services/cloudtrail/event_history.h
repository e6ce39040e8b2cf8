// SPDX-License-Identifier: Apache-2.0
// EventHistory: CloudTrail's 90-day event history (what LookupEvents reads), stored in its own
// SQLite file, cloudtrail.db, in the data dir. Appends come in batches from the TrailRecorder;
// lookups are newest first with a stable position token. Thread-safe (as Database is).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "pipeline/trail_sink.h"
#include "store/database.h"

namespace tw::services::cloudtrail {

// LookupEvents' attribute keys.
enum class LookupKey {
  kEventId,
  kEventName,
  kReadOnly,
  kUsername,
  kResourceType,
  kResourceName,
  kEventSource,
  kAccessKeyId,
};

struct LookupQuery {
  std::string account_id;
  std::string region;
  // Event history shows management events, or with EventCategory=insight, Insights events.
  std::string category = "Management";
  std::optional<LookupKey> key;
  std::string value;
  std::int64_t start_millis = 0;  // inclusive
  std::int64_t end_millis = 0;    // inclusive
  std::size_t max_results = 50;
  // Position after the last event of the previous page: (event time, sequence).
  std::optional<std::pair<std::int64_t, std::int64_t>> after;
};

struct StoredEvent {
  std::int64_t seq = 0;
  pipeline::TrailEvent event;
};

struct LookupPage {
  std::vector<StoredEvent> events;
  bool more = false;
};

class EventHistory {
 public:
  static constexpr std::int64_t kRetentionMillis = 90LL * 24 * 3600 * 1000;

  static Result<std::unique_ptr<EventHistory>> Open(const std::filesystem::path& data_dir);

  // Stores the batch's management and Insights events in one transaction; data events are left
  // out (AWS's event history has no data events; trails that select them get them).
  Status Append(const std::vector<pipeline::TrailEvent>& events);
  // Stores events imported from CloudTrail log files in one transaction, marked as imported at
  // `imported_at_millis` (their retention counts from then, not from their event time). An event
  // whose id is already stored is left alone; the result says, per event, whether it was new.
  Result<std::vector<bool>> AppendImported(const std::vector<pipeline::TrailEvent>& events,
                                           std::int64_t imported_at_millis);
  Result<LookupPage> Lookup(const LookupQuery& query);
  // Deletes recorded events older than `cutoff_millis` and imported events imported before it;
  // returns how many.
  Result<std::int64_t> PurgeBefore(std::int64_t cutoff_millis);

  // cloudtrail.db, which the trail registry shares.
  store::Database& database() { return *db_; }

 private:
  explicit EventHistory(std::unique_ptr<store::Database> db) : db_(std::move(db)) {}
  // One insert (and its resources) inside a write transaction; false when the id was stored.
  static Result<bool> InsertLocked(store::Connection& c, const pipeline::TrailEvent& e,
                                   std::optional<std::int64_t> imported_at);
  std::unique_ptr<store::Database> db_;
};

}  // namespace tw::services::cloudtrail
