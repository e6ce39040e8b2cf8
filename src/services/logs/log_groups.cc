// SPDX-License-Identifier: Apache-2.0
// Log groups: create, delete, describe, retention policies and tags.
#include <algorithm>
#include <array>

#include "services/logs/logs_service.h"
#include "services/logs/support.h"

namespace tw::services::logs {
namespace {

constexpr std::string_view kGroupsToken = "DescribeLogGroups";
constexpr int kDefaultDescribeLimit = 50;

// The retention values PutRetentionPolicy accepts (API reference, PutRetentionPolicy).
constexpr std::array<int, 22> kRetentionDays = {1,    3,    5,    7,    14,   30,  60,  90,
                                                120,  150,  180,  365,  400,  545, 731, 1096,
                                                1827, 2192, 2557, 2922, 3288, 3653};

std::string RetentionEnumText() {
  std::string text = "[";
  for (std::size_t i = 0; i < kRetentionDays.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(kRetentionDays[i]);
  }
  return text + "]";
}

Value GroupValue(const RequestContext& context, const LogGroupRecord& group, bool names_only) {
  const std::string arn = LogGroupArn(context.principal.account_id, context.region, group.name);
  Value out = Value::MakeStructure();
  out.Set("logGroupName", group.name);
  out.Set("creationTime", group.created_at);
  if (names_only) {
    // AWS: with logGroupNamePattern only arn, creationTime and logGroupName are returned.
    out.Set("arn", arn + ":*");
    return out;
  }
  if (group.retention_days) out.Set("retentionInDays", *group.retention_days);
  out.Set("metricFilterCount", group.metric_filter_count);
  out.Set("arn", arn + ":*");
  out.Set("storedBytes", group.stored_bytes);
  if (group.kms_key_id) out.Set("kmsKeyId", *group.kms_key_id);
  out.Set("logGroupClass", group.log_group_class);
  out.Set("logGroupArn", arn);
  return out;
}

}  // namespace

Result<Value> LogsService::CreateLogGroup(RequestContext& context, const Value& input) {
  if (BoolMember(input, "deletionProtectionEnabled")) {
    // Principle 4: not implemented is said, not pretended.
    return InvalidParameter("deletionProtectionEnabled is not supported by trailwatch yet");
  }
  LogGroupRecord group;
  group.name = std::string(input.GetString("logGroupName"));
  group.created_at = EpochMillis(context.clock.Now());
  group.log_group_class = std::string(input.GetString("logGroupClass", "STANDARD"));
  group.kms_key_id = OptionalString(input, "kmsKeyId");
  auto outcome =
      store_.CreateLogGroup(KeyFor(context, group.name), group, StringMap(input, "tags"));
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kAlreadyExists) return ResourceAlreadyExists(kGroupExists);
  return Value::MakeStructure();
}

Result<Value> LogsService::DeleteLogGroup(RequestContext& context, const Value& input) {
  const GroupKey key = KeyFor(context, std::string(input.GetString("logGroupName")));
  auto group = store_.FindLogGroup(key);
  if (!group) return std::move(group).error();
  if (!group->has_value()) return ResourceNotFound(kGroupNotFound);
  auto outcome = store_.DeleteLogGroup(key);
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  publisher_.Forget((*group)->id);
  subscriptions_.Forget((*group)->id);
  return Value::MakeStructure();
}

