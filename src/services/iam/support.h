// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the IAM operation handlers: ARNs, unique ids, reading the input Value,
// pagination as IAM pages (Marker / MaxItems / IsTruncated), tags, policy-document checks and the
// output shapes IAM repeats across operations (User, Group, Role, Policy). Pure functions, apart
// from the RandomSource they are given; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "iam/policy/validate_document.h"
#include "protocol/value.h"
#include "services/iam/iam_store.h"
#include "services/iam/managed_policies.h"

namespace tw::services::iam {

using protocol::Value;

// IAM's per-document and per-entity character quotas (whitespace is not counted).
inline constexpr std::size_t kManagedPolicySizeQuota = 6144;
inline constexpr std::size_t kUserPolicySizeQuota = 2048;
inline constexpr std::size_t kGroupPolicySizeQuota = 5120;
inline constexpr std::size_t kRolePolicySizeQuota = 10240;
inline constexpr std::size_t kAssumeRolePolicySizeQuota = 2048;
inline constexpr std::size_t kPolicyVersionsQuota = 5;
inline constexpr std::size_t kAttachedPoliciesQuota = 10;
inline constexpr std::size_t kAccessKeysPerUserQuota = 2;
inline constexpr std::size_t kTagsQuota = 50;

// arn:aws:iam::<account>:<kind><path><name>, e.g. ("user", "/div/", "bob") -> ...:user/div/bob.
std::string IamArn(std::string_view account_id, std::string_view resource_type,
                   std::string_view path, std::string_view name);
// A unique id: prefix (AIDA, AGPA, AROA, ANPA) + 17 characters of [A-Z2-7], 21 in all.
std::string NewUniqueId(RandomSource& random, std::string_view prefix);
// Epoch millis truncated to whole seconds: IAM reports dates to the second.
std::int64_t NowSeconds(std::int64_t epoch_millis);
Value TimestampValue(std::int64_t epoch_millis);

// Input members.
std::optional<std::string> OptionalString(const Value& input, std::string_view name);
std::optional<std::int64_t> OptionalInteger(const Value& input, std::string_view name);
bool BoolMember(const Value& input, std::string_view name, bool fallback = false);
// The path member, "/" when absent.
std::string PathOr(const Value& input, std::string_view name);
// The input member naming an entity of `kind`: UserName, GroupName or RoleName.
std::string_view EntityMember(EntityKind kind);

// One page of `total` items as the request's Marker and MaxItems (default 100) select.
struct Page {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool truncated = false;
  std::string next_marker;
};
Result<Page> Paginate(const Value& input, std::size_t total);
// Sets IsTruncated, and Marker when truncated, on an output structure.
void SetPageMembers(Value& output, const Page& page);

// The Tags member: Key/Value pairs; duplicate keys (ignoring case) are InvalidInput.
Result<std::vector<Tag>> ParseTags(const Value& input);
Value TagsValue(const std::vector<Tag>& tags);

// Checks a policy document for a write: first the size quota (LimitExceeded with `quota_message`
// when over), then the grammar (MalformedPolicyDocument from the policy engine).
Status CheckPolicyDocument(std::string_view document, ::tw::iam::policy::PolicyKind kind,
                           std::size_t max_size, std::string_view quota_message);
// Policy documents go out URL-encoded, as IAM sends them (botocore and the CLI decode them).
std::string EncodeDocument(std::string_view document);

// A managed-policy ARN: arn:aws:iam::<account or "aws">:policy<path><name>. Anything else is
// InvalidInput "ARN <arn> is not valid.".
struct PolicyArnParts {
  std::string account;  // "aws" for AWS managed policies
  std::string path;
  std::string name;
};
Result<PolicyArnParts> ParsePolicyArn(std::string_view arn);
// The name in an ARN: its last path segment.
std::string NameFromArn(std::string_view arn);

Value UserValue(std::string_view account_id, const UserRecord& user, bool with_details);
Value GroupValue(std::string_view account_id, const GroupRecord& group);
Value RoleValue(std::string_view account_id, const RoleRecord& role, bool with_details);
Value PolicyValue(const PolicyRecord& policy, bool with_details);
Value AwsPolicyValue(const AwsManagedPolicy& policy, const PolicyUsage& usage, bool with_details);
Value BoundaryValue(const std::optional<std::string>& policy_arn);  // null Value when absent

}  // namespace tw::services::iam
