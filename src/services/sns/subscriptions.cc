// SPDX-License-Identifier: Apache-2.0
// Subscription operations (SNS API Reference: Subscribe, ConfirmSubscription, Unsubscribe,
// ListSubscriptions, ListSubscriptionsByTopic, Get/SetSubscriptionAttributes).
#include <set>

#include "common/crypto.h"
#include "common/strings.h"
#include "common/time_format.h"
#include "services/sns/sns_service.h"

namespace tw::services::sns {
namespace {

bool ValidEmail(std::string_view e) {
  auto at = e.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < e.size() &&
         e.find_first_of(" <>\r\n,;") == std::string_view::npos &&
         e.find('.', at) != std::string_view::npos;
}

Status CheckSubscriptionAttribute(const std::string& protocol, const std::string& name,
                                  const std::string& value) {
  static const std::set<std::string> kNames = {"DeliveryPolicy",    "FilterPolicy",
                                               "FilterPolicyScope", "RawMessageDelivery",
                                               "RedrivePolicy",     "SubscriptionRoleArn"};
  if (!kNames.count(name)) return InvalidParameter("AttributeName");
  if (name == "RawMessageDelivery") {
    if (value != "true" && value != "false") return InvalidParameter("Attributes");
    if (value == "true" && (protocol == "email" || protocol == "email-json")) {
      return InvalidParameter("Delivery protocol [" + protocol +
                              "] does not support raw message delivery.");
    }
  }
  if (name == "FilterPolicyScope" && value != "MessageAttributes" && value != "MessageBody") {
    return InvalidParameter("Attributes Reason: FilterPolicyScope: Invalid value [" + value +
                            "]. Please use either MessageBody or MessageAttributes");
  }
  if (name == "FilterPolicy" && !value.empty()) return ValidateFilterPolicy(value);
  // A redrive policy names an SQS dead-letter queue; trailwatch has no SQS to send to.
  if (name == "RedrivePolicy" && !value.empty()) {
    return InvalidParameter(
        "RedrivePolicy Reason: dead-letter queues are Amazon SQS queues, and trailwatch does not "
        "provide Amazon SQS");
  }
  if (name == "DeliveryPolicy" && protocol != "http" && protocol != "https") {
    return InvalidParameter("DeliveryPolicy: only http and https subscriptions support it");
  }
  return {};
}

Value SubscriptionSummary(const SubscriptionRecord& r) {
  return Value::MakeStructure({{"SubscriptionArn", r.confirmed ? r.arn : "PendingConfirmation"},
                               {"Owner", r.owner},
                               {"Protocol", r.protocol},
                               {"Endpoint", r.endpoint},
                               {"TopicArn", r.topic_arn}});
}

}  // namespace

Result<DeliveryRecord> SnsService::SignedDelivery(const TopicRecord& topic,
                                                  const SubscriptionRecord& subscription,
                                                  Envelope envelope) {
  auto version = topic.attributes.find("SignatureVersion");
  envelope.signature_version = version == topic.attributes.end() ? "1" : version->second;
  envelope.signing_cert_url = SigningCertUrl(BaseUrl(), signer_->certificate_id());
  auto signature = signer_->Sign(StringToSign(envelope), envelope.signature_version);
  if (!signature) return signature.error();
  envelope.signature = *signature;
  DeliveryRecord d;
  d.subscription_arn = subscription.arn;
  d.topic_arn = topic.arn;
  d.protocol = subscription.protocol;
  d.endpoint = subscription.endpoint;
  d.message_type = envelope.type;
  d.message_id = envelope.message_id;
  d.body = RenderEnvelope(envelope);
  auto policy = subscription.attributes.find("DeliveryPolicy");
  if (policy != subscription.attributes.end()) {
    d.delivery_policy = policy->second;
  } else if (auto topic_policy = topic.attributes.find("DeliveryPolicy");
             topic_policy != topic.attributes.end()) {
    d.delivery_policy = topic_policy->second;
  }
  d.next_attempt_millis = NowMillis();
  d.created_millis = d.next_attempt_millis;
  return d;
}

Status SnsService::QueueConfirmation(const TopicRecord& topic,
                                     const SubscriptionRecord& subscription) {
  DeliveryRecord d;
  if (subscription.protocol == "email") {
    d.subscription_arn = subscription.arn;
    d.topic_arn = topic.arn;
    d.protocol = subscription.protocol;
    d.endpoint = subscription.endpoint;
    d.message_type = "SubscriptionConfirmation";
    d.message_id = random_.Uuid();
    d.subject = std::string(kConfirmationSubject);
    d.body = ConfirmationEmailBody(
        topic.arn,
        ConfirmationPageUrl(BaseUrl(), topic.arn, subscription.token, subscription.endpoint));
    d.next_attempt_millis = NowMillis();
    d.created_millis = d.next_attempt_millis;
  } else {
    Envelope e;
    e.type = "SubscriptionConfirmation";
    e.message_id = random_.Uuid();
    e.token = subscription.token;
    e.topic_arn = topic.arn;
    e.message = ConfirmationMessage(topic.arn);
    e.subscribe_url = SubscribeUrl(BaseUrl(), topic.arn, subscription.token);
    e.timestamp = FormatIso8601(NowMillis(), true);
    auto signed_delivery = SignedDelivery(topic, subscription, std::move(e));
    if (!signed_delivery) return signed_delivery.error();
    d = std::move(signed_delivery).value();
    d.subject = std::string(kConfirmationSubject);
  }
  if (auto display = topic.attributes.find("DisplayName"); display != topic.attributes.end()) {
    d.sender_name = display->second;
  }
  if (Status st = store_.Enqueue({d}); !st) return st;
  worker_->Wake();
  return {};
}

Result<Value> SnsService::Subscribe(RequestContext&, const Value& input) {
  auto topic = RequireTopic(std::string(input.GetString("TopicArn")));
  if (!topic) return topic.error();
  const std::string protocol(input.GetString("Protocol"));
  const std::string endpoint(input.GetString("Endpoint"));
  if (protocol == "email" || protocol == "email-json") {
    if (!ValidEmail(endpoint)) return InvalidParameter("Email address");
  } else if (protocol == "http" || protocol == "https") {
    if (!IStartsWith(endpoint, protocol + "://") || endpoint.size() <= protocol.size() + 3) {
      return InvalidParameter("Endpoint must match the specified protocol");
    }
  }
  // FIFO topics deliver only to SQS queues (SNS Developer Guide, "FIFO topics"); AWS refuses the
  // other protocols so.
  if (topic->attributes.count("FifoTopic") && topic->attributes.at("FifoTopic") == "true" &&
      protocol != "sqs") {
    return InvalidParameter("Invalid protocol type: " + protocol);
  }
  const bool delivered_here =
      protocol == "email" || protocol == "email-json" || protocol == "http" || protocol == "https";
  if (delivered_here) {
    // Checked above.
  } else if (protocol == "sqs" || protocol == "lambda" || protocol == "firehose" ||
             protocol == "application" || protocol == "sms") {
    return AwsError::From(ErrorCode::kNotImplemented,
                          "trailwatch's SNS delivers to email, email-json, http and https "
                          "endpoints; protocol " +
                              protocol + " is not implemented");
  } else {
    return InvalidParameter("Amazon SNS does not support this protocol string: " + protocol);
  }
  AttributeMap attributes;
  if (const Value* map = input.Find("Attributes"); map && map->is_object()) {
    for (const auto& [key, value] : map->entries()) {
      if (!value.is_string()) continue;
      if (Status st = CheckSubscriptionAttribute(protocol, key, value.as_string()); !st) {
        return st.error();
      }
      attributes[key] = value.as_string();
    }
  }
  if (auto policy = attributes.find("FilterPolicy"); policy != attributes.end()) {
    auto scope = attributes.find("FilterPolicyScope");
    if (Status st = ValidateFilterPolicyScope(
            policy->second, scope == attributes.end() ? "MessageAttributes" : scope->second);
        !st) {
      return st.error();
    }
  }
  const Value* return_arn_value = input.Find("ReturnSubscriptionArn");
  const bool return_arn =
      return_arn_value && return_arn_value->is_bool() && return_arn_value->as_bool();

  auto existing = store_.FindSubscription(topic->arn, protocol, endpoint);
  if (!existing) return existing.error();
  SubscriptionRecord subscription;
  if (existing->has_value()) {
    subscription = **existing;
    if (!attributes.empty() && subscription.attributes != attributes) {
      return InvalidParameter(
          "Attributes Reason: Subscription already exists with different attributes");
    }
    if (subscription.confirmed) {
      return Value::MakeStructure({{"SubscriptionArn", subscription.arn}});
    }
    // A pending subscription gets a fresh confirmation request (observed AWS behaviour).
    subscription.token_expires_millis = NowMillis() + kTokenLifetimeMillis;
    if (Status st = store_.UpdateSubscription(subscription); !st) return st.error();
  } else {
    subscription.arn = topic->arn + ":" + random_.Uuid();
    subscription.topic_arn = topic->arn;
    subscription.owner = options_.account_id;
    subscription.protocol = protocol;
    subscription.endpoint = endpoint;
    subscription.attributes = attributes;
    // AWS tokens are long opaque hex strings; 64 random bytes make them unguessable.
    subscription.token = HexEncode(random_.Bytes(64));
    subscription.token_expires_millis = NowMillis() + kTokenLifetimeMillis;
    subscription.created_millis = NowMillis();
    if (Status st = store_.InsertSubscription(subscription); !st) return st.error();
  }
  if (Status st = QueueConfirmation(*topic, subscription); !st) return st.error();
  return Value::MakeStructure(
      {{"SubscriptionArn", return_arn ? subscription.arn : "pending confirmation"}});
}

Result<std::string> SnsService::Confirm(const std::string& topic_arn, const std::string& token,
                                        bool authenticate_unsubscribe) {
  auto topic = RequireTopic(topic_arn);
  if (!topic) return topic.error();
  if (token.empty()) return InvalidParameter("Token");
  auto found = store_.FindByToken(topic_arn, token);
  if (!found) return found.error();
  if (!found->has_value() || (*found)->token_expires_millis < NowMillis()) {
    return InvalidParameter("Invalid token");
  }
  SubscriptionRecord subscription = **found;
  if (!subscription.confirmed) {
    subscription.confirmed = true;
    subscription.authenticate_unsubscribe = authenticate_unsubscribe;
    if (Status st = store_.UpdateSubscription(subscription); !st) return st.error();
  }
  return subscription.arn;
}

Result<Value> SnsService::ConfirmSubscription(RequestContext&, const Value& input) {
  const std::string flag = ToLower(input.GetString("AuthenticateOnUnsubscribe"));
  auto arn = Confirm(std::string(input.GetString("TopicArn")),
                     std::string(input.GetString("Token")), flag == "true" || flag == "1");
  if (!arn) return arn.error();
  return Value::MakeStructure({{"SubscriptionArn", *arn}});
}

Status SnsService::Remove(const SubscriptionRecord& subscription) {
  auto deleted = store_.DeleteSubscription(subscription.arn);
  if (!deleted) return deleted.error();
  if (!*deleted || !subscription.confirmed ||
      (subscription.protocol != "http" && subscription.protocol != "https")) {
    return {};
  }
  // SNS tells an HTTP/S endpoint it was unsubscribed with a signed UnsubscribeConfirmation whose
  // SubscribeURL would restore the subscription (SNS Developer Guide, "HTTP/HTTPS unsubscribe
  // confirmation JSON format").
  auto topic = store_.GetTopic(subscription.topic_arn);
  if (!topic) return topic.error();
  if (!topic->has_value()) return {};
  Envelope e;
  e.type = "UnsubscribeConfirmation";
  e.message_id = random_.Uuid();
  e.token = HexEncode(random_.Bytes(64));
  e.topic_arn = subscription.topic_arn;
  e.message = UnsubscribeMessage(subscription.arn);
  e.subscribe_url = SubscribeUrl(BaseUrl(), subscription.topic_arn, e.token);
  e.timestamp = FormatIso8601(NowMillis(), true);
  auto delivery = SignedDelivery(**topic, subscription, std::move(e));
  if (!delivery) return delivery.error();
  if (Status st = store_.Enqueue({std::move(delivery).value()}); !st) return st;
  worker_->Wake();
  return {};
}

Result<Value> SnsService::Unsubscribe(RequestContext&, const Value& input) {
  auto subscription = RequireSubscription(std::string(input.GetString("SubscriptionArn")));
  if (!subscription) return subscription.error();
  if (Status st = Remove(*subscription); !st) return st.error();
  return Value::MakeStructure();
}

Result<Value> SnsService::ListSubscriptions(RequestContext&, const Value& input) {
  std::string after;
  if (auto token = input.GetString("NextToken"); !token.empty()) {
    auto decoded = Base64Decode(token);
    if (!decoded) return InvalidParameter("NextToken");
    after = *decoded;
  }
  const std::string topic_arn(input.GetString("TopicArn"));
  if (!topic_arn.empty()) {
    if (auto topic = RequireTopic(topic_arn); !topic) return topic.error();
  }
  if (Status st = store_.ExpirePending(NowMillis()); !st) return st.error();
  auto rows = store_.ListSubscriptions(options_.account_id, topic_arn, after, kPageSize + 1);
  if (!rows) return rows.error();
  const bool more = static_cast<int>(rows->size()) > kPageSize;
  if (more) rows->resize(kPageSize);
  Value list = Value::MakeList();
  for (const auto& r : *rows) list.Push(SubscriptionSummary(r));
  Value out = Value::MakeStructure({{"Subscriptions", std::move(list)}});
  if (more) out.Set("NextToken", Base64Encode(rows->back().arn));
  return out;
}

Result<Value> SnsService::ListSubscriptionsByTopic(RequestContext& context, const Value& input) {
  return ListSubscriptions(context, input);
}

Result<Value> SnsService::GetSubscriptionAttributes(RequestContext&, const Value& input) {
  auto s = RequireSubscription(std::string(input.GetString("SubscriptionArn")));
  if (!s) return s.error();
  AttributeMap a = s->attributes;
  a["SubscriptionArn"] = s->arn;
  a["TopicArn"] = s->topic_arn;
  a["Owner"] = s->owner;
  a["Protocol"] = s->protocol;
  a["Endpoint"] = s->endpoint;
  a["PendingConfirmation"] = s->confirmed ? "false" : "true";
  a["ConfirmationWasAuthenticated"] = s->authenticate_unsubscribe ? "true" : "false";
  if (!a.count("RawMessageDelivery")) a["RawMessageDelivery"] = "false";
  if (a.count("FilterPolicy") && !a.count("FilterPolicyScope")) {
    a["FilterPolicyScope"] = "MessageAttributes";
  }
  if (s->protocol == "http" || s->protocol == "https") {
    auto topic = store_.GetTopic(s->topic_arn);
    std::string effective = DefaultEffectiveDeliveryPolicy();
    if (topic && topic->has_value() && (*topic)->attributes.count("DeliveryPolicy")) {
      effective = (*topic)->attributes.at("DeliveryPolicy");
    }
    a["EffectiveDeliveryPolicy"] = a.count("DeliveryPolicy") ? a["DeliveryPolicy"] : effective;
  }
  Value map = Value::MakeMap();
  for (const auto& [key, value] : a) map.Set(key, value);
  return Value::MakeStructure({{"Attributes", std::move(map)}});
}

Result<Value> SnsService::SetSubscriptionAttributes(RequestContext&, const Value& input) {
  auto s = RequireSubscription(std::string(input.GetString("SubscriptionArn")));
  if (!s) return s.error();
  const std::string name(input.GetString("AttributeName"));
  const std::string value(input.GetString("AttributeValue"));
  if (Status st = CheckSubscriptionAttribute(s->protocol, name, value); !st) return st.error();
  if (name == "FilterPolicy" || name == "FilterPolicyScope") {
    auto policy = s->attributes.find("FilterPolicy");
    auto scope = s->attributes.find("FilterPolicyScope");
    std::string effective_policy = policy == s->attributes.end() ? "" : policy->second;
    std::string effective_scope =
        scope == s->attributes.end() ? "MessageAttributes" : scope->second;
    (name == "FilterPolicy" ? effective_policy : effective_scope) = value;
    if (effective_scope.empty()) effective_scope = "MessageAttributes";
    if (Status st = ValidateFilterPolicyScope(effective_policy, effective_scope); !st) {
      return st.error();
    }
  }
  if (value.empty() || (name == "FilterPolicy" && value == "{}")) {
    s->attributes.erase(name);
  } else {
    s->attributes[name] = value;
  }
  if (Status st = store_.UpdateSubscription(*s); !st) return st.error();
  return Value::MakeStructure();
}

}  // namespace tw::services::sns
