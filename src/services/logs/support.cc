// SPDX-License-Identifier: Apache-2.0
#include "services/logs/support.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "common/crypto.h"

namespace tw::services::logs {

using protocol::Value;

AwsError InvalidParameter(std::string message) {
  return AwsError::From(ErrorCode::kInvalidParameterException, std::move(message));
}

AwsError ResourceNotFound(std::string_view message) {
  return AwsError::Make("ResourceNotFoundException", 400, std::string(message));
}

AwsError ResourceAlreadyExists(std::string_view message) {
  return AwsError::Make("ResourceAlreadyExistsException", 400, std::string(message));
}

AwsError LimitExceeded(std::string message) {
  return AwsError::Make("LimitExceededException", 400, std::move(message));
}

AwsError TooManyTags(std::string message) {
  return AwsError::Make("TooManyTagsException", 400, std::move(message));
}

std::string_view PartitionOf(std::string_view region) {
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  return "aws";
}

std::string LogGroupArn(std::string_view account_id, std::string_view region,
                        std::string_view name) {
  std::string arn = "arn:";
  arn.append(PartitionOf(region)).append(":logs:").append(region).append(":");
  arn.append(account_id).append(":log-group:").append(name);
  return arn;
}

std::string LogStreamArn(std::string_view account_id, std::string_view region,
                         std::string_view group, std::string_view stream) {
  return LogGroupArn(account_id, region, group).append(":log-stream:").append(stream);
}

std::optional<std::string> GroupNameFromArn(std::string_view arn, std::string_view account_id,
                                            std::string_view region) {
  const std::string prefix = LogGroupArn(account_id, region, "");
  if (!arn.starts_with(prefix)) return std::nullopt;
  std::string_view name = arn.substr(prefix.size());
  if (name.ends_with(":*")) name.remove_suffix(2);
  if (name.empty() || name.find(':') != std::string_view::npos) return std::nullopt;
  return std::string(name);
}

GroupKey KeyFor(const RequestContext& context, std::string name) {
  return GroupKey{context.principal.account_id, std::string(context.region), std::move(name)};
}

Result<GroupKey> ResolveGroup(const RequestContext& context, const Value& input) {
  auto name = OptionalString(input, "logGroupName");
  auto identifier = OptionalString(input, "logGroupIdentifier");
  if (name && identifier) {
    return InvalidParameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  if (!name && !identifier) {
    return InvalidParameter("Either LogGroupName or LogGroupIdentifier must be provided.");
  }
  if (name) return KeyFor(context, std::move(*name));
  if (identifier->starts_with("arn:")) {
    auto from_arn = GroupNameFromArn(*identifier, context.principal.account_id, context.region);
    // Another account's or Region's group is not visible here: report it as not found.
    if (!from_arn) return ResourceNotFound(kGroupNotFound);
    return KeyFor(context, std::move(*from_arn));
  }
  return KeyFor(context, std::move(*identifier));
}

namespace {

void AppendField(std::string& out, std::string_view field) {
  out.append(std::to_string(field.size())).push_back(':');
  out.append(field);
}

}  // namespace

std::string EncodePageToken(std::string_view kind, const std::vector<std::string>& fields) {
  std::string raw;
  AppendField(raw, kind);
  for (const auto& field : fields) AppendField(raw, field);
  return Base64Encode(raw);
}

std::optional<std::vector<std::string>> DecodePageToken(std::string_view kind,
                                                        std::string_view token) {
  auto raw = Base64Decode(token);
  if (!raw) return std::nullopt;
  std::string_view rest = *raw;
  std::vector<std::string> fields;
  while (!rest.empty()) {
    const std::size_t colon = rest.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 9) return std::nullopt;
    std::size_t size = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + colon, size);
    if (ec != std::errc() || end != rest.data() + colon) return std::nullopt;
    rest.remove_prefix(colon + 1);
    if (size > rest.size()) return std::nullopt;
    fields.emplace_back(rest.substr(0, size));
    rest.remove_prefix(size);
  }
  if (fields.empty() || fields.front() != kind) return std::nullopt;
  fields.erase(fields.begin());
  return fields;
}

AwsError InvalidNextToken() { return InvalidParameter("The specified nextToken is invalid."); }

std::string DigitString(std::int64_t a, std::int64_t b) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%020lld%036lld", static_cast<long long>(a),
                static_cast<long long>(b));
  return buffer;
}

// Since 2023 AWS ignores sequence tokens on PutLogEvents but still returns them; ours are 56
// digits like AWS's.
std::string SequenceToken(std::int64_t upload_sequence) {
  return DigitString(4'959'033'827'149'025'660LL, upload_sequence);
}

std::string EncodeEventToken(bool forward, const EventCursor& cursor) {
  // Cursor values may be -1 (before everything); shift by one to keep the digits unsigned.
  return std::string(forward ? "f/" : "b/") + DigitString(cursor.timestamp + 1, cursor.id + 1) +
         "/s";
}

std::optional<EventToken> DecodeEventToken(std::string_view token) {
  if (token.size() != 2 + 56 + 2 || token[1] != '/' || !token.ends_with("/s")) {
    return std::nullopt;
  }
  EventToken out;
  if (token[0] == 'f') {
    out.forward = true;
  } else if (token[0] == 'b') {
    out.forward = false;
  } else {
    return std::nullopt;
  }
  const std::string_view digits = token.substr(2, 56);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::int64_t timestamp = 0;
  std::int64_t id = 0;
  auto r1 = std::from_chars(digits.data(), digits.data() + 20, timestamp);
  auto r2 = std::from_chars(digits.data() + 20, digits.data() + 56, id);
  if (r1.ec != std::errc() || r2.ec != std::errc()) return std::nullopt;
  out.cursor = EventCursor{timestamp - 1, id - 1};
  return out;
}

std::optional<std::string> OptionalString(const Value& input, std::string_view name) {
  const Value* v = input.Find(name);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->as_string();
}

std::optional<std::int64_t> OptionalInteger(const Value& input, std::string_view name) {
  const Value* v = input.Find(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_integer()) return v->as_integer();
  if (v->is_timestamp()) return v->as_timestamp().epoch_millis;
  return std::nullopt;
}

bool BoolMember(const Value& input, std::string_view name) {
  const Value* v = input.Find(name);
  return v != nullptr && v->is_bool() && v->as_bool();
}

TagList StringMap(const Value& input, std::string_view name) {
  TagList out;
  const Value* v = input.Find(name);
  if (v == nullptr || !v->is_object()) return out;
  for (const auto& [key, value] : v->entries()) {
    if (value.is_string()) out.emplace_back(key, value.as_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Value TagsValue(const TagList& tags) {
  Value map = Value::MakeMap();
  for (const auto& [key, value] : tags) map.Set(key, value);
  return map;
}

}  // namespace tw::services::logs
