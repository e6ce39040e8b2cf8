// SPDX-License-Identifier: Apache-2.0
#include "services/sns/delivery_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>

namespace tw::services::sns {
namespace {

namespace json = boost::json;

int IntMember(const json::object& o, std::string_view key, int fallback) {
  auto it = o.find(key);
  if (it == o.end()) return fallback;
  if (it->value().is_int64()) return static_cast<int>(it->value().as_int64());
  if (it->value().is_uint64()) return static_cast<int>(it->value().as_uint64());
  return fallback;
}

}  // namespace

RetryPolicy RetryPolicyFor(const std::string& protocol, const std::string& delivery_policy) {
  RetryPolicy policy;
  if (protocol == "email" || protocol == "email-json") {
    // Customer-managed endpoints: 50 attempts over 6 hours.
    return RetryPolicy{10, 600, 50, 0, 2, 38, "exponential"};
  }
  if (delivery_policy.empty()) return policy;
  boost::system::error_code ec;
  auto parsed = json::parse(delivery_policy, ec);
  if (ec || !parsed.is_object()) return policy;
  const json::object* retry = nullptr;
  auto& root = parsed.as_object();
  if (auto it = root.find("healthyRetryPolicy"); it != root.end() && it->value().is_object()) {
    retry = &it->value().as_object();
  } else if (auto http = root.find("http"); http != root.end() && http->value().is_object()) {
    auto& h = http->value().as_object();
    if (auto d = h.find("defaultHealthyRetryPolicy"); d != h.end() && d->value().is_object()) {
      retry = &d->value().as_object();
    }
  }
  if (!retry) return policy;
  policy.min_delay_seconds = IntMember(*retry, "minDelayTarget", 20);
  policy.max_delay_seconds = IntMember(*retry, "maxDelayTarget", 20);
  policy.num_retries = IntMember(*retry, "numRetries", 3);
  policy.num_no_delay_retries = IntMember(*retry, "numNoDelayRetries", 0);
  policy.num_min_delay_retries = IntMember(*retry, "numMinDelayRetries", 0);
  policy.num_max_delay_retries = IntMember(*retry, "numMaxDelayRetries", 0);
  if (auto it = retry->find("backoffFunction"); it != retry->end() && it->value().is_string()) {
    policy.backoff_function = std::string(it->value().as_string());
  }
  return policy;
}

std::optional<std::int64_t> RetryDelayMillis(const RetryPolicy& p, int retry) {
  if (retry < 1 || retry > p.num_retries) return std::nullopt;
  const double min_delay = p.min_delay_seconds, max_delay = p.max_delay_seconds;
  // Phases in order: immediate, pre-backoff (min delay), backoff, post-backoff (max delay).
  int index = retry;
  if (index <= p.num_no_delay_retries) return 0;
  index -= p.num_no_delay_retries;
  if (index <= p.num_min_delay_retries) return static_cast<std::int64_t>(min_delay * 1000);
  index -= p.num_min_delay_retries;
  const int backoff = std::max(0, p.num_retries - p.num_no_delay_retries - p.num_min_delay_retries -
                                      p.num_max_delay_retries);
  if (index > backoff) return static_cast<std::int64_t>(max_delay * 1000);
  // Delays grow from min to max across the backoff phase with the chosen shape.
  const double t = backoff <= 1 ? 1.0 : static_cast<double>(index - 1) / (backoff - 1);
  double delay = min_delay;
  if (p.backoff_function == "exponential" && min_delay > 0) {
    delay = min_delay * std::pow(max_delay / min_delay, t);
  } else if (p.backoff_function == "geometric") {
    delay = min_delay + (max_delay - min_delay) * t * t;
  } else if (p.backoff_function == "arithmetic") {
    delay = min_delay + (max_delay - min_delay) * std::sqrt(t);
  } else {
    delay = min_delay + (max_delay - min_delay) * t;
  }
  return static_cast<std::int64_t>(std::clamp(delay, min_delay, max_delay) * 1000);
}

DeliveryWorker::DeliveryWorker(SnsStore& store, Transport& transport, const Clock& clock)
    : store_(store), transport_(transport), clock_(clock) {}

DeliveryWorker::~DeliveryWorker() { Stop(); }

void DeliveryWorker::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void DeliveryWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::Wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

int DeliveryWorker::RunDue() {
  const std::int64_t now = EpochMillis(clock_.Now());
  auto due = store_.DueDeliveries(now, 32);
  if (!due) {
    spdlog::warn("sns delivery queue unreadable: {}", due.error().message);
    return 0;
  }
  for (const auto& delivery : *due) Attempt(delivery);
  return static_cast<int>(due->size());
}

void DeliveryWorker::Loop() {
  while (true) {
    int attempted = RunDue();
    std::unique_lock<std::mutex> lock(mutex_);
    if (stop_) return;
    if (attempted == 32) continue;  // more may be due
    // Wait for a wake-up or a short tick; retries become due by the (injected) clock.
    wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_ || woken_; });
    woken_ = false;
    if (stop_) return;
  }
}

void DeliveryWorker::Attempt(const DeliveryRecord& d) {
  SendResult result;
  if (d.protocol == "email" || d.protocol == "email-json") {
    result = transport_.SendEmail(
        OutgoingEmail{d.endpoint, d.subject, d.body, d.message_id, d.sender_name});
  } else {
    OutgoingPost post;
    post.url = d.endpoint;
    post.headers = {{"x-amz-sns-message-type", d.message_type},
                    {"x-amz-sns-message-id", d.message_id},
                    {"x-amz-sns-topic-arn", d.topic_arn}};
    if (d.message_type != "SubscriptionConfirmation") {
      post.headers.emplace_back("x-amz-sns-subscription-arn", d.subscription_arn);
    }
    if (d.raw) post.headers.emplace_back("x-amz-sns-rawdelivery", "true");
    post.headers.emplace_back("Content-Type", "text/plain; charset=UTF-8");
    post.headers.emplace_back("User-Agent", "Amazon Simple Notification Service Agent");
    post.body = d.body;
    result = transport_.Post(post);
  }
  if (result.delivered) {
    ++delivered_;
    if (Status st = store_.CompleteDelivery(d.id); !st) {
      spdlog::warn("sns delivery {} sent but not dequeued: {}", d.id, st.error().message);
    }
    return;
  }
  const int retry = d.attempts + 1;
  auto delay = RetryDelayMillis(RetryPolicyFor(d.protocol, d.delivery_policy), retry);
  if (!delay) {
    ++dropped_;
    spdlog::warn("sns message {} to {} {} dropped after {} attempts: {}", d.message_id, d.protocol,
                 d.subscription_arn, retry, result.error);
    (void)store_.CompleteDelivery(d.id);
    return;
  }
  ++retried_;
  spdlog::info("sns message {} to {} failed ({}); retry {} in {} ms", d.message_id,
               d.subscription_arn, result.error, retry, *delay);
  (void)store_.RescheduleDelivery(d.id, retry, EpochMillis(clock_.Now()) + *delay, result.error);
}

}  // namespace tw::services::sns