Result<Value> LogsService::DescribeLogGroups(RequestContext& context, const Value& input) {
  GroupQuery query;
  query.name_prefix = OptionalString(input, "logGroupNamePrefix");
  query.name_contains = OptionalString(input, "logGroupNamePattern");
  query.log_group_class = OptionalString(input, "logGroupClass");
  if (query.name_prefix && query.name_contains) {
    return InvalidParameter(
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
  }
  if (query.name_contains && query.name_contains->empty()) query.name_contains.reset();
  const bool names_only = query.name_contains.has_value();
  const int limit =
      static_cast<int>(OptionalInteger(input, "limit").value_or(kDefaultDescribeLimit));

  std::vector<LogGroupRecord> groups;
  bool more = false;
  if (const Value* identifiers = input.Find("logGroupIdentifiers");
      identifiers != nullptr && identifiers->is_list()) {
    // An explicit list: every named group of this account that exists, in name order.
    std::vector<std::string> names;
    for (const Value& item : identifiers->as_list()) {
      if (!item.is_string()) continue;
      std::string name = item.as_string();
      if (name.starts_with("arn:")) {
        auto from_arn = GroupNameFromArn(name, context.principal.account_id, context.region);
        if (!from_arn) continue;
        name = std::move(*from_arn);
      }
      names.push_back(std::move(name));
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    for (const auto& name : names) {
      auto group = store_.FindLogGroup(KeyFor(context, name));
      if (!group) return std::move(group).error();
      if (group->has_value()) groups.push_back(std::move(**group));
    }
  } else {
    if (auto token = OptionalString(input, "nextToken")) {
      auto fields = DecodePageToken(kGroupsToken, *token);
      if (!fields || fields->size() != 1) return InvalidNextToken();
      query.after = (*fields)[0];
    }
    query.limit = limit + 1;
    auto listed =
        store_.ListLogGroups(context.principal.account_id, std::string(context.region), query);
    if (!listed) return std::move(listed).error();
    groups = std::move(listed).value();
    if (static_cast<int>(groups.size()) > limit) {
      groups.resize(static_cast<std::size_t>(limit));
      more = true;
    }
  }

  Value list = Value::MakeList();
  for (const auto& group : groups) list.Push(GroupValue(context, group, names_only));
  Value out = Value::MakeStructure();
  out.Set("logGroups", std::move(list));
  if (more) out.Set("nextToken", EncodePageToken(kGroupsToken, {groups.back().name}));
  return out;
}

Result<Value> LogsService::PutRetentionPolicy(RequestContext& context, const Value& input) {
  const auto days = OptionalInteger(input, "retentionInDays");
  if (!days ||
      std::find(kRetentionDays.begin(), kRetentionDays.end(), *days) == kRetentionDays.end()) {
    return InvalidParameter("1 validation error detected: Value '" +
                            (days ? std::to_string(*days) : std::string("null")) +
                            "' at 'retentionInDays' failed to satisfy constraint: Member must "
                            "satisfy enum value set: " +
                            RetentionEnumText());
  }
  auto outcome = store_.SetRetention(KeyFor(context, std::string(input.GetString("logGroupName"))),
                                     static_cast<int>(*days), EpochMillis(context.clock.Now()));
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  return Value::MakeStructure();
}

Result<Value> LogsService::DeleteRetentionPolicy(RequestContext& context, const Value& input) {
  auto outcome = store_.SetRetention(KeyFor(context, std::string(input.GetString("logGroupName"))),
                                     std::nullopt, EpochMillis(context.clock.Now()));
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  return Value::MakeStructure();
}

// ---- tags ----

Result<GroupKey> LogsService::TagTarget(RequestContext& context, const Value& input) {
  const std::string arn(input.GetString("resourceArn"));
  // Only log groups are taggable resources trailwatch has (destinations, delivery sources and
  // anomaly detectors are not implemented), so anything else cannot exist here.
  auto name = GroupNameFromArn(arn, context.principal.account_id, context.region);
  if (!name) return ResourceNotFound("The specified resource does not exist.");
  return KeyFor(context, std::move(*name));
}

namespace {

Result<Value> MergeTagsInto(LogsStore& store, const GroupKey& key, const TagList& tags,
                            std::string_view not_found) {
  auto outcome = store.MergeTags(key, tags, kMaxTagsPerGroup);
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNoGroup) return ResourceNotFound(not_found);
  if (*outcome == Outcome::kLimitExceeded) {
    return TooManyTags("A resource can have no more than " + std::to_string(kMaxTagsPerGroup) +
                       " tags.");
  }
  return Value::MakeStructure();
}

std::vector<std::string> StringList(const Value& input, std::string_view name) {
  std::vector<std::string> out;
  const Value* list = input.Find(name);
  if (list == nullptr || !list->is_list()) return out;
  for (const Value& item : list->as_list()) {
    if (item.is_string()) out.push_back(item.as_string());
  }
  return out;
}

}  // namespace

Result<Value> LogsService::TagResource(RequestContext& context, const Value& input) {
  auto key = TagTarget(context, input);
  if (!key) return std::move(key).error();
  return MergeTagsInto(store_, *key, StringMap(input, "tags"),
                       "The specified resource does not exist.");
}

Result<Value> LogsService::UntagResource(RequestContext& context, const Value& input) {
  auto key = TagTarget(context, input);
  if (!key) return std::move(key).error();
  auto outcome = store_.RemoveTags(*key, StringList(input, "tagKeys"));
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNoGroup) {
    return ResourceNotFound("The specified resource does not exist.");
  }
  return Value::MakeStructure();
}

Result<Value> LogsService::ListTagsForResource(RequestContext& context, const Value& input) {
  auto key = TagTarget(context, input);
  if (!key) return std::move(key).error();
  auto tags = store_.GetTags(*key);
  if (!tags) return std::move(tags).error();
  if (!tags->has_value()) return ResourceNotFound("The specified resource does not exist.");
  Value out = Value::MakeStructure();
  out.Set("tags", TagsValue(**tags));
  return out;
}

Result<Value> LogsService::TagLogGroup(RequestContext& context, const Value& input) {
  return MergeTagsInto(store_, KeyFor(context, std::string(input.GetString("logGroupName"))),
                       StringMap(input, "tags"), kGroupNotFound);
}

Result<Value> LogsService::UntagLogGroup(RequestContext& context, const Value& input) {
  auto outcome = store_.RemoveTags(KeyFor(context, std::string(input.GetString("logGroupName"))),
                                   StringList(input, "tags"));
  if (!outcome) return std::move(outcome).error();
  if (*outcome == Outcome::kNoGroup) return ResourceNotFound(kGroupNotFound);
  return Value::MakeStructure();
}

Result<Value> LogsService::ListTagsLogGroup(RequestContext& context, const Value& input) {
  auto tags = store_.GetTags(KeyFor(context, std::string(input.GetString("logGroupName"))));
  if (!tags) return std::move(tags).error();
  if (!tags->has_value()) return ResourceNotFound(kGroupNotFound);
  Value out = Value::MakeStructure();
  out.Set("tags", TagsValue(**tags));
  return out;
}

}  // namespace tw::services::logs
