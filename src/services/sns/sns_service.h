// SPDX-License-Identifier: Apache-2.0
// The SNS service: topics (attributes, tags), subscriptions for email, email-json, http and https
// with confirmation by token, filter policies, Publish/PublishBatch, and the CloudWatch alarm
// path (pipeline::Notifier). Handlers take and return Values named by the sns model's members.
// Every outgoing message (confirmation requests, notifications) is rendered, signed and written
// to the durable delivery queue inside SQLite before the API answers; the DeliveryWorker sends it
// (SMTP or outbox for email, HTTP POST for http/s) with retries. The links a person or endpoint
// follows — SubscribeURL, the email's confirmation and unsubscribe links, SigningCertURL — are
// plain GETs under /_trailwatch/sns/ that the dispatcher hands to HandleLink().
//
// Operations live in topics.cc, subscriptions.cc and publish.cc; links and the notifier in
// sns_service.cc. Thread-safe: the store, signer and worker are; handlers keep no state.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/random.h"
#include "http/message.h"
#include "pipeline/notifier.h"
#include "services/service.h"
#include "services/sns/delivery_worker.h"
#include "services/sns/filter_policy.h"
#include "services/sns/formats.h"
#include "services/sns/signer.h"
#include "services/sns/sns_store.h"
#include "services/sns/transport.h"

namespace tw::services::sns {

using protocol::Value;

inline constexpr std::size_t kMaxMessageBytes = 262'144;
inline constexpr std::size_t kMaxSubjectChars = 100;
inline constexpr int kPageSize = 100;
inline constexpr std::int64_t kTokenLifetimeMillis = 2LL * 86'400'000;  // 48 h

struct SnsOptions {
  std::filesystem::path data_dir;
  std::string account_id;
  SmtpSettings smtp;
  // The URL subscribers reach this server at ("http://127.0.0.1:4566"); asked for each link.
  std::function<std::string()> public_url;
  bool start_worker = true;
  Transport* transport = nullptr;  // tests; null: a CurlTransport over `smtp`
};

// The fields of one Publish, after validation.
struct PublishRequest {
  std::string topic_arn;
  std::string message;
  std::optional<std::string> subject;
  bool json_structure = false;
  MessageAttributes attributes;
  std::optional<std::string> group_id;          // MessageGroupId (FIFO topics)
  std::optional<std::string> deduplication_id;  // MessageDeduplicationId (FIFO topics)
};

// What a Publish answers: the message id and, on FIFO topics, the sequence number.
struct PublishResult {
  std::string message_id;
  std::optional<std::string> sequence_number;
};

// FIFO topics deduplicate for five minutes (SNS Developer Guide, "Message deduplication for FIFO
// topics").
inline constexpr std::int64_t kDeduplicationWindowMillis = 5 * 60'000;

class SnsService final : public pipeline::Notifier {
 public:
  static Result<std::unique_ptr<SnsService>> Create(store::Database& database, const Clock& clock,
                                                    RandomSource& random, SnsOptions options);
  ~SnsService() override;

  void Register(OperationTable& table);
  pipeline::Notifier& notifier() { return *this; }
  DeliveryWorker& worker() { return *worker_; }
  SnsStore& store() { return store_; }
  const MessageSigner& signer() const { return *signer_; }

  // GETs under /_trailwatch/sns/ (confirmation, unsubscribe, signing certificate); nullopt for
  // any other request.
  std::optional<http::HttpResponse> HandleLink(const http::HttpRequest& request);

  // pipeline::Notifier: CloudWatch alarm actions, published as cloudwatch.amazonaws.com.
  Result<std::string> Publish(const pipeline::Notification& notification) override;

