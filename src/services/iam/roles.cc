// SPDX-License-Identifier: Apache-2.0
// Roles. Their trust policies are checked with the trust-policy grammar; assuming them (STS) is
// the next part of the IAM issue.
#include "services/iam/errors.h"
#include "services/iam/iam_service.h"

namespace tw::services::iam {
namespace {

Status CheckTrustDocument(std::string_view document) {
  return CheckPolicyDocument(
      document, ::tw::iam::policy::PolicyKind::kTrust, kAssumeRolePolicySizeQuota,
      "Cannot exceed quota for ACLSizePerRole: " + std::to_string(kAssumeRolePolicySizeQuota));
}

}  // namespace

Result<Value> IamService::CreateRole(RequestContext& context, const Value& input) {
  RoleRecord role;
  role.name = std::string(input.GetString("RoleName"));
  role.path = PathOr(input, "Path");
  role.id = NewUniqueId(context.random, "AROA");
  role.created_at = NowSeconds(EpochMillis(context.clock.Now()));
  role.assume_role_policy = std::string(input.GetString("AssumeRolePolicyDocument"));
  role.description = OptionalString(input, "Description");
  role.max_session_duration = OptionalInteger(input, "MaxSessionDuration").value_or(3600);
  role.permissions_boundary = OptionalString(input, "PermissionsBoundary");
  if (Status st = CheckTrustDocument(role.assume_role_policy); !st) return std::move(st).error();
  auto tags = ParseTags(input);
  if (!tags) return std::move(tags).error();
  if (role.permissions_boundary) {
    auto resolved = ResolveManagedPolicy(*role.permissions_boundary, /*for_boundary=*/true);
    if (!resolved) return std::move(resolved).error();
  }
  if (Status st = store_.CreateRole(role, *tags); !st) return std::move(st).error();
  role.tags = std::move(tags).value();
  Value output = Value::MakeStructure();
  output.Set("Role", RoleValue(account_id_, role, /*with_details=*/true));
  return output;
}

Result<Value> IamService::GetRole(RequestContext& /*context*/, const Value& input) {
  auto role = store_.GetRole(input.GetString("RoleName"));
  if (!role) return std::move(role).error();
  Value value = RoleValue(account_id_, *role, /*with_details=*/true);
  // Roles are not assumed yet (STS AssumeRole comes next): IAM shows an empty RoleLastUsed.
  value.Set("RoleLastUsed", Value::MakeStructure());
  Value output = Value::MakeStructure();
  output.Set("Role", std::move(value));
  return output;
}

Result<Value> IamService::ListRoles(RequestContext& /*context*/, const Value& input) {
  auto roles = store_.ListRoles(PathOr(input, "PathPrefix"));
  if (!roles) return std::move(roles).error();
  auto page = Paginate(input, roles->size());
  if (!page) return std::move(page).error();
  Value list = Value::MakeList();
  for (std::size_t i = page->begin; i < page->end; ++i) {
    list.Push(RoleValue(account_id_, (*roles)[i], /*with_details=*/false));
  }
  Value output = Value::MakeStructure();
  output.Set("Roles", std::move(list));
  SetPageMembers(output, *page);
  return output;
}

Result<Value> IamService::UpdateRole(RequestContext& /*context*/, const Value& input) {
  if (Status st =
          store_.UpdateRole(input.GetString("RoleName"), OptionalString(input, "Description"),
                            OptionalInteger(input, "MaxSessionDuration"));
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::UpdateRoleDescription(RequestContext& context, const Value& input) {
  std::string_view name = input.GetString("RoleName");
  if (Status st =
          store_.UpdateRole(name, std::string(input.GetString("Description")), std::nullopt);
      !st) {
    return std::move(st).error();
  }
  return GetRole(context, input);
}

Result<Value> IamService::UpdateAssumeRolePolicy(RequestContext& /*context*/, const Value& input) {
  std::string_view document = input.GetString("PolicyDocument");
  if (Status st = CheckTrustDocument(document); !st) return std::move(st).error();
  if (Status st = store_.UpdateAssumeRolePolicy(input.GetString("RoleName"), document); !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::DeleteRole(RequestContext& /*context*/, const Value& input) {
  if (Status st = store_.DeleteRole(input.GetString("RoleName")); !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

}  // namespace tw::services::iam
