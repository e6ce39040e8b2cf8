// SPDX-License-Identifier: Apache-2.0
#include "services/iam/support.h"

#include <charconv>

#include "common/crypto.h"
#include "common/strings.h"
#include "services/iam/errors.h"
#include "services/iam/sqlite_iam_store.h"

namespace tw::services::iam {
namespace {

constexpr std::string_view kIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::int64_t kDefaultMaxItems = 100;
// Markers are opaque to clients; ours carry the offset of the next item.
constexpr std::string_view kMarkerPrefix = "twm1:";

}  // namespace

std::string IamArn(std::string_view account_id, std::string_view resource_type,
                   std::string_view path, std::string_view name) {
  std::string arn = "arn:aws:iam::";
  arn.append(account_id).append(":").append(resource_type).append(path).append(name);
  return arn;
}

std::string NewUniqueId(RandomSource& random, std::string_view prefix) {
  return std::string(prefix) + random.FromAlphabet(kIdAlphabet, 17);
}

std::int64_t NowSeconds(std::int64_t epoch_millis) { return epoch_millis / 1000 * 1000; }

Value TimestampValue(std::int64_t epoch_millis) { return Value(protocol::Timestamp{epoch_millis}); }

std::optional<std::string> OptionalString(const Value& input, std::string_view name) {
  const Value* v = input.Find(name);
  if (!v || !v->is_string()) return std::nullopt;
  return v->as_string();
}

std::optional<std::int64_t> OptionalInteger(const Value& input, std::string_view name) {
  const Value* v = input.Find(name);
  if (!v || !v->is_integer()) return std::nullopt;
  return v->as_integer();
}

bool BoolMember(const Value& input, std::string_view name, bool fallback) {
  const Value* v = input.Find(name);
  return v && v->is_bool() ? v->as_bool() : fallback;
}

std::string PathOr(const Value& input, std::string_view name) {
  return OptionalString(input, name).value_or("/");
}

Result<Page> Paginate(const Value& input, std::size_t total) {
  Page page;
  if (auto marker = OptionalString(input, "Marker")) {
    auto decoded = Base64Decode(*marker);
    std::size_t offset = 0;
    bool ok = decoded && decoded->starts_with(kMarkerPrefix);
    if (ok) {
      std::string_view digits = std::string_view(*decoded).substr(kMarkerPrefix.size());
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), offset);
      ok = ec == std::errc() && end == digits.data() + digits.size();
    }
    if (!ok) return InvalidInput("Invalid Marker.");
    page.begin = std::min(offset, total);
  }
  std::int64_t max_items = OptionalInteger(input, "MaxItems").value_or(kDefaultMaxItems);
  page.end = std::min(total, page.begin + static_cast<std::size_t>(max_items));
  page.truncated = page.end < total;
  if (page.truncated) {
    page.next_marker = Base64Encode(std::string(kMarkerPrefix) + std::to_string(page.end));
  }
  return page;
}

void SetPageMembers(Value& output, const Page& page) {
  output.Set("IsTruncated", page.truncated);
  if (page.truncated) output.Set("Marker", page.next_marker);
}

Result<std::vector<Tag>> ParseTags(const Value& input) {
  std::vector<Tag> tags;
  const Value* list = input.Find("Tags");
  if (!list || !list->is_list()) return tags;
  for (const Value& item : list->as_list()) {
    Tag tag{std::string(item.GetString("Key")), std::string(item.GetString("Value"))};
    for (const Tag& seen : tags) {
      if (IEquals(seen.key, tag.key)) {
        return InvalidInput(
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
      }
    }
    tags.push_back(std::move(tag));
  }
  return tags;
}

Value TagsValue(const std::vector<Tag>& tags) {
  Value list = Value::MakeList();
  for (const Tag& tag : tags) {
    Value item = Value::MakeStructure();
    item.Set("Key", tag.key);
    item.Set("Value", tag.value);
    list.Push(std::move(item));
  }
  return list;
}

Status CheckPolicyDocument(std::string_view document, ::tw::iam::policy::PolicyKind kind,
                           std::size_t max_size, std::string_view quota_message) {
  if (internal::PolicySize(document) > max_size) return LimitExceeded(std::string(quota_message));
  return ::tw::iam::policy::ValidatePolicyDocument(document, kind);
}

std::string EncodeDocument(std::string_view document) { return UriEncode(document); }

Result<PolicyArnParts> ParsePolicyArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:iam::";
  auto invalid = [&] { return InvalidInput("ARN " + std::string(arn) + " is not valid."); };
  if (!arn.starts_with(kPrefix)) return invalid();
  std::string_view rest = arn.substr(kPrefix.size());
  std::size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return invalid();
  std::string_view account = rest.substr(0, colon);
  bool digits = account.size() == 12 && account.find_first_not_of("0123456789") == account.npos;
  if (account != "aws" && !digits) return invalid();
  std::string_view resource = rest.substr(colon + 1);
  if (!resource.starts_with("policy/")) return invalid();
  std::string_view path_and_name = resource.substr(std::string_view("policy").size());
  std::size_t last = path_and_name.rfind('/');
  std::string_view name = path_and_name.substr(last + 1);
  if (name.empty()) return invalid();
  return PolicyArnParts{std::string(account), std::string(path_and_name.substr(0, last + 1)),
                        std::string(name)};
}

