// SPDX-License-Identifier: Apache-2.0
// TrailDeliverer: takes the events the TrailRecorder has stored and delivers them to every trail
// that selects them, on its own thread so delivery never slows a request:
//   * CloudWatch Logs: at once, one log event per record in <account>_CloudTrail_<region> of the
//     trail's group, checked against the trail's role (trust and permissions) first;
//   * S3: records are buffered per (trail, Region) and written every `delivery_millis` as one
//     gzip {"Records":[...]} file, as cloudtrail.amazonaws.com (the bucket policy is checked; a
//     denial is the trail's LatestDeliveryError and the records wait for the next round);
//   * Insights (PutInsightSelectors): an InsightsAnalyzer per (trail, Region) sees the trail's
//     events; its Start/End events go to the event history (LookupEvents EventCategory=insight),
//     to S3 under CloudTrail-Insight/ and to the trail's log group; its state is kept in
//     cloudtrail.db (InsightsStore) once a minute and at shutdown;
//   * digests (EnableLogFileValidation): every `digest_millis` per Region, listing the files
//     delivered since the previous digest with their SHA-256, chained to the previous digest and
//     signed with the home Region's key (SigningKeys).
// Shutdown (and the destructor) delivers everything still buffered, then a digest for the files
// not yet in one. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "services/cloudtrail/event_history.h"
#include "services/cloudtrail/insights.h"
#include "services/cloudtrail/insights_store.h"
#include "services/cloudtrail/log_files.h"
#include "services/cloudtrail/signing_keys.h"
#include "services/cloudtrail/trail_recorder.h"
#include "services/cloudtrail/trail_registry.h"
#include "services/cloudtrail/trail_targets.h"

namespace tw::services::cloudtrail {

struct DeliveryOptions {
  std::int64_t delivery_millis = 60'000;
  std::int64_t digest_millis = 3'600'000;
  std::size_t max_queued_events = 262'144;  // back-pressure on the recorder beyond this
  InsightsOptions insights{};
};

class TrailDeliverer final : public StoredEventsListener {
 public:
  TrailDeliverer(TrailRegistry& registry, TrailTargets& targets, SigningKeys& keys,
                 const Clock& clock, DeliveryOptions options);
  ~TrailDeliverer() override;
  TrailDeliverer(const TrailDeliverer&) = delete;
  TrailDeliverer& operator=(const TrailDeliverer&) = delete;

  void OnStored(std::vector<pipeline::TrailEvent>& batch) override;
  bool WantsDataEvents() const override { return registry_.any_logging_data(); }
  // Where Insights events are stored for LookupEvents (EventCategory=insight), and whose
  // database keeps the Insights baselines across restarts; set before use.
  void SetInsightHistory(EventHistory* history) { insight_history_ = history; }

  // Routes everything queued, writes every buffered file and (with `digests`) the digests due
  // for files not yet in one; returns when done.
  void Flush(bool digests);
  // Flush(true) and stop the thread. Idempotent.
  void Shutdown();

 private:
  struct Pending {
    std::vector<std::string> records;
    std::int64_t oldest = 0;
    std::int64_t newest = 0;
  };
  using RegionKey = std::pair<std::string, std::string>;  // (trail key, region)

  void Run();
  void Route(std::vector<pipeline::TrailEvent>& events);
  void DeliverFiles(std::int64_t now);
  void DeliverDigests(std::int64_t now, bool only_with_files);
  void DeliverInsights(std::int64_t now, bool stopping, bool delivery_round);
  // Writes the Insights events waiting for S3 (new ones at once, failed ones each round).
  void DeliverInsightFiles(std::int64_t now, bool retry);
  InsightsAnalyzer& AnalyzerFor(const Trail& trail, const std::string& key,
                                const std::string& region);
  InsightsStore* insights_store();
  void DeliverToLogs(const Trail& trail, const std::string& region,
                     std::vector<LogEventOut>& events);
  std::string RandomSuffix();

  TrailRegistry& registry_;
  TrailTargets& targets_;
  SigningKeys& keys_;
  const Clock& clock_;
  const DeliveryOptions options_;
  SecureRandom random_;

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable space_cv_;
  std::condition_variable done_cv_;
  std::deque<std::vector<pipeline::TrailEvent>> queue_;  // GUARDED_BY(mu_)
  std::size_t queued_events_ = 0;                        // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point last_routed_{};  // worker thread only
  std::size_t last_routed_events_ = 0;                   // worker thread only
  std::uint64_t flush_requested_ = 0;                    // GUARDED_BY(mu_)
  std::uint64_t flush_done_ = 0;                         // GUARDED_BY(mu_)
  bool flush_digests_ = false;                           // GUARDED_BY(mu_)
  bool stopping_ = false;                                // GUARDED_BY(mu_)
  bool stopped_ = false;                                 // GUARDED_BY(mu_)

  // Owned by the delivery thread.
  std::map<RegionKey, Pending> pending_;
  std::map<RegionKey, std::vector<DigestLogFile>> undigested_;
  std::set<std::string> streams_ready_;  // trail key + group + stream known to exist
  struct Analyzer {
    std::vector<std::string> types;
    InsightsAnalyzer analyzer;
    std::int64_t saved_at = 0;  // when its state was last written to the InsightsStore
  };
  std::map<RegionKey, Analyzer> analyzers_;
  struct PendingInsights {
    std::vector<std::string> records;
    std::int64_t newest = 0;
    bool fresh = false;  // has records not tried yet
  };
  std::map<RegionKey, PendingInsights> pending_insights_;
  std::atomic<EventHistory*> insight_history_{nullptr};
  std::unique_ptr<InsightsStore> insights_store_;  // over insight_history_'s database
  std::int64_t next_delivery_ = 0;
  std::int64_t next_digest_ = 0;

  std::thread worker_;
};

}  // namespace tw::services::cloudtrail