  Result<Value> CreateTopic(RequestContext& context, const Value& input);
  Result<Value> DeleteTopic(RequestContext& context, const Value& input);
  Result<Value> ListTopics(RequestContext& context, const Value& input);
  Result<Value> GetTopicAttributes(RequestContext& context, const Value& input);
  Result<Value> SetTopicAttributes(RequestContext& context, const Value& input);
  Result<Value> TagResource(RequestContext& context, const Value& input);
  Result<Value> UntagResource(RequestContext& context, const Value& input);
  Result<Value> ListTagsForResource(RequestContext& context, const Value& input);

  Result<Value> Subscribe(RequestContext& context, const Value& input);
  Result<Value> ConfirmSubscription(RequestContext& context, const Value& input);
  Result<Value> Unsubscribe(RequestContext& context, const Value& input);
  Result<Value> ListSubscriptions(RequestContext& context, const Value& input);
  Result<Value> ListSubscriptionsByTopic(RequestContext& context, const Value& input);
  Result<Value> GetSubscriptionAttributes(RequestContext& context, const Value& input);
  Result<Value> SetSubscriptionAttributes(RequestContext& context, const Value& input);

  Result<Value> PublishApi(RequestContext& context, const Value& input);
  Result<Value> PublishBatch(RequestContext& context, const Value& input);

  // Confirms a pending subscription by token (the API and the links). Returns its ARN.
  Result<std::string> Confirm(const std::string& topic_arn, const std::string& token,
                              bool authenticate_unsubscribe);
  // Validates and queues one message to every matching confirmed subscription; the message id.
  Result<std::string> PublishMessage(const TopicRecord& topic, const PublishRequest& request);
  // Publish's rules for the topic type: a FIFO topic needs MessageGroupId and a deduplication id
  // (given, or the message's SHA-256 with ContentBasedDeduplication), answers a duplicate within
  // five minutes with the first message's id without delivering it again, and numbers messages;
  // a standard topic refuses MessageDeduplicationId.
  Result<PublishResult> PublishToTopic(const TopicRecord& topic, const PublishRequest& request);

 private:
  SnsService(store::Database& database, const Clock& clock, RandomSource& random,
             SnsOptions options);
  Result<TopicRecord> RequireTopic(const std::string& arn);
  Result<SubscriptionRecord> RequireSubscription(const std::string& arn);
  Status QueueConfirmation(const TopicRecord& topic, const SubscriptionRecord& subscription);
  // Deletes a subscription; a confirmed HTTP/S one is sent a signed UnsubscribeConfirmation.
  Status Remove(const SubscriptionRecord& subscription);
  Result<DeliveryRecord> SignedDelivery(const TopicRecord& topic,
                                        const SubscriptionRecord& subscription, Envelope envelope);
  std::string BaseUrl() const;
  std::int64_t NowMillis() const { return EpochMillis(clock_.Now()); }

  SnsStore store_;
  const Clock& clock_;
  RandomSource& random_;
  SnsOptions options_;
  std::unique_ptr<MessageSigner> signer_;
  std::unique_ptr<Transport> own_transport_;
  std::unique_ptr<DeliveryWorker> worker_;

  // FIFO topics: deduplication ids seen in the last five minutes and the last sequence number,
  // per topic ARN. In memory: a restart forgets the window (sequence numbers stay increasing, as
  // they start from the clock).
  struct Deduplicated {
    std::int64_t expires_millis = 0;
    PublishResult result;
  };
  std::mutex fifo_mutex_;
  std::map<std::string, std::map<std::string, Deduplicated>> deduplication_;
  std::map<std::string, std::uint64_t> sequence_;
};

// Helpers shared by the operation files (support.cc).
AwsError InvalidParameter(std::string what);
AwsError TopicNotFound();
struct ArnParts {
  std::string region;
  std::string account_id;
  std::string resource;
};
std::optional<ArnParts> ParseSnsArn(std::string_view arn);
std::string DefaultTopicPolicy(std::string_view topic_arn, std::string_view account_id);
std::string DefaultEffectiveDeliveryPolicy();

}  // namespace tw::services::sns
