// SPDX-License-Identifier: Apache-2.0
// Inline policies of users, groups and roles.
#include "services/iam/errors.h"
#include "services/iam/iam_service.h"

namespace tw::services::iam {
namespace {

// IAM's aggregate inline-policy quota per entity kind (characters, whitespace not counted).
std::size_t InlineQuota(EntityKind kind) {
  switch (kind) {
    case EntityKind::kUser:
      return kUserPolicySizeQuota;
    case EntityKind::kGroup:
      return kGroupPolicySizeQuota;
    case EntityKind::kRole:
      return kRolePolicySizeQuota;
  }
  return kUserPolicySizeQuota;
}

}  // namespace

Result<Value> IamService::PutInlinePolicy(EntityKind kind, const Value& input) {
  std::string_view entity = input.GetString(EntityMember(kind));
  std::string_view document = input.GetString("PolicyDocument");
  const std::size_t quota = InlineQuota(kind);
  // The document alone over the quota fails like the aggregate does; the store checks the sum.
  std::string message = "Maximum policy size of " + std::to_string(quota) + " bytes exceeded for " +
                        std::string(EntityKindName(kind)) + " " + std::string(entity);
  if (Status st =
          CheckPolicyDocument(document, ::tw::iam::policy::PolicyKind::kIdentity, quota, message);
      !st) {
    return std::move(st).error();
  }
  if (Status st =
          store_.PutInlinePolicy(kind, entity, input.GetString("PolicyName"), document, quota);
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::GetInlinePolicy(EntityKind kind, const Value& input) {
  std::string_view entity = input.GetString(EntityMember(kind));
  auto policy = store_.GetInlinePolicy(kind, entity, input.GetString("PolicyName"));
  if (!policy) return std::move(policy).error();
  Value output = Value::MakeStructure();
  output.Set(std::string(EntityMember(kind)), entity);
  output.Set("PolicyName", policy->name);
  output.Set("PolicyDocument", EncodeDocument(policy->document));
  return output;
}

Result<Value> IamService::ListInlinePolicies(EntityKind kind, const Value& input) {
  auto names = store_.ListInlinePolicies(kind, input.GetString(EntityMember(kind)));
  if (!names) return std::move(names).error();
  auto page = Paginate(input, names->size());
  if (!page) return std::move(page).error();
  Value list = Value::MakeList();
  for (std::size_t i = page->begin; i < page->end; ++i) list.Push((*names)[i]);
  Value output = Value::MakeStructure();
  output.Set("PolicyNames", std::move(list));
  SetPageMembers(output, *page);
  return output;
}

Result<Value> IamService::DeleteInlinePolicy(EntityKind kind, const Value& input) {
  if (Status st = store_.DeleteInlinePolicy(kind, input.GetString(EntityMember(kind)),
                                            input.GetString("PolicyName"));
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

}  // namespace tw::services::iam
