// SPDX-License-Identifier: Apache-2.0
// Topic operations (SNS API Reference: CreateTopic, DeleteTopic, ListTopics, GetTopicAttributes,
// SetTopicAttributes, TagResource, UntagResource, ListTagsForResource).
#include <set>

#include "common/crypto.h"
#include "iam/policy/validate_document.h"
#include "services/sns/sns_service.h"

namespace tw::services::sns {
namespace {

const std::set<std::string>& SettableTopicAttributes() {
  static const std::set<std::string> kNames = {"DeliveryPolicy",
                                               "DisplayName",
                                               "Policy",
                                               "TracingConfig",
                                               "KmsMasterKeyId",
                                               "SignatureVersion",
                                               "ContentBasedDeduplication",
                                               "FifoTopic",
                                               "ArchivePolicy"};
  return kNames;
}

bool ValidTopicName(std::string_view name, bool fifo) {
  std::string_view base = name;
  if (fifo) {
    if (name.size() < 6 || name.substr(name.size() - 5) != ".fifo") return false;
    base = name.substr(0, name.size() - 5);
  }
  if (base.empty() || name.size() > 256) return false;
  for (char c : base) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

Status CheckTopicAttribute(const std::string& name, const std::string& value) {
  if (!SettableTopicAttributes().count(name)) return InvalidParameter("AttributeName");
  if (name == "DisplayName" && value.size() > 100) return InvalidParameter("DisplayName");
  if (name == "SignatureVersion" && value != "1" && value != "2") {
    return InvalidParameter("Attributes Reason: SignatureVersion must be 1 or 2");
  }
  if ((name == "FifoTopic" || name == "ContentBasedDeduplication") && value != "true" &&
      value != "false") {
    return InvalidParameter("Attributes Reason: " + name + " must be true or false");
  }
  if (name == "Policy") {
    if (Status st = iam::policy::ValidatePolicyDocument(value, iam::policy::PolicyKind::kResource);
        !st) {
      return InvalidParameter("Policy Error: " + st.error().message);
    }
  }
  return {};
}

TagList ReadTags(const Value* tags) {
  TagList out;
  if (!tags || !tags->is_list()) return out;
  for (const auto& tag : tags->as_list()) {
    out.emplace_back(std::string(tag.GetString("Key")), std::string(tag.GetString("Value")));
  }
  return out;
}

void MergeTags(TagList& into, const TagList& tags) {
  for (const auto& [key, value] : tags) {
    bool replaced = false;
    for (auto& existing : into) {
      if (existing.first == key) {
        existing.second = value;
        replaced = true;
      }
    }
    if (!replaced) into.emplace_back(key, value);
  }
}

}  // namespace

Result<Value> SnsService::CreateTopic(RequestContext& context, const Value& input) {
  const std::string name(input.GetString("Name"));
  AttributeMap attributes;
  if (const Value* map = input.Find("Attributes"); map && map->is_object()) {
    for (const auto& [key, value] : map->entries()) {
      if (!value.is_string()) continue;
      if (Status st = CheckTopicAttribute(key, value.as_string()); !st) return st.error();
      attributes[key] = value.as_string();
    }
  }
  const bool fifo = attributes.count("FifoTopic") && attributes["FifoTopic"] == "true";
  if (!ValidTopicName(name, fifo)) {
    return fifo ? InvalidParameter(
                      "Fifo Topic names must end with .fifo and must be made up of only uppercase "
                      "and lowercase ASCII letters, numbers, underscores, and hyphens, and must be "
                      "between 1 and 256 characters long.")
                : InvalidParameter("Topic Name");
  }
  if (!fifo && attributes.count("ContentBasedDeduplication") &&
      attributes["ContentBasedDeduplication"] == "true") {
    return InvalidParameter(
        "Attributes Reason: ContentBasedDeduplication can only be set for FIFO topics");
  }
  TopicRecord topic;
  topic.arn = "arn:aws:sns:" + std::string(context.region) + ":" + options_.account_id + ":" + name;
  topic.account_id = options_.account_id;
  topic.region = std::string(context.region);
  topic.name = name;
  topic.attributes = attributes;
  topic.tags = ReadTags(input.Find("Tags"));
  if (topic.tags.size() > 50) {
    return AwsError::Make("TagLimitExceeded", 400,
                          "Could not complete request: tag quota of per resource exceeded");
  }
  topic.created_millis = NowMillis();
  auto existing = store_.GetTopic(topic.arn);
  if (!existing) return existing.error();
  // Idempotent only with the same attributes (SNS API Reference, CreateTopic).
  if (existing->has_value() && !attributes.empty() && (*existing)->attributes != attributes) {
    return InvalidParameter("Attributes Reason: Topic already exists with different attributes");
  }
  auto stored = store_.CreateTopic(topic);
  if (!stored) return stored.error();
  return Value::MakeStructure({{"TopicArn", stored->arn}});
}

Result<Value> SnsService::DeleteTopic(RequestContext&, const Value& input) {
  const std::string arn(input.GetString("TopicArn"));
  if (!ParseSnsArn(arn)) return InvalidParameter("TopicArn");
  // Deleting a topic that does not exist succeeds (AWS: DeleteTopic is idempotent).
  auto deleted = store_.DeleteTopic(arn);
  if (!deleted) return deleted.error();
  return Value::MakeStructure();
}

Result<Value> SnsService::ListTopics(RequestContext& context, const Value& input) {
  std::string after;
  if (auto token = input.GetString("NextToken"); !token.empty()) {
    auto decoded = Base64Decode(token);
    if (!decoded) return InvalidParameter("NextToken");
    after = *decoded;
  }
  auto arns =
      store_.ListTopicArns(options_.account_id, std::string(context.region), after, kPageSize + 1);
  if (!arns) return arns.error();
  Value topics = Value::MakeList();
  const bool more = static_cast<int>(arns->size()) > kPageSize;
  if (more) arns->resize(kPageSize);
  for (const auto& arn : *arns) topics.Push(Value::MakeStructure({{"TopicArn", arn}}));
  Value out = Value::MakeStructure({{"Topics", std::move(topics)}});
  if (more) out.Set("NextToken", Base64Encode(arns->back()));
  return out;
}

Result<Value> SnsService::GetTopicAttributes(RequestContext&, const Value& input) {
  auto topic = RequireTopic(std::string(input.GetString("TopicArn")));
  if (!topic) return topic.error();
  auto counts = store_.CountSubscriptions(topic->arn);
  if (!counts) return counts.error();
  AttributeMap a = topic->attributes;
  a["TopicArn"] = topic->arn;
  a["Owner"] = topic->account_id;
  if (!a.count("Policy")) a["Policy"] = DefaultTopicPolicy(topic->arn, topic->account_id);
  if (!a.count("DisplayName")) a["DisplayName"] = "";
  a["EffectiveDeliveryPolicy"] =
      a.count("DeliveryPolicy") ? a["DeliveryPolicy"] : DefaultEffectiveDeliveryPolicy();
  a["SubscriptionsConfirmed"] = std::to_string(counts->confirmed);
  a["SubscriptionsPending"] = std::to_string(counts->pending);
  a["SubscriptionsDeleted"] = std::to_string(topic->subscriptions_deleted);
  Value map = Value::MakeMap();
  for (const auto& [key, value] : a) map.Set(key, value);
  return Value::MakeStructure({{"Attributes", std::move(map)}});
}

Result<Value> SnsService::SetTopicAttributes(RequestContext&, const Value& input) {
  auto topic = RequireTopic(std::string(input.GetString("TopicArn")));
  if (!topic) return topic.error();
  const std::string name(input.GetString("AttributeName"));
  const std::string value(input.GetString("AttributeValue"));
  if (name == "FifoTopic") return InvalidParameter("AttributeName");
  if (name == "ContentBasedDeduplication" && value == "true" &&
      !(topic->attributes.count("FifoTopic") && topic->attributes.at("FifoTopic") == "true")) {
    return InvalidParameter(
        "Attributes Reason: ContentBasedDeduplication can only be set for FIFO topics");
  }
  if (!value.empty() || name != "Policy") {
    if (Status st = CheckTopicAttribute(name, value); !st) return st.error();
  }
  if (value.empty()) {
    topic->attributes.erase(name);
  } else {
    topic->attributes[name] = value;
  }
  if (Status st = store_.UpdateTopic(*topic); !st) return st.error();
  return Value::MakeStructure();
}

Result<Value> SnsService::TagResource(RequestContext&, const Value& input) {
  auto topic = RequireTopic(std::string(input.GetString("ResourceArn")));
  if (!topic) return AwsError::Make("ResourceNotFound", 404, "Resource does not exist");
  MergeTags(topic->tags, ReadTags(input.Find("Tags")));
  if (topic->tags.size() > 50) {
    return AwsError::Make("TagLimitExceeded", 400,
                          "Could not complete request: tag quota of per resource exceeded");
  }
  if (Status st = store_.UpdateTopic(*topic); !st) return st.error();
  return Value::MakeStructure();
}

Result<Value> SnsService::UntagResource(RequestContext&, const Value& input) {
  auto topic = RequireTopic(std::string(input.GetString("ResourceArn")));
  if (!topic) return AwsError::Make("ResourceNotFound", 404, "Resource does not exist");
  if (const Value* keys = input.Find("TagKeys"); keys && keys->is_list()) {
    for (const auto& key : keys->as_list()) {
      std::erase_if(topic->tags, [&](const auto& tag) { return tag.first == key.as_string(); });
    }
  }
  if (Status st = store_.UpdateTopic(*topic); !st) return st.error();
  return Value::MakeStructure();
}

Result<Value> SnsService::ListTagsForResource(RequestContext&, const Value& input) {
  auto topic = RequireTopic(std::string(input.GetString("ResourceArn")));
  if (!topic) return AwsError::Make("ResourceNotFound", 404, "Resource does not exist");
  Value tags = Value::MakeList();
  for (const auto& [key, value] : topic->tags) {
    tags.Push(Value::MakeStructure({{"Key", key}, {"Value", value}}));
  }
  return Value::MakeStructure({{"Tags", std::move(tags)}});
}

}  // namespace tw::services::sns
