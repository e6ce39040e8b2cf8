// SPDX-License-Identifier: Apache-2.0
// Publish and PublishBatch (SNS API Reference), and the fan-out to subscriptions: filter
// policies, per-protocol message selection for MessageStructure=json, email text, signed JSON.
#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <set>

#include "common/crypto.h"
#include "common/time_format.h"
#include "services/sns/sns_service.h"

namespace tw::services::sns {
namespace {

namespace json = boost::json;

Result<MessageAttributes> ReadAttributes(const Value* map) {
  MessageAttributes out;
  if (!map || !map->is_object()) return out;
  for (const auto& [name, value] : map->entries()) {
    if (name.empty() || name.size() > 256 || name.front() == '.' || name.back() == '.' ||
        name.find("..") != std::string::npos || name.rfind("AWS.", 0) == 0 ||
        name.rfind("Amazon.", 0) == 0) {
      return InvalidParameter("MessageAttributes: invalid attribute name " + name);
    }
    MessageAttribute a;
    a.data_type = std::string(value.GetString("DataType"));
    if (a.data_type.rfind("Binary", 0) == 0) {
      const Value* blob = value.Find("BinaryValue");
      if (!blob || !blob->is_blob()) {
        return InvalidParameter("The message attribute '" + name +
                                "' with type 'Binary' must use field 'Binary'.");
      }
      a.value = Base64Encode(blob->as_blob().bytes);
    } else if (a.data_type.rfind("String", 0) == 0 || a.data_type.rfind("Number", 0) == 0) {
      const Value* s = value.Find("StringValue");
      if (!s || !s->is_string()) {
        return InvalidParameter(
            "The message attribute '" + name +
            "' must contain non-empty message attribute value for message attribute type '" +
            a.data_type + "'.");
      }
      a.value = s->as_string();
    } else {
      return InvalidParameter("The message attribute '" + name +
                              "' has an invalid message attribute type, the set of supported "
                              "type prefixes is Binary, Number, and String.");
    }
    out[name] = std::move(a);
  }
  return out;
}

std::string RenderAttributes(const MessageAttributes& attributes) {
  std::string out = "{";
  bool first = true;
  for (const auto& [name, a] : attributes) {
    out += (first ? "" : ",") + JsonQuote(name) + ":{\"Type\":" + JsonQuote(a.data_type) +
           ",\"Value\":" + JsonQuote(a.value) + "}";
    first = false;
  }
  return out + "}";
}

Result<PublishRequest> ReadPublish(const std::string& topic_arn, const Value& input) {
  PublishRequest r;
  r.topic_arn = topic_arn;
  r.message = std::string(input.GetString("Message"));
  if (r.message.empty()) return InvalidParameter("Empty message");
  if (const Value* subject = input.Find("Subject"); subject && subject->is_string()) {
    const std::string& s = subject->as_string();
    if (s.empty() || s.size() > kMaxSubjectChars) return InvalidParameter("Subject");
    for (unsigned char c : s) {
      if (c < 0x20 || c == 0x7f) return InvalidParameter("Subject");
    }
    r.subject = s;
  }
  auto attributes = ReadAttributes(input.Find("MessageAttributes"));
  if (!attributes) return attributes.error();
  r.attributes = std::move(attributes).value();
  std::size_t size = r.message.size();
  for (const auto& [name, a] : r.attributes)
    size += name.size() + a.data_type.size() + a.value.size();
  if (size > kMaxMessageBytes) return InvalidParameter("Message too long");
  const std::string structure(input.GetString("MessageStructure"));
  if (!structure.empty()) {
    if (structure != "json") return InvalidParameter("MessageStructure");
    boost::system::error_code ec;
    auto parsed = json::parse(r.message, ec);
    if (ec || !parsed.is_object()) {
      return InvalidParameter("Message Structure - JSON message body failed to parse");
    }
    auto it = parsed.as_object().find("default");
    if (it == parsed.as_object().end() || !it->value().is_string()) {
      return InvalidParameter("Message Structure - No default entry in JSON message body");
    }
    r.json_structure = true;
  }
  if (const Value* group = input.Find("MessageGroupId"); group && group->is_string()) {
    r.group_id = group->as_string();
  }
  if (const Value* dedup = input.Find("MessageDeduplicationId"); dedup && dedup->is_string()) {
    r.deduplication_id = dedup->as_string();
  }
  // Both are 1-128 characters of alphanumerics and punctuation (SNS API Reference, Publish).
  for (const auto* id : {&r.group_id, &r.deduplication_id}) {
    if (!*id) continue;
    const char* name = id == &r.group_id ? "MessageGroupId" : "MessageDeduplicationId";
    if ((*id)->empty() || (*id)->size() > 128) {
      return InvalidParameter(std::string(name) + " Reason: length must be 1 to 128");
    }
    for (unsigned char c : **id) {
      if (c < 0x21 || c > 0x7e) {
        return InvalidParameter(std::string(name) +
                                " Reason: only alphanumeric and punctuation characters allowed");
      }
    }
  }
  return r;
}

bool IsFifo(const TopicRecord& topic) {
  auto it = topic.attributes.find("FifoTopic");
  return it != topic.attributes.end() && it->second == "true";
}

// The message a protocol receives: its own key of a MessageStructure=json message, or default.
std::string MessageFor(const PublishRequest& r, const std::string& protocol) {
  if (!r.json_structure) return r.message;
  auto parsed = json::parse(r.message).as_object();
  auto it = parsed.find(protocol);
  if (it != parsed.end() && it->value().is_string()) return std::string(it->value().as_string());
  return std::string(parsed.at("default").as_string());
}

}  // namespace

Result<std::string> SnsService::PublishMessage(const TopicRecord& topic,
                                               const PublishRequest& request) {
  const std::string message_id = random_.Uuid();
  const std::int64_t now = NowMillis();
  const std::string timestamp = FormatIso8601(now, true);
  std::vector<DeliveryRecord> deliveries;
  std::string after;
  while (true) {
    auto page = store_.ListSubscriptions(topic.account_id, topic.arn, after, 1000);
    if (!page) return page.error();
    for (const auto& s : *page) {
      if (!s.confirmed) continue;
      auto policy = s.attributes.find("FilterPolicy");
      if (policy != s.attributes.end()) {
        auto scope = s.attributes.find("FilterPolicyScope");
        const bool body = scope != s.attributes.end() && scope->second == "MessageBody";
        const bool match = body ? MatchesBody(policy->second, MessageFor(request, s.protocol))
                                : MatchesAttributes(policy->second, request.attributes);
        if (!match) continue;
      }
      const std::string text = MessageFor(request, s.protocol);
      DeliveryRecord d;
      if (s.protocol == "email") {
        d.subscription_arn = s.arn;
        d.topic_arn = topic.arn;
        d.protocol = s.protocol;
        d.endpoint = s.endpoint;
        d.message_type = "Notification";
        d.message_id = message_id;
        d.body = NotificationEmailBody(text, UnsubscribePageUrl(BaseUrl(), s.arn, s.endpoint));
        d.next_attempt_millis = now;
        d.created_millis = now;
      } else if (s.attributes.count("RawMessageDelivery") &&
                 s.attributes.at("RawMessageDelivery") == "true") {
        d.subscription_arn = s.arn;
        d.topic_arn = topic.arn;
        d.protocol = s.protocol;
        d.endpoint = s.endpoint;
        d.message_type = "Notification";
        d.message_id = message_id;
        d.body = text;
        d.raw = true;
        d.delivery_policy =
            s.attributes.count("DeliveryPolicy") ? s.attributes.at("DeliveryPolicy") : "";
        d.next_attempt_millis = now;
        d.created_millis = now;
      } else {
        Envelope e;
        e.type = "Notification";
        e.message_id = message_id;
        e.topic_arn = topic.arn;
        e.subject = request.subject;
        e.message = text;
        e.timestamp = timestamp;
        e.unsubscribe_url = UnsubscribeUrl(BaseUrl(), s.arn);
        if (!request.attributes.empty())
          e.message_attributes = RenderAttributes(request.attributes);
        auto signed_delivery = SignedDelivery(topic, s, std::move(e));
        if (!signed_delivery) return signed_delivery.error();
        d = std::move(signed_delivery).value();
      }
      d.subject = request.subject.value_or(std::string(kDefaultEmailSubject));
      if (auto display = topic.attributes.find("DisplayName"); display != topic.attributes.end()) {
        d.sender_name = display->second;
      }
      deliveries.push_back(std::move(d));
    }
    if (page->size() < 1000) break;
    after = page->back().arn;
  }
  if (Status st = store_.Enqueue(deliveries); !st) return st.error();
  if (!deliveries.empty()) worker_->Wake();
  return message_id;
}

Result<PublishResult> SnsService::PublishToTopic(const TopicRecord& topic,
                                                 const PublishRequest& request) {
  if (!IsFifo(topic)) {
    if (request.deduplication_id) {
      return InvalidParameter(
          "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter "
          "that is not valid for this topic type");
    }
    auto id = PublishMessage(topic, request);
    if (!id) return id.error();
    return PublishResult{*id, std::nullopt};
  }
  if (!request.group_id) {
    return InvalidParameter("The MessageGroupId parameter is required for FIFO topics");
  }
  std::string dedup;
  if (request.deduplication_id) {
    dedup = *request.deduplication_id;
  } else if (auto cbd = topic.attributes.find("ContentBasedDeduplication");
             cbd != topic.attributes.end() && cbd->second == "true") {
    dedup = Sha256Hex(request.message);  // content-based: the SHA-256 of the message body
  } else {
    return InvalidParameter(
        "The topic should either have ContentBasedDeduplication enabled or "
        "MessageDeduplicationId provided explicitly");
  }
  // One lock across the check, the publish and the record, so two concurrent duplicates cannot
  // both be delivered.
  std::lock_guard lock(fifo_mutex_);
  const std::int64_t now = NowMillis();
  auto& seen = deduplication_[topic.arn];
  std::erase_if(seen, [now](const auto& entry) { return entry.second.expires_millis <= now; });
  if (auto it = seen.find(dedup); it != seen.end()) return it->second.result;
  auto id = PublishMessage(topic, request);
  if (!id) return id.error();
  // Sequence numbers grow per topic and start from the clock, so they keep growing across
  // restarts; AWS's are 20-digit decimals too.
  std::uint64_t& last = sequence_[topic.arn];
  last = std::max<std::uint64_t>(last + 1, static_cast<std::uint64_t>(now) * 1'000'000);
  char digits[24];
  std::snprintf(digits, sizeof digits, "%020llu", static_cast<unsigned long long>(last));
  PublishResult result{*id, std::string(digits)};
  seen[dedup] = Deduplicated{now + kDeduplicationWindowMillis, result};
  return result;
}

Result<Value> SnsService::PublishApi(RequestContext&, const Value& input) {
  std::string arn(input.GetString("TopicArn"));
  const std::string target(input.GetString("TargetArn"));
  if (!input.GetString("PhoneNumber").empty()) {
    return AwsError::From(ErrorCode::kNotImplemented, "trailwatch's SNS does not send SMS");
  }
  if (!arn.empty() && !target.empty()) {
    return InvalidParameter("Only one of TopicArn and TargetArn may be given");
  }
  if (arn.empty()) arn = target;
  if (arn.empty())
    return InvalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
  auto topic = RequireTopic(arn);
  if (!topic) return topic.error();
  auto request = ReadPublish(arn, input);
  if (!request) return request.error();
  auto published = PublishToTopic(*topic, *request);
  if (!published) return published.error();
  Value out = Value::MakeStructure({{"MessageId", published->message_id}});
  if (published->sequence_number) out.Set("SequenceNumber", *published->sequence_number);
  return out;
}

Result<Value> SnsService::PublishBatch(RequestContext&, const Value& input) {
  const std::string arn(input.GetString("TopicArn"));
  auto topic = RequireTopic(arn);
  if (!topic) return topic.error();
  const Value* entries = input.Find("PublishBatchRequestEntries");
  if (!entries || !entries->is_list() || entries->as_list().empty()) {
    return AwsError::Make("EmptyBatchRequest", 400,
                          "The batch request doesn't contain any entries.");
  }
  if (entries->as_list().size() > 10) {
    return AwsError::Make("TooManyEntriesInBatchRequest", 400,
                          "The batch request contains more entries than permissible.");
  }
  std::set<std::string> ids;
  for (const auto& entry : entries->as_list()) {
    if (!ids.insert(std::string(entry.GetString("Id"))).second) {
      return AwsError::Make("BatchEntryIdsNotDistinct", 400,
                            "Two or more batch entries in the request have the same Id.");
    }
  }
  Value successful = Value::MakeList();
  Value failed = Value::MakeList();
  for (const auto& entry : entries->as_list()) {
    const std::string id(entry.GetString("Id"));
    auto request = ReadPublish(arn, entry);
    Result<PublishResult> message_id =
        request ? PublishToTopic(*topic, *request) : Result<PublishResult>(request.error());
    if (message_id) {
      Value ok = Value::MakeStructure({{"Id", id}, {"MessageId", message_id->message_id}});
      if (message_id->sequence_number) ok.Set("SequenceNumber", *message_id->sequence_number);
      successful.Push(std::move(ok));
    } else {
      failed.Push(
          Value::MakeStructure({{"Id", id},
                                {"Code", message_id.error().code},
                                {"Message", message_id.error().message},
                                {"SenderFault", message_id.error().fault == Fault::kSender}}));
    }
  }
  return Value::MakeStructure(
      {{"Successful", std::move(successful)}, {"Failed", std::move(failed)}});
}

}  // namespace tw::services::sns
