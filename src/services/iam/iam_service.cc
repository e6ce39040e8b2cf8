// SPDX-License-Identifier: Apache-2.0
// Operation registration and the helpers several resource files share.
#include "services/iam/iam_service.h"

#include "services/iam/errors.h"

namespace tw::services::iam {
namespace {

// Reads cannot change what a principal's policies allow; every other call bumps generation().
bool MayChangePolicies(std::string_view operation) {
  return !operation.starts_with("Get") && !operation.starts_with("List") &&
         !operation.starts_with("Simulate");
}

}  // namespace

void IamService::Register(OperationTable& table) {
  RegisterSimulation(table);
  using Member = Result<Value> (IamService::*)(RequestContext&, const Value&);
  auto add = [&](const char* operation, Member member) {
    table.Add("iam", operation,
              [this, member, bump = MayChangePolicies(operation)](RequestContext& context,
                                                                  const Value& input) {
                auto result = (this->*member)(context, input);
                if (bump) generation_.fetch_add(1, std::memory_order_acq_rel);
                return result;
              });
  };
  // Operations over users, groups or roles alike, with the kind bound.
  using KindMember = Result<Value> (IamService::*)(EntityKind, const Value&);
  auto add_kind = [&](const char* operation, EntityKind kind, KindMember member) {
    table.Add("iam", operation,
              [this, kind, member, bump = MayChangePolicies(operation)](RequestContext&,
                                                                        const Value& input) {
                auto result = (this->*member)(kind, input);
                if (bump) generation_.fetch_add(1, std::memory_order_acq_rel);
                return result;
              });
  };
  using TagMember = Result<Value> (IamService::*)(TagTarget, const Value&);
  auto add_tag = [&](const char* operation, TagTarget target, TagMember member) {
    table.Add("iam", operation,
              [this, target, member, bump = MayChangePolicies(operation)](RequestContext&,
                                                                          const Value& input) {
                auto result = (this->*member)(target, input);
                if (bump) generation_.fetch_add(1, std::memory_order_acq_rel);
                return result;
              });
  };

  add("CreateUser", &IamService::CreateUser);
  add("GetUser", &IamService::GetUser);
  add("ListUsers", &IamService::ListUsers);
  add("UpdateUser", &IamService::UpdateUser);
  add("DeleteUser", &IamService::DeleteUser);
  add("PutUserPermissionsBoundary", &IamService::PutUserPermissionsBoundary);
  add("DeleteUserPermissionsBoundary", &IamService::DeleteUserPermissionsBoundary);

  add("CreateGroup", &IamService::CreateGroup);
  add("GetGroup", &IamService::GetGroup);
  add("ListGroups", &IamService::ListGroups);
  add("ListGroupsForUser", &IamService::ListGroupsForUser);
  add("AddUserToGroup", &IamService::AddUserToGroup);
  add("RemoveUserFromGroup", &IamService::RemoveUserFromGroup);
  add("UpdateGroup", &IamService::UpdateGroup);
  add("DeleteGroup", &IamService::DeleteGroup);

  add("CreatePolicy", &IamService::CreatePolicy);
  add("GetPolicy", &IamService::GetPolicy);
  add("ListPolicies", &IamService::ListPolicies);
  add("DeletePolicy", &IamService::DeletePolicy);
  add("CreatePolicyVersion", &IamService::CreatePolicyVersion);
  add("GetPolicyVersion", &IamService::GetPolicyVersion);
  add("ListPolicyVersions", &IamService::ListPolicyVersions);
  add("SetDefaultPolicyVersion", &IamService::SetDefaultPolicyVersion);
  add("DeletePolicyVersion", &IamService::DeletePolicyVersion);
  add("ListEntitiesForPolicy", &IamService::ListEntitiesForPolicy);

  const struct {
    EntityKind kind;
    const char* noun;
  } kinds[] = {
      {EntityKind::kUser, "User"}, {EntityKind::kGroup, "Group"}, {EntityKind::kRole, "Role"}};
  for (const auto& [kind, noun] : kinds) {
    std::string n(noun);
    table.Add("iam", "Attach" + n + "Policy",
              [this, kind = kind](RequestContext& context, const Value& input) {
                auto result = AttachPolicy(kind, context, input);
                generation_.fetch_add(1, std::memory_order_acq_rel);
                return result;
              });
    add_kind(("Detach" + n + "Policy").c_str(), kind, &IamService::DetachPolicy);
    add_kind(("ListAttached" + n + "Policies").c_str(), kind, &IamService::ListAttachedPolicies);
    add_kind(("Put" + n + "Policy").c_str(), kind, &IamService::PutInlinePolicy);
    add_kind(("Get" + n + "Policy").c_str(), kind, &IamService::GetInlinePolicy);
    add_kind(("List" + n + "Policies").c_str(), kind, &IamService::ListInlinePolicies);
    add_kind(("Delete" + n + "Policy").c_str(), kind, &IamService::DeleteInlinePolicy);
  }

  const struct {
    TagTarget target;
    const char* noun;
  } targets[] = {
      {TagTarget::kUser, "User"}, {TagTarget::kRole, "Role"}, {TagTarget::kPolicy, "Policy"}};
  for (const auto& [target, noun] : targets) {
    std::string n(noun);
    add_tag(("Tag" + n).c_str(), target, &IamService::TagResource);
    add_tag(("Untag" + n).c_str(), target, &IamService::UntagResource);
    add_tag(("List" + n + "Tags").c_str(), target, &IamService::ListResourceTags);
  }

  add("CreateAccessKey", &IamService::CreateAccessKey);
  add("ListAccessKeys", &IamService::ListAccessKeys);
  add("UpdateAccessKey", &IamService::UpdateAccessKey);
  add("DeleteAccessKey", &IamService::DeleteAccessKey);
  add("GetAccessKeyLastUsed", &IamService::GetAccessKeyLastUsed);

  add("CreateRole", &IamService::CreateRole);
  add("GetRole", &IamService::GetRole);
  add("ListRoles", &IamService::ListRoles);
  add("UpdateRole", &IamService::UpdateRole);
  add("UpdateRoleDescription", &IamService::UpdateRoleDescription);
  add("UpdateAssumeRolePolicy", &IamService::UpdateAssumeRolePolicy);
  add("DeleteRole", &IamService::DeleteRole);

  add("GetAccountSummary", &IamService::GetAccountSummary);
  add("CreateAccountAlias", &IamService::CreateAccountAlias);
  add("DeleteAccountAlias", &IamService::DeleteAccountAlias);
  add("ListAccountAliases", &IamService::ListAccountAliases);
  add("GetAccountAuthorizationDetails", &IamService::GetAccountAuthorizationDetails);
  RegisterCredentials(table);
}

std::string IamService::SubjectUserName(const RequestContext& context, const Value& input) const {
  if (auto name = OptionalString(input, "UserName")) return *name;
  // Without UserName IAM acts on the caller: an IAM user's own name, or the root user.
  if (context.principal.type == auth::PrincipalType::kIamUser) return context.principal.user_name;
  return std::string();
}

Result<bool> IamService::ResolveManagedPolicy(std::string_view arn, bool for_boundary) {
  auto parts = ParsePolicyArn(arn);
  if (!parts) return std::move(parts).error();
  auto missing = [&] {
    // A boundary that does not exist is reported against its "scope", as IAM words it.
    return for_boundary ? NoSuchEntity("Scope ARN: " + std::string(arn) +
                                       " does not exist or is not attachable.")
                        : PolicyNotAttachable(arn);
  };
  if (parts->account == "aws") {
    if (!catalog_.Find(arn)) return missing();
    return false;
  }
  if (parts->account != account_id_) return missing();
  auto policy = store_.GetPolicy(arn);
  if (!policy) {
    if (policy.error().code == "NoSuchEntity") return missing();
    return std::move(policy).error();
  }
  return true;
}

AwsError IamService::AwsPolicyIsReadOnly(const RequestContext& context, std::string_view action,
                                         std::string_view arn) const {
  // AWS managed policies belong to AWS's account; no caller may change them.
  return AwsError::Make("AccessDenied", 403,
                        "User: " + context.principal.arn + " is not authorized to perform: iam:" +
                            std::string(action) + " on resource: policy " + std::string(arn));
}

}  // namespace tw::services::iam
