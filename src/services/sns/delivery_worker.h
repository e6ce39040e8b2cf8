// SPDX-License-Identifier: Apache-2.0
// DeliveryWorker: drains SnsStore's durable delivery queue in the background. Publish and
// Subscribe only enqueue (inside their own transaction), so a crash or restart loses nothing: the
// worker resumes with whatever is queued. A failed attempt is rescheduled by the retry policy
// (AWS SNS Developer Guide, "Amazon SNS message delivery retries"): the subscription's HTTP/S
// DeliveryPolicy (default 3 retries 20 s apart), or for email SNS's fixed customer-managed policy
// (2 retries 10 s apart, 10 backing off 10 → 600 s, 38 more 600 s apart); then it is dropped and
// logged.
//
// Thread-safe: Wake() and Stop() may be called from any thread; one worker thread sends.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/clock.h"
#include "services/sns/sns_store.h"
#include "services/sns/transport.h"

namespace tw::services::sns {

struct RetryPolicy {
  int min_delay_seconds = 20;
  int max_delay_seconds = 20;
  int num_retries = 3;
  int num_no_delay_retries = 0;
  int num_min_delay_retries = 0;
  int num_max_delay_retries = 0;
  std::string backoff_function = "linear";
};

// The policy of a subscription: HTTP/S from its DeliveryPolicy JSON (healthyRetryPolicy, or a
// topic's {"http":{"defaultHealthyRetryPolicy":...}}), email from SNS's fixed policy.
RetryPolicy RetryPolicyFor(const std::string& protocol, const std::string& delivery_policy);
// Delay before retry number `retry` (1-based); nullopt once the policy is exhausted.
std::optional<std::int64_t> RetryDelayMillis(const RetryPolicy& policy, int retry);

class DeliveryWorker {
 public:
  DeliveryWorker(SnsStore& store, Transport& transport, const Clock& clock);
  ~DeliveryWorker();  // stops the thread

  void Start();
  void Stop();
  void Wake();
  // Sends every delivery due now, once, on the calling thread (tests; the worker loop uses it).
  // Returns how many were attempted.
  int RunDue();

  // Outcomes of delivery attempts since start (the /metrics delivery counts).
  struct Counts {
    std::uint64_t delivered = 0;
    std::uint64_t retried = 0;  // failed, retry scheduled
    std::uint64_t dropped = 0;  // failed, retries exhausted
  };
  Counts counts() const { return {delivered_.load(), retried_.load(), dropped_.load()}; }

 private:
  void Loop();
  void Attempt(const DeliveryRecord& delivery);

  SnsStore& store_;
  Transport& transport_;
  const Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> retried_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace tw::services::sns
