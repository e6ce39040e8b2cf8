// SPDX-License-Identifier: Apache-2.0
#include "services/cloudtrail/trail_recorder.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

namespace tw::services::cloudtrail {
namespace {

// Under load the writer takes what queued meanwhile, up to this many per transaction: bigger
// batches write each touched index page once for many events.
constexpr std::size_t kBatch = 8192;
// How long the writer lets a batch gather. Under load (the previous batch was large) longer:
// fewer, larger transactions, each rewriting the right-edge pages of the table and its indexes
// once. A lone call (an alarm chain's CreateBucket) lingers briefly; LookupEvents and shutdown
// flush at once.
constexpr std::chrono::milliseconds kLinger{10};
constexpr std::chrono::milliseconds kBusyLinger{50};
constexpr std::size_t kBusyBatch = 256;
constexpr std::int64_t kPurgeEveryMillis = 3600 * 1000;

}  // namespace

TrailRecorder::TrailRecorder(EventHistory& history, const Clock& clock, std::size_t capacity)
    : history_(history), clock_(clock), capacity_(capacity), writer_([this] { Run(); }) {}

TrailRecorder::~TrailRecorder() { Shutdown(); }

void TrailRecorder::Shutdown() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  space_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void TrailRecorder::Record(pipeline::TrailEvent event) {
  std::unique_lock lock(mu_);
  if (writer_done_) {
    // After shutdown (a request finishing late): store it directly rather than lose it.
    lock.unlock();
    std::vector<pipeline::TrailEvent> one;
    one.push_back(std::move(event));
    if (Status st = history_.Append(one); !st) {
      spdlog::error("cloudtrail: storing a late event failed: {}", st.error().message);
    }
    return;
  }
  space_cv_.wait(lock, [&] { return queue_.size() < capacity_ || stopping_; });
  queue_.push_back(std::move(event));
  ++enqueued_;
  // Wake the writer only for the first event (it then lingers to gather a batch) or a full
  // batch: one futex call per batch rather than per request.
  const bool wake = queue_.size() == 1 || queue_.size() == kBatch;
  lock.unlock();
  if (wake) work_cv_.notify_one();
}

std::uint64_t TrailRecorder::Pending() {
  std::lock_guard lock(mu_);
  return enqueued_ - stored_;
}

void TrailRecorder::Flush() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = enqueued_;
  ++flushing_;
  work_cv_.notify_one();
  stored_cv_.wait(lock, [&] { return stored_ >= target || (stopping_ && queue_.empty()); });
  --flushing_;
}

void LowerThreadPriority() {
  // Linux applies nice values per thread: the writer yields the CPU to request handling and
  // catches up in larger batches when requests pause (the queue's back-pressure bounds it).
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
}

void TrailRecorder::Run() {
  LowerThreadPriority();
  std::int64_t last_purge = 0;
  std::vector<pipeline::TrailEvent> batch;
  std::size_t last_count = 0;
  std::unique_lock lock(mu_);
  while (true) {
    work_cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (queue_.empty() && stopping_) {
      writer_done_ = true;
      break;
    }
    // Group commit: let the requests arriving in the next moments join this transaction (one
    // fsync and one write of each touched index page for all of them), unless someone waits.
    if (queue_.size() < kBatch && !stopping_ && flushing_ == 0) {
      work_cv_.wait_for(lock, last_count >= kBusyBatch ? kBusyLinger : kLinger,
                        [&] { return queue_.size() >= kBatch || stopping_ || flushing_ > 0; });
    }
    while (!queue_.empty() && batch.size() < kBatch) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    space_cv_.notify_all();
    // A failed write is retried, never dropped: the events stay in `batch` until stored.
    Status stored = history_.Append(batch);
    for (int attempt = 1; !stored && attempt <= 50; ++attempt) {
      spdlog::error("cloudtrail: storing {} events failed (attempt {}): {}", batch.size(), attempt,
                    stored.error().message);
      std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
      stored = history_.Append(batch);
    }
    if (!stored) {
      spdlog::critical("cloudtrail: {} events could not be stored and are lost", batch.size());
    }
    const std::size_t count = batch.size();
    last_count = count;
    if (StoredEventsListener* listener = listener_.load()) listener->OnStored(batch);
    const std::int64_t now = EpochMillis(clock_.Now());
    if (now - last_purge >= kPurgeEveryMillis) {
      last_purge = now;
      if (auto purged = history_.PurgeBefore(now - EventHistory::kRetentionMillis); !purged) {
        spdlog::warn("cloudtrail: retention purge failed: {}", purged.error().message);
      }
    }
    lock.lock();
    stored_ += count;
    batch.clear();
    stored_cv_.notify_all();
  }
  stored_cv_.notify_all();
}

}  // namespace tw::services::cloudtrail
