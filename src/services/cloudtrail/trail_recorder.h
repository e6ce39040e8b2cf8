// SPDX-License-Identifier: Apache-2.0
// TrailRecorder: the TrailSink the dispatcher records every API call into. Record() only queues
// (it waits only when the bounded queue is full, which is back-pressure, never a drop); a writer
// thread stores queued events in the event history in batches, one transaction each, and purges
// events past the 90-day retention once an hour. The destructor stores everything still queued.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "pipeline/trail_sink.h"
#include "services/cloudtrail/event_history.h"

namespace tw::services::cloudtrail {

class TrailRecorder final : public pipeline::TrailSink {
 public:
  TrailRecorder(EventHistory& history, const Clock& clock, std::size_t capacity = 65536);
  ~TrailRecorder() override;
  TrailRecorder(const TrailRecorder&) = delete;
  TrailRecorder& operator=(const TrailRecorder&) = delete;

  void Record(pipeline::TrailEvent event) override;
  // Returns once every event recorded before the call is stored (LookupEvents reads its writes).
  void Flush();

 private:
  void Run();

  EventHistory& history_;
  const Clock& clock_;
  const std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable work_cv_;         // queue has events, or stopping
  std::condition_variable space_cv_;        // queue has room
  std::condition_variable stored_cv_;       // stored_ advanced
  std::deque<pipeline::TrailEvent> queue_;  // GUARDED_BY(mu_)
  std::uint64_t enqueued_ = 0;              // GUARDED_BY(mu_)
  std::uint64_t stored_ = 0;                // GUARDED_BY(mu_)
  bool stopping_ = false;                   // GUARDED_BY(mu_)
  std::thread writer_;
};

}  // namespace tw::services::cloudtrail
