// SPDX-License-Identifier: Apache-2.0
// Managed-policy attachments of users, groups and roles.
#include "services/iam/errors.h"
#include "services/iam/iam_service.h"

namespace tw::services::iam {

Result<Value> IamService::AttachPolicy(EntityKind kind, RequestContext& context,
                                       const Value& input) {
  std::string_view arn = input.GetString("PolicyArn");
  auto parts = ParsePolicyArn(arn);
  if (!parts) return std::move(parts).error();
  bool local = parts->account != "aws";
  if (!local && !catalog_.Find(arn)) return PolicyNotAttachable(arn);
  if (local && parts->account != account_id_) return PolicyNotAttachable(arn);
  if (Status st = store_.AttachPolicy(kind, input.GetString(EntityMember(kind)), arn, local,
                                      kAttachedPoliciesQuota, EpochMillis(context.clock.Now()));
      !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::DetachPolicy(EntityKind kind, const Value& input) {
  std::string_view arn = input.GetString("PolicyArn");
  if (auto parts = ParsePolicyArn(arn); !parts) return std::move(parts).error();
  if (Status st = store_.DetachPolicy(kind, input.GetString(EntityMember(kind)), arn); !st) {
    return std::move(st).error();
  }
  return Value::MakeStructure();
}

Result<Value> IamService::ListAttachedPolicies(EntityKind kind, const Value& input) {
  auto arns = store_.ListAttachedPolicies(kind, input.GetString(EntityMember(kind)));
  if (!arns) return std::move(arns).error();
  std::string path_prefix = PathOr(input, "PathPrefix");
  std::vector<std::string> kept;
  for (std::string& arn : *arns) {
    auto parts = ParsePolicyArn(arn);
    if (parts && parts->path.starts_with(path_prefix)) kept.push_back(std::move(arn));
  }
  auto page = Paginate(input, kept.size());
  if (!page) return std::move(page).error();
  Value list = Value::MakeList();
  for (std::size_t i = page->begin; i < page->end; ++i) {
    Value item = Value::MakeStructure();
    item.Set("PolicyName", NameFromArn(kept[i]));
    item.Set("PolicyArn", kept[i]);
    list.Push(std::move(item));
  }
  Value output = Value::MakeStructure();
  output.Set("AttachedPolicies", std::move(list));
  SetPageMembers(output, *page);
  return output;
}

Result<Value> IamService::ListEntitiesForPolicy(RequestContext& /*context*/, const Value& input) {
  std::string_view arn = input.GetString("PolicyArn");
  auto parts = ParsePolicyArn(arn);
  if (!parts) return std::move(parts).error();
  if (parts->account == "aws") {
    if (!catalog_.Find(arn)) return PolicyNotFound(arn);
  } else if (auto policy = store_.GetPolicy(arn); !policy) {
    return std::move(policy).error();
  }
  auto entities = store_.ListEntitiesForPolicy(arn);
  if (!entities) return std::move(entities).error();
  std::optional<std::string> filter = OptionalString(input, "EntityFilter");
  std::vector<PolicyEntity> kept;
  for (PolicyEntity& entity : *entities) {
    bool keep = !filter || (*filter == "User" && entity.kind == EntityKind::kUser) ||
                (*filter == "Group" && entity.kind == EntityKind::kGroup) ||
                (*filter == "Role" && entity.kind == EntityKind::kRole);
    if (keep) kept.push_back(std::move(entity));
  }
  auto page = Paginate(input, kept.size());
  if (!page) return std::move(page).error();
  Value groups = Value::MakeList(), users = Value::MakeList(), roles = Value::MakeList();
  for (std::size_t i = page->begin; i < page->end; ++i) {
    const PolicyEntity& entity = kept[i];
    Value item = Value::MakeStructure();
    switch (entity.kind) {
      case EntityKind::kGroup:
        item.Set("GroupName", entity.name);
        item.Set("GroupId", entity.id);
        groups.Push(std::move(item));
        break;
      case EntityKind::kUser:
        item.Set("UserName", entity.name);
        item.Set("UserId", entity.id);
        users.Push(std::move(item));
        break;
      case EntityKind::kRole:
        item.Set("RoleName", entity.name);
        item.Set("RoleId", entity.id);
        roles.Push(std::move(item));
        break;
    }
  }
  Value output = Value::MakeStructure();
  output.Set("PolicyGroups", std::move(groups));
  output.Set("PolicyUsers", std::move(users));
  output.Set("PolicyRoles", std::move(roles));
  SetPageMembers(output, *page);
  return output;
}

}  // namespace tw::services::iam
