// SPDX-License-Identifier: Apache-2.0
// Managed policies: customer managed ones (stored) and AWS managed ones (the embedded catalog),
// and their versions.
#include <algorithm>

#include "services/iam/errors.h"
#include "services/iam/iam_service.h"

namespace tw::services::iam {
namespace {

using ::tw::iam::policy::PolicyKind;

Value VersionValue(const PolicyVersionRecord& version, bool with_document) {
  Value v = Value::MakeStructure();
  if (with_document) v.Set("Document", EncodeDocument(version.document));
  v.Set("VersionId", version.version_id);
  v.Set("IsDefaultVersion", version.is_default);
  v.Set("CreateDate", TimestampValue(version.created_at));
  return v;
}

PolicyVersionRecord AwsVersion(const AwsManagedPolicy& policy) {
  return PolicyVersionRecord{policy.default_version, policy.document, true, policy.updated_at};
}

Status CheckManagedDocument(std::string_view document) {
  return CheckPolicyDocument(
      document, PolicyKind::kIdentity, kManagedPolicySizeQuota,
      "Cannot exceed quota for PolicySize: " + std::to_string(kManagedPolicySizeQuota));
}

}  // namespace

Result<Value> IamService::CreatePolicy(RequestContext& context, const Value& input) {
  std::string document(input.GetString("PolicyDocument"));
  if (Status st = CheckManagedDocument(document); !st) return std::move(st).error();
  auto tags = ParseTags(input);
  if (!tags) return std::move(tags).error();
  PolicyRecord policy;
  policy.name = std::string(input.GetString("PolicyName"));
  policy.path = PathOr(input, "Path");
  policy.arn = IamArn(account_id_, "policy", policy.path, policy.name);
  policy.id = NewUniqueId(context.random, "ANPA");
  policy.description = OptionalString(input, "Description");
  policy.created_at = policy.updated_at = NowSeconds(EpochMillis(context.clock.Now()));
  policy.default_version = "v1";
  if (Status st = store_.CreatePolicy(policy, document, *tags); !st) return std::move(st).error();
  // IAM's CreatePolicy answer leaves the description out (GetPolicy has it) but has the tags.
  Value value = PolicyValue(policy, /*with_details=*/false);
  if (!tags->empty()) value.Set("Tags", TagsValue(*tags));
  Value output = Value::MakeStructure();
  output.Set("Policy", std::move(value));
  return output;
}

Result<Value> IamService::GetPolicy(RequestContext& /*context*/, const Value& input) {
  std::string_view arn = input.GetString("PolicyArn");
  auto parts = ParsePolicyArn(arn);
  if (!parts) return std::move(parts).error();
  Value output = Value::MakeStructure();
  if (parts->account == "aws") {
    const AwsManagedPolicy* policy = catalog_.Find(arn);
    if (!policy) return PolicyNotFound(arn);
    auto usage = store_.PolicyUsageByArn();
    if (!usage) return std::move(usage).error();
    output.Set("Policy", AwsPolicyValue(*policy, (*usage)[policy->arn], /*with_details=*/true));
    return output;
  }
  auto policy = store_.GetPolicy(arn);
  if (!policy) return std::move(policy).error();
  output.Set("Policy", PolicyValue(*policy, /*with_details=*/true));
  return output;
}

Result<Value> IamService::ListPolicies(RequestContext& /*context*/, const Value& input) {
  std::string scope = OptionalString(input, "Scope").value_or("All");
  std::string path_prefix = PathOr(input, "PathPrefix");
  bool only_attached = BoolMember(input, "OnlyAttached");
  std::optional<std::string> usage_filter = OptionalString(input, "PolicyUsageFilter");

  auto usage = store_.PolicyUsageByArn();
  if (!usage) return std::move(usage).error();
  // OnlyAttached keeps policies in use: as permissions policies unless the usage filter asks
  // for permissions boundaries.
  auto keep = [&](std::string_view path, std::int64_t attachments, std::int64_t boundaries) {
    if (!path.starts_with(path_prefix)) return false;
    if (!only_attached) return true;
    if (usage_filter == "PermissionsBoundary") return boundaries > 0;
    return attachments > 0;
  };
  std::vector<std::pair<std::string, Value>> items;  // by name
  if (scope != "Local") {
    for (const AwsManagedPolicy& policy : catalog_.policies()) {
      const PolicyUsage& u = (*usage)[policy.arn];
      if (keep(policy.path, u.attachments, u.boundaries)) {
        items.emplace_back(policy.name, AwsPolicyValue(policy, u, /*with_details=*/false));
      }
    }
  }
  if (scope != "AWS") {
    auto local = store_.ListPolicies();
    if (!local) return std::move(local).error();
    for (const PolicyRecord& policy : *local) {
      if (keep(policy.path, policy.attachment_count, policy.boundary_usage_count)) {
        items.emplace_back(policy.name, PolicyValue(policy, /*with_details=*/false));
      }
    }
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  auto page = Paginate(input, items.size());
  if (!page) return std::move(page).error();
  Value list = Value::MakeList();
  for (std::size_t i = page->begin; i < page->end; ++i) list.Push(std::move(items[i].second));
  Value output = Value::MakeStructure();
  output.Set("Policies", std::move(list));
  SetPageMembers(output, *page);
  return output;
}

Result<Value> IamService::DeletePolicy(RequestContext& context, const Value& input) {
  std::string_view arn = input.GetString("PolicyArn");
  auto parts = ParsePolicyArn(arn);
  if (!parts) return std::move(parts).error();
  if (parts->account == "aws") return AwsPolicyIsReadOnly(context, "DeletePolicy", arn);
  if (Status st = store_.DeletePolicy(arn); !st) return std::move(st).error();
  return Value::MakeStructure();
}

Result<Value> IamService::CreatePolicyVersion(RequestContext& context, const Value& input) {
  std::string_view arn = input.GetString("PolicyArn");
  auto parts = ParsePolicyArn(arn);
  if (!parts) return std::move(parts).error();
  if (parts->account == "aws") return AwsPolicyIsReadOnly(context, "CreatePolicyVersion", arn);
  std::string_view document = input.GetString("PolicyDocument");
  if (Status st = CheckManagedDocument(document); !st) return std::move(st).error();
  auto version = store_.CreatePolicyVersion(arn, document, BoolMember(input, "SetAsDefault"),
                                            NowSeconds(EpochMillis(context.clock.Now())),
                                            kPolicyVersionsQuota);
  if (!version) return std::move(version).error();
  Value output = Value::MakeStructure();
  output.Set("PolicyVersion", VersionValue(*version, /*with_document=*/false));
  return output;
}

Result<Value> IamService::GetPolicyVersion(RequestContext& /*context*/, const Value& input) {
  std::string_view arn = input.GetString("PolicyArn");
  std::string_view version_id = input.GetString("VersionId");
  auto parts = ParsePolicyArn(arn);
  if (!parts) return std::move(parts).error();
  Value output = Value::MakeStructure();
  if (parts->account == "aws") {
    const AwsManagedPolicy* policy = catalog_.Find(arn);
    if (!policy) return PolicyNotFound(arn);
    if (version_id != policy->default_version) {
      return NoSuchEntity("Policy " + std::string(arn) + " version " + std::string(version_id) +
                          " does not exist or is not attachable.");
    }
    output.Set("PolicyVersion", VersionValue(AwsVersion(*policy), /*with_document=*/true));
    return output;
  }
  auto version = store_.GetPolicyVersion(arn, version_id);
  if (!version) return std::move(version).error();
  output.Set("PolicyVersion", VersionValue(*version, /*with_document=*/true));
  return output;
}

Result<Value> IamService::ListPolicyVersions(RequestContext& /*context*/, const Value& input) {
  std::string_view arn = input.GetString("PolicyArn");
  auto parts = ParsePolicyArn(arn);
  if (!parts) return std::move(parts).error();
  std::vector<PolicyVersionRecord> versions;
  if (parts->account == "aws") {
    const AwsManagedPolicy* policy = catalog_.Find(arn);
    if (!policy) return PolicyNotFound(arn);
    versions.push_back(AwsVersion(*policy));
  } else {
    auto stored = store_.ListPolicyVersions(arn);
    if (!stored) return std::move(stored).error();
    versions = std::move(stored).value();
  }
  auto page = Paginate(input, versions.size());
  if (!page) return std::move(page).error();
  Value list = Value::MakeList();
  for (std::size_t i = page->begin; i < page->end; ++i) {
    list.Push(VersionValue(versions[i], /*with_document=*/false));
  }
  Value output = Value::MakeStructure();
  output.Set("Versions", std::move(list));
  SetPageMembers(output, *page);
  return output;
}

Result<Value> IamService::SetDefaultPolicyVersion(RequestContext& context, const Value& input) {
  std::string_view arn = input.GetString("PolicyArn");
  auto parts = ParsePolicyArn(arn);
  if (!parts) return std::move(parts).error();
  if (parts->account == "aws") return AwsPolicyIsReadOnly(context, "SetDefaultPolicyVersion", arn);
  if (Status st = store_.SetDefaultPolicyVersion(arn, input.GetString("VersionId"),
                                                 NowSeconds(EpochMillis(context.clock.Now())));
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::DeletePolicyVersion(RequestContext& context, const Value& input) {
  std::string_view arn = input.GetString("PolicyArn");
  auto parts = ParsePolicyArn(arn);
  if (!parts) return std::move(parts).error();
  if (parts->account == "aws") return AwsPolicyIsReadOnly(context, "DeletePolicyVersion", arn);
  if (Status st = store_.DeletePolicyVersion(arn, input.GetString("VersionId")); !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

}  // namespace tw::services::iam
