// SPDX-License-Identifier: Apache-2.0
// TrailRecorder: the TrailSink the dispatcher records every API call into. Record() only queues
// (it waits only when the bounded queue is full, which is back-pressure, never a drop); a writer
// thread stores queued events in the event history in batches, one transaction each, and purges
// events past the 90-day retention once an hour. Each stored batch is then handed to the
// listener (the trail deliverer), on the writer thread. Shutdown (and the destructor) stores
// everything still queued. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "pipeline/trail_sink.h"
#include "services/cloudtrail/event_history.h"

namespace tw::services::cloudtrail {

// Receives every batch once it is stored. Called on the recorder's writer thread: it must only
// queue, and may move the events out of `batch`.
class StoredEventsListener {
 public:
  virtual ~StoredEventsListener() = default;
  virtual void OnStored(std::vector<pipeline::TrailEvent>& batch) = 0;
  // Whether a data event would reach any trail now.
  virtual bool WantsDataEvents() const { return true; }
};

// Lowers the calling thread's scheduling priority (nice 10); CloudTrail's background writers
// call it so they never compete with request handling on equal terms.
void LowerThreadPriority();

class TrailRecorder final : public pipeline::TrailSink {
 public:
  TrailRecorder(EventHistory& history, const Clock& clock, std::size_t capacity = 65536);
  ~TrailRecorder() override;
  TrailRecorder(const TrailRecorder&) = delete;
  TrailRecorder& operator=(const TrailRecorder&) = delete;

  void Record(pipeline::TrailEvent event) override;
  // Data events are not kept in event history: only a trail that selects them wants them.
  bool WantsDataEvents() const override {
    const StoredEventsListener* listener = listener_.load();
    return listener && listener->WantsDataEvents();
  }
  // Returns once every event recorded before the call is stored (LookupEvents reads its writes).
  void Flush();
  // Stores everything queued and stops the writer; Record after this stores synchronously.
  void Shutdown();
  // Set once, before events flow or while they do; null detaches.
  void SetListener(StoredEventsListener* listener) { listener_.store(listener); }
  // Events accepted but not yet stored (the /metrics queue depth).
  std::uint64_t Pending();

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
  bool writer_done_ = false;                // GUARDED_BY(mu_)
  int flushing_ = 0;                        // GUARDED_BY(mu_): Flush callers waiting
  std::atomic<StoredEventsListener*> listener_{nullptr};
  std::thread writer_;
};

}  // namespace tw::services::cloudtrail
