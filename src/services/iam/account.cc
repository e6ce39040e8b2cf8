// SPDX-License-Identifier: Apache-2.0
// The account: summary, alias and authorization details.
#include <algorithm>

#include "services/iam/errors.h"
#include "services/iam/iam_service.h"

namespace tw::services::iam {

Result<Value> IamService::GetAccountSummary(RequestContext& /*context*/, const Value& /*input*/) {
  auto counts = store_.CountEntities();
  if (!counts) return std::move(counts).error();
  auto keys = accounts_.ListAccessKeys(account_id_);
  if (!keys) return std::move(keys).error();
  bool root_key = std::any_of(keys->begin(), keys->end(), [](const store::AccessKeyRecord& k) {
    return k.owner == store::KeyOwner::kRoot;
  });
  // The keys and default quotas IAM reports (summaryKeyType), in IAM's order.
  const std::pair<const char*, std::int64_t> entries[] = {
      {"GroupPolicySizeQuota", static_cast<std::int64_t>(kGroupPolicySizeQuota)},
      {"InstanceProfilesQuota", 1000},
      {"Policies", counts->policies},
      {"GroupsPerUserQuota", 10},
      {"InstanceProfiles", 0},
      {"AttachedPoliciesPerUserQuota", static_cast<std::int64_t>(kAttachedPoliciesQuota)},
      {"Users", counts->users},
      {"PoliciesQuota", 1500},
      {"Providers", 0},
      {"AccountMFAEnabled", 0},
      {"AccessKeysPerUserQuota", static_cast<std::int64_t>(kAccessKeysPerUserQuota)},
      {"AssumeRolePolicySizeQuota", static_cast<std::int64_t>(kAssumeRolePolicySizeQuota)},
      {"PolicyVersionsInUseQuota", 10000},
      {"GlobalEndpointTokenVersion", 1},
      {"VersionsPerPolicyQuota", static_cast<std::int64_t>(kPolicyVersionsQuota)},
      {"AttachedPoliciesPerGroupQuota", static_cast<std::int64_t>(kAttachedPoliciesQuota)},
      {"PolicySizeQuota", static_cast<std::int64_t>(kManagedPolicySizeQuota)},
      {"Groups", counts->groups},
      {"AccountSigningCertificatesPresent", 0},
      {"UsersQuota", 5000},
      {"ServerCertificatesQuota", 20},
      {"MFADevices", 0},
      {"UserPolicySizeQuota", static_cast<std::int64_t>(kUserPolicySizeQuota)},
      {"PolicyVersionsInUse", counts->attachments},
      {"ServerCertificates", counts->server_certificates},
      {"Roles", counts->roles},
      {"RolesQuota", 1000},
      {"SigningCertificatesPerUserQuota", 2},
      {"MFADevicesInUse", 0},
      {"RolePolicySizeQuota", static_cast<std::int64_t>(kRolePolicySizeQuota)},
      {"AttachedPoliciesPerRoleQuota", static_cast<std::int64_t>(kAttachedPoliciesQuota)},
      {"AccountAccessKeysPresent", root_key ? 1 : 0},
      {"GroupsQuota", 300},
  };
  Value map = Value::MakeMap();
  for (const auto& [key, value] : entries) map.Set(key, value);
  Value output = Value::MakeStructure();
  output.Set("SummaryMap", std::move(map));
  return output;
}

Result<Value> IamService::CreateAccountAlias(RequestContext& /*context*/, const Value& input) {
  if (Status st = store_.SetAccountAlias(input.GetString("AccountAlias")); !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::DeleteAccountAlias(RequestContext& /*context*/, const Value& input) {
  if (Status st = store_.DeleteAccountAlias(input.GetString("AccountAlias")); !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::ListAccountAliases(RequestContext& /*context*/, const Value& input) {
  auto alias = store_.GetAccountAlias();
  if (!alias) return std::move(alias).error();
  auto page = Paginate(input, alias->has_value() ? 1 : 0);
  if (!page) return std::move(page).error();
  Value list = Value::MakeList();
  if (page->begin < page->end) list.Push(**alias);
  Value output = Value::MakeStructure();
  output.Set("AccountAliases", std::move(list));
  SetPageMembers(output, *page);
  return output;
}

namespace {

Value InlineList(const std::vector<InlinePolicy>& policies) {
  Value list = Value::MakeList();
  for (const InlinePolicy& p : policies) {
    Value item = Value::MakeStructure();
    item.Set("PolicyName", p.name);
    item.Set("PolicyDocument", EncodeDocument(p.document));
    list.Push(std::move(item));
  }
  return list;
}

Value AttachedList(const std::vector<std::string>& arns) {
  Value list = Value::MakeList();
  for (const std::string& arn : arns) {
    Value item = Value::MakeStructure();
    item.Set("PolicyName", NameFromArn(arn));
    item.Set("PolicyArn", arn);
    list.Push(std::move(item));
  }
  return list;
}

Value VersionList(const std::vector<PolicyVersionRecord>& versions) {
  Value list = Value::MakeList();
  for (const PolicyVersionRecord& v : versions) {
    Value item = Value::MakeStructure();
    item.Set("Document", EncodeDocument(v.document));
    item.Set("VersionId", v.version_id);
    item.Set("IsDefaultVersion", v.is_default);
    item.Set("CreateDate", TimestampValue(v.created_at));
    list.Push(std::move(item));
  }
  return list;
}

// A ManagedPolicyDetail: the Policy members IAM lists, with every version's document.
Value PolicyDetail(Value policy, const std::optional<std::string>& description,
                   const std::vector<PolicyVersionRecord>& versions) {
  Value detail = Value::MakeStructure();
  for (auto& [name, value] : policy.entries()) {
    if (name == "Tags") continue;
    detail.Set(name, std::move(value));
  }
  if (description) detail.Set("Description", *description);
  detail.Set("PolicyVersionList", VersionList(versions));
  return detail;
}

}  // namespace

Result<Value> IamService::GetAccountAuthorizationDetails(RequestContext& /*context*/,
                                                         const Value& input) {
  std::vector<std::string> filter;
  if (const Value* list = input.Find("Filter"); list && list->is_list()) {
    for (const Value& item : list->as_list()) {
      if (item.is_string()) filter.push_back(item.as_string());
    }
  }
  auto wanted = [&](std::string_view type) {
    return filter.empty() || std::find(filter.begin(), filter.end(), type) != filter.end();
  };
  auto snapshot = store_.Snapshot();
  if (!snapshot) return std::move(snapshot).error();

  // One sequence over users, groups, roles, then policies; IAM pages across all of them.
  enum class Section { kUser, kGroup, kRole, kPolicy };
  std::vector<std::pair<Section, Value>> items;
  if (wanted("User")) {
    for (const EntityDetail& d : snapshot->users) {
      Value v = Value::MakeStructure();
      const UserRecord& u = d.user;
      v.Set("Path", u.path);
      v.Set("UserName", u.name);
      v.Set("UserId", u.id);
      v.Set("Arn", IamArn(account_id_, "user", u.path, u.name));
      v.Set("CreateDate", TimestampValue(u.created_at));
      v.Set("UserPolicyList", InlineList(d.inline_policies));
      Value groups = Value::MakeList();
      for (const std::string& g : d.group_names) groups.Push(g);
      v.Set("GroupList", std::move(groups));
      v.Set("AttachedManagedPolicies", AttachedList(d.attached_policy_arns));
      if (u.permissions_boundary)
        v.Set("PermissionsBoundary", BoundaryValue(u.permissions_boundary));
      v.Set("Tags", TagsValue(u.tags));
      items.emplace_back(Section::kUser, std::move(v));
    }
  }
  if (wanted("Group")) {
    for (const EntityDetail& d : snapshot->groups) {
      Value v = GroupValue(account_id_, d.group);
      v.Set("GroupPolicyList", InlineList(d.inline_policies));
      v.Set("AttachedManagedPolicies", AttachedList(d.attached_policy_arns));
      items.emplace_back(Section::kGroup, std::move(v));
    }
  }
  if (wanted("Role")) {
    for (const EntityDetail& d : snapshot->roles) {
      Value v = RoleValue(account_id_, d.role, /*with_details=*/true);
      v.Set("InstanceProfileList", Value::MakeList());
      v.Set("RolePolicyList", InlineList(d.inline_policies));
      v.Set("AttachedManagedPolicies", AttachedList(d.attached_policy_arns));
      v.Set("Tags", TagsValue(d.role.tags));
      v.Set("RoleLastUsed", Value::MakeStructure());
      items.emplace_back(Section::kRole, std::move(v));
    }
  }
  if (wanted("LocalManagedPolicy")) {
    for (const PolicyRecord& p : snapshot->policies) {
      items.emplace_back(Section::kPolicy, PolicyDetail(PolicyValue(p, false), p.description,
                                                        snapshot->versions[p.arn]));
    }
  }
  if (wanted("AWSManagedPolicy")) {
    // Only the AWS managed policies the account uses, as IAM reports them.
    for (const AwsManagedPolicy& p : catalog_.policies()) {
      auto it = snapshot->usage.find(p.arn);
      if (it == snapshot->usage.end()) continue;
      PolicyVersionRecord version{p.default_version, p.document, true, p.updated_at};
      items.emplace_back(Section::kPolicy, PolicyDetail(AwsPolicyValue(p, it->second, false),
                                                        p.description, {version}));
    }
  }

  auto page = Paginate(input, items.size());
  if (!page) return std::move(page).error();
  Value users = Value::MakeList(), groups = Value::MakeList(), roles = Value::MakeList(),
        policies = Value::MakeList();
  for (std::size_t i = page->begin; i < page->end; ++i) {
    auto& [section, value] = items[i];
    Value& target = section == Section::kUser    ? users
                    : section == Section::kGroup ? groups
                    : section == Section::kRole  ? roles
                                                 : policies;
    target.Push(std::move(value));
  }
  Value output = Value::MakeStructure();
  output.Set("UserDetailList", std::move(users));
  output.Set("GroupDetailList", std::move(groups));
  output.Set("RoleDetailList", std::move(roles));
  output.Set("Policies", std::move(policies));
  SetPageMembers(output, *page);
  return output;
}

}  // namespace tw::services::iam