std::string NameFromArn(std::string_view arn) {
  std::size_t slash = arn.rfind('/');
  return std::string(slash == std::string_view::npos ? arn : arn.substr(slash + 1));
}

Value BoundaryValue(const std::optional<std::string>& policy_arn) {
  if (!policy_arn) return Value();
  Value boundary = Value::MakeStructure();
  boundary.Set("PermissionsBoundaryType", "PermissionsBoundaryPolicy");
  boundary.Set("PermissionsBoundaryArn", *policy_arn);
  return boundary;
}

Value UserValue(std::string_view account_id, const UserRecord& user, bool with_details) {
  Value v = Value::MakeStructure();
  v.Set("Path", user.path);
  v.Set("UserName", user.name);
  v.Set("UserId", user.id);
  v.Set("Arn", IamArn(account_id, "user", user.path, user.name));
  v.Set("CreateDate", TimestampValue(user.created_at));
  // ListUsers leaves the boundary and tags out; GetUser and CreateUser include them.
  if (with_details) {
    if (user.permissions_boundary)
      v.Set("PermissionsBoundary", BoundaryValue(user.permissions_boundary));
    if (!user.tags.empty()) v.Set("Tags", TagsValue(user.tags));
  }
  return v;
}

Value GroupValue(std::string_view account_id, const GroupRecord& group) {
  Value v = Value::MakeStructure();
  v.Set("Path", group.path);
  v.Set("GroupName", group.name);
  v.Set("GroupId", group.id);
  v.Set("Arn", IamArn(account_id, "group", group.path, group.name));
  v.Set("CreateDate", TimestampValue(group.created_at));
  return v;
}

Value RoleValue(std::string_view account_id, const RoleRecord& role, bool with_details) {
  Value v = Value::MakeStructure();
  v.Set("Path", role.path);
  v.Set("RoleName", role.name);
  v.Set("RoleId", role.id);
  v.Set("Arn", IamArn(account_id, "role", role.path, role.name));
  v.Set("CreateDate", TimestampValue(role.created_at));
  v.Set("AssumeRolePolicyDocument", EncodeDocument(role.assume_role_policy));
  if (role.description) v.Set("Description", *role.description);
  v.Set("MaxSessionDuration", role.max_session_duration);
  // ListRoles leaves the boundary, tags and last use out; GetRole includes them.
  if (with_details) {
    if (role.permissions_boundary)
      v.Set("PermissionsBoundary", BoundaryValue(role.permissions_boundary));
    if (!role.tags.empty()) v.Set("Tags", TagsValue(role.tags));
  }
  return v;
}

Value PolicyValue(const PolicyRecord& policy, bool with_details) {
  Value v = Value::MakeStructure();
  v.Set("PolicyName", policy.name);
  v.Set("PolicyId", policy.id);
  v.Set("Arn", policy.arn);
  v.Set("Path", policy.path);
  v.Set("DefaultVersionId", policy.default_version);
  v.Set("AttachmentCount", policy.attachment_count);
  v.Set("PermissionsBoundaryUsageCount", policy.boundary_usage_count);
  v.Set("IsAttachable", true);
  // ListPolicies leaves the description and tags out; GetPolicy includes them.
  if (with_details && policy.description) v.Set("Description", *policy.description);
  v.Set("CreateDate", TimestampValue(policy.created_at));
  v.Set("UpdateDate", TimestampValue(policy.updated_at));
  if (with_details && !policy.tags.empty()) v.Set("Tags", TagsValue(policy.tags));
  return v;
}

Value AwsPolicyValue(const AwsManagedPolicy& policy, const PolicyUsage& usage, bool with_details) {
  PolicyRecord record;
  record.name = policy.name;
  record.path = policy.path;
  record.arn = policy.arn;
  record.id = policy.id;
  record.description = policy.description;
  record.created_at = policy.created_at;
  record.updated_at = policy.updated_at;
  record.default_version = policy.default_version;
  record.attachment_count = usage.attachments;
  record.boundary_usage_count = usage.boundaries;
  return PolicyValue(record, with_details);
}

std::string_view EntityMember(EntityKind kind) {
  switch (kind) {
    case EntityKind::kUser:
      return "UserName";
    case EntityKind::kGroup:
      return "GroupName";
    case EntityKind::kRole:
      return "RoleName";
  }
  return "UserName";
}

}  // namespace tw::services::iam
