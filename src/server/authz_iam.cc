// SPDX-License-Identifier: Apache-2.0
// IAM's table (Service Authorization Reference, "Actions defined by AWS Identity and Access
// Management"). The action is iam:<Operation>. The resource is the entity the call is about, by
// the first input member present: GroupName (AddUserToGroup's resource is the group), RoleName,
// UserName, PolicyArn; its path is looked up (a request resource carries the entity's real
// path), the input Path for the Create* calls, "/" for an entity that does not exist. Calls on
// "the caller" (GetUser, ListAccessKeys... without UserName) are about the calling user.
// Listings by path (ListUsers, ListGroups, ListRoles) use the path-prefix ARN, e.g.
// arn:aws:iam::<acct>:user/, as AWS's AccessDenied messages show; account-level calls use "*".
#include "server/authz_table.h"

namespace tw::server {
namespace {

using Kind = AuthzLookup::Kind;

std::string Arn(const AuthzInput& in, std::string_view type, std::string_view path,
                std::string_view name) {
  return "arn:aws:iam::" + std::string(in.account_id) + ":" + std::string(type) +
         std::string(path.empty() ? "/" : path) + std::string(name);
}

// The ARN of an existing (or, failing that, root-path) entity, and its tags as ResourceTag keys.
std::string EntityArn(const AuthzInput& in, Kind kind, std::string_view type,
                      const std::string& name, AuthzCheck& check) {
  std::string path = "/";
  if (in.lookup) {
    if (auto entity = in.lookup->FindIamEntity(kind, name)) {
      path = entity->path;
      for (const auto& [key, value] : entity->tags) {
        check.context.Set("aws:ResourceTag/" + key, value);
      }
    }
  }
  return Arn(in, type, path, name);
}

bool ActsOnCaller(std::string_view operation) {
  for (std::string_view op :
       {"GetUser", "ListAccessKeys", "CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey",
        "ListSigningCertificates", "ListSSHPublicKeys", "ListMFADevices", "ListUserTags",
        "ChangePassword", "GetLoginProfile", "ListServiceSpecificCredentials"}) {
    if (op == operation) return true;
  }
  return false;
}

std::vector<AuthzCheck> DescribeIam(std::string_view operation, const AuthzInput& in) {
  AuthzCheck check;
  check.action = "iam:" + std::string(operation);
  const protocol::Value& input = in.input;
  std::string path = InputString(input, "Path");
  std::string group = InputString(input, "GroupName");
  std::string role = InputString(input, "RoleName");
  std::string user = InputString(input, "UserName");
  std::string policy_arn = InputString(input, "PolicyArn");
  std::string boundary = InputString(input, "PermissionsBoundary");

  if (operation == "CreateUser") {
    check.resource = Arn(in, "user", path, user);
  } else if (operation == "CreateGroup") {
    check.resource = Arn(in, "group", path, group);
  } else if (operation == "CreateRole") {
    check.resource = Arn(in, "role", path, role);
  } else if (operation == "CreatePolicy") {
    check.resource = Arn(in, "policy", path, InputString(input, "PolicyName"));
  } else if (operation == "ListUsers" || operation == "ListGroups" || operation == "ListRoles") {
    std::string prefix = InputString(input, "PathPrefix");
    std::string type = operation == "ListUsers"    ? "user"
                       : operation == "ListGroups" ? "group"
                                                   : "role";
    check.resource = Arn(in, type, prefix, "");
  } else if (operation == "SimulatePrincipalPolicy" ||
             operation == "GetContextKeysForPrincipalPolicy") {
    check.resource = InputString(input, "PolicySourceArn");
  } else if (!group.empty()) {
    check.resource = EntityArn(in, Kind::kGroup, "group", group, check);
  } else if (!role.empty()) {
    check.resource = EntityArn(in, Kind::kRole, "role", role, check);
  } else if (!user.empty()) {
    check.resource = EntityArn(in, Kind::kUser, "user", user, check);
  } else if (!policy_arn.empty()) {
    check.resource = policy_arn;
  } else if (std::string serial = InputString(input, "SerialNumber"); serial.starts_with("arn:")) {
    check.resource = serial;
  } else if (operation == "CreateVirtualMFADevice") {
    check.resource = Arn(in, "mfa", path, InputString(input, "VirtualMFADeviceName"));
  } else if (ActsOnCaller(operation) && in.principal.type == auth::PrincipalType::kIamUser) {
    check.resource = in.principal.arn;
  } else {
    check.resource = "*";
  }

  // Condition keys IAM documents for these actions.
  if (!policy_arn.empty() && (operation.starts_with("Attach") || operation.starts_with("Detach"))) {
    check.context.Set("iam:PolicyARN", policy_arn);
  }
  if (!boundary.empty()) check.context.Set("iam:PermissionsBoundary", boundary);
  if (input.is_object()) {
    AddRequestTags(input.Find("Tags"), check.context);
    if (operation.starts_with("Untag")) AddTagKeys(input.Find("TagKeys"), check.context);
  }
  return {std::move(check)};
}

}  // namespace

const ServiceAuthz& IamAuthz() {
  static const ServiceAuthz kTable{
      "iam",
      {
          // Users, groups, roles.
          "CreateUser",
          "GetUser",
          "ListUsers",
          "UpdateUser",
          "DeleteUser",
          "PutUserPermissionsBoundary",
          "DeleteUserPermissionsBoundary",
          "CreateGroup",
          "GetGroup",
          "ListGroups",
          "ListGroupsForUser",
          "AddUserToGroup",
          "RemoveUserFromGroup",
          "UpdateGroup",
          "DeleteGroup",
          "CreateRole",
          "GetRole",
          "ListRoles",
          "UpdateRole",
          "UpdateRoleDescription",
          "UpdateAssumeRolePolicy",
          "DeleteRole",
          "PutRolePermissionsBoundary",
          "DeleteRolePermissionsBoundary",
          // Managed policies.
          "CreatePolicy",
          "GetPolicy",
          "ListPolicies",
          "DeletePolicy",
          "CreatePolicyVersion",
          "GetPolicyVersion",
          "ListPolicyVersions",
          "SetDefaultPolicyVersion",
          "DeletePolicyVersion",
          "ListEntitiesForPolicy",
          // Attachments and inline policies.
          "AttachUserPolicy",
          "AttachGroupPolicy",
          "AttachRolePolicy",
          "DetachUserPolicy",
          "DetachGroupPolicy",
          "DetachRolePolicy",
          "ListAttachedUserPolicies",
          "ListAttachedGroupPolicies",
          "ListAttachedRolePolicies",
          "PutUserPolicy",
          "PutGroupPolicy",
          "PutRolePolicy",
          "GetUserPolicy",
          "GetGroupPolicy",
          "GetRolePolicy",
          "ListUserPolicies",
          "ListGroupPolicies",
          "ListRolePolicies",
          "DeleteUserPolicy",
          "DeleteGroupPolicy",
          "DeleteRolePolicy",
          // Tags.
          "TagUser",
          "UntagUser",
          "ListUserTags",
          "TagRole",
          "UntagRole",
          "ListRoleTags",
          "TagPolicy",
          "UntagPolicy",
          "ListPolicyTags",
          // Access keys, account.
          "CreateAccessKey",
          "ListAccessKeys",
          "UpdateAccessKey",
          "DeleteAccessKey",
          "GetAccessKeyLastUsed",
          "GetAccountSummary",
          "CreateAccountAlias",
          "DeleteAccountAlias",
          "ListAccountAliases",
          "GetAccountAuthorizationDetails",
          // Login profiles, passwords, MFA (the credentials part of IAM).
          "CreateLoginProfile",
          "GetLoginProfile",
          "UpdateLoginProfile",
          "DeleteLoginProfile",
          "ChangePassword",
          "GetAccountPasswordPolicy",
          "UpdateAccountPasswordPolicy",
          "DeleteAccountPasswordPolicy",
          "CreateVirtualMFADevice",
          "DeleteVirtualMFADevice",
          "EnableMFADevice",
          "DeactivateMFADevice",
          "ResyncMFADevice",
          "ListMFADevices",
          "ListVirtualMFADevices",
          "GetMFADevice",
          "TagMFADevice",
          "UntagMFADevice",
          "ListMFADeviceTags",
          "GenerateCredentialReport",
          "GetCredentialReport",
          // The policy simulator.
          "SimulatePrincipalPolicy",
          "SimulateCustomPolicy",
          "GetContextKeysForPrincipalPolicy",
          "GetContextKeysForCustomPolicy",
      },
      false,
      &DescribeIam};
  return kTable;
}

}  // namespace tw::server
