// SPDX-License-Identifier: Apache-2.0
// The IAM service, first part: users, groups, managed and inline policies, attachments, access
// keys, roles and the account (summary, alias, authorization details). Handlers take and return
// Values named by the IAM model's members; the dispatcher has validated the input against the
// model (names, paths, lengths, enums) before a handler runs, so handlers check what the model
// cannot: existence, uniqueness, quotas, policy grammar and sizes. State lives behind IamStore;
// time comes from RequestContext::clock and ids and secrets from RequestContext::random.
// Operations are grouped by resource in users.cc, groups.cc, policies.cc, attachments.cc,
// inline_policies.cc, access_keys.cc, roles.cc, account.cc, login_profiles.cc, password_policy.cc,
// mfa.cc and credential_report.cc.
//
// Thread-safe: handlers keep no state of their own; the store is thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "services/iam/iam_store.h"
#include "services/iam/managed_policies.h"
#include "services/iam/support.h"
#include "services/service.h"
#include "store/accounts_repository.h"

namespace tw::services::iam {

class IamService {
 public:
  IamService(IamStore& store, store::AccountsRepository& accounts, std::string account_id)
      : store_(store),
        accounts_(accounts),
        account_id_(std::move(account_id)),
        catalog_(ManagedPolicyCatalog::Embedded()) {}

  void Register(OperationTable& table);
  // Bumped after every call that may change what a principal's policies allow (all but Get*,
  // List*, Simulate*): the authorizer's policy cache is valid while it is unchanged.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Users (users.cc).
  Result<Value> CreateUser(RequestContext& context, const Value& input);
  Result<Value> GetUser(RequestContext& context, const Value& input);
  Result<Value> ListUsers(RequestContext& context, const Value& input);
  Result<Value> UpdateUser(RequestContext& context, const Value& input);
  Result<Value> DeleteUser(RequestContext& context, const Value& input);
  Result<Value> PutUserPermissionsBoundary(RequestContext& context, const Value& input);
  Result<Value> DeleteUserPermissionsBoundary(RequestContext& context, const Value& input);
  // Tag/Untag/List tags of users, roles and policies (users.cc).
  Result<Value> TagResource(TagTarget target, const Value& input);
  Result<Value> UntagResource(TagTarget target, const Value& input);
  Result<Value> ListResourceTags(TagTarget target, const Value& input);

  // Groups (groups.cc).
  Result<Value> CreateGroup(RequestContext& context, const Value& input);
  Result<Value> GetGroup(RequestContext& context, const Value& input);
  Result<Value> ListGroups(RequestContext& context, const Value& input);
  Result<Value> ListGroupsForUser(RequestContext& context, const Value& input);
  Result<Value> AddUserToGroup(RequestContext& context, const Value& input);
  Result<Value> RemoveUserFromGroup(RequestContext& context, const Value& input);
  Result<Value> UpdateGroup(RequestContext& context, const Value& input);
  Result<Value> DeleteGroup(RequestContext& context, const Value& input);

  // Managed policies and versions (policies.cc).
  Result<Value> CreatePolicy(RequestContext& context, const Value& input);
  Result<Value> GetPolicy(RequestContext& context, const Value& input);
  Result<Value> ListPolicies(RequestContext& context, const Value& input);
  Result<Value> DeletePolicy(RequestContext& context, const Value& input);
  Result<Value> CreatePolicyVersion(RequestContext& context, const Value& input);
  Result<Value> GetPolicyVersion(RequestContext& context, const Value& input);
  Result<Value> ListPolicyVersions(RequestContext& context, const Value& input);
  Result<Value> SetDefaultPolicyVersion(RequestContext& context, const Value& input);
  Result<Value> DeletePolicyVersion(RequestContext& context, const Value& input);

  // Attachments (attachments.cc).
  Result<Value> AttachPolicy(EntityKind kind, RequestContext& context, const Value& input);
  Result<Value> DetachPolicy(EntityKind kind, const Value& input);
  Result<Value> ListAttachedPolicies(EntityKind kind, const Value& input);
  Result<Value> ListEntitiesForPolicy(RequestContext& context, const Value& input);

  // Inline policies (inline_policies.cc).
  Result<Value> PutInlinePolicy(EntityKind kind, const Value& input);
  Result<Value> GetInlinePolicy(EntityKind kind, const Value& input);
  Result<Value> ListInlinePolicies(EntityKind kind, const Value& input);
  Result<Value> DeleteInlinePolicy(EntityKind kind, const Value& input);

  // Access keys (access_keys.cc).
  Result<Value> CreateAccessKey(RequestContext& context, const Value& input);
  Result<Value> ListAccessKeys(RequestContext& context, const Value& input);
  Result<Value> UpdateAccessKey(RequestContext& context, const Value& input);
  Result<Value> DeleteAccessKey(RequestContext& context, const Value& input);
  Result<Value> GetAccessKeyLastUsed(RequestContext& context, const Value& input);

  // Roles (roles.cc).
  Result<Value> CreateRole(RequestContext& context, const Value& input);
  Result<Value> GetRole(RequestContext& context, const Value& input);
  Result<Value> ListRoles(RequestContext& context, const Value& input);
  Result<Value> UpdateRole(RequestContext& context, const Value& input);
  Result<Value> UpdateRoleDescription(RequestContext& context, const Value& input);
  Result<Value> UpdateAssumeRolePolicy(RequestContext& context, const Value& input);
  Result<Value> DeleteRole(RequestContext& context, const Value& input);

  // Account (account.cc).
  Result<Value> GetAccountSummary(RequestContext& context, const Value& input);
  Result<Value> CreateAccountAlias(RequestContext& context, const Value& input);
  Result<Value> DeleteAccountAlias(RequestContext& context, const Value& input);
  Result<Value> ListAccountAliases(RequestContext& context, const Value& input);
  Result<Value> GetAccountAuthorizationDetails(RequestContext& context, const Value& input);

  // Console passwords (login_profiles.cc) and the account password policy (password_policy.cc).
  Result<Value> CreateLoginProfile(RequestContext& context, const Value& input);
  Result<Value> GetLoginProfile(RequestContext& context, const Value& input);
  Result<Value> UpdateLoginProfile(RequestContext& context, const Value& input);
  Result<Value> DeleteLoginProfile(RequestContext& context, const Value& input);
  Result<Value> ChangePassword(RequestContext& context, const Value& input);
  Result<Value> UpdateAccountPasswordPolicy(RequestContext& context, const Value& input);
  Result<Value> GetAccountPasswordPolicy(RequestContext& context, const Value& input);
  Result<Value> DeleteAccountPasswordPolicy(RequestContext& context, const Value& input);
  // Whether `password` is the console password of IAM user `user_name` (constant-time check);
  // false for a user without a login profile. Records the use when it matches. For the console.
  bool VerifyConsolePassword(std::string_view user_name, std::string_view password,
                             std::int64_t now_millis);

  // Virtual MFA devices (mfa.cc).
  Result<Value> CreateVirtualMFADevice(RequestContext& context, const Value& input);
  Result<Value> EnableMFADevice(RequestContext& context, const Value& input);
  Result<Value> ResyncMFADevice(RequestContext& context, const Value& input);
  Result<Value> DeactivateMFADevice(RequestContext& context, const Value& input);
  Result<Value> DeleteVirtualMFADevice(RequestContext& context, const Value& input);
  Result<Value> ListMFADevices(RequestContext& context, const Value& input);
  Result<Value> ListVirtualMFADevices(RequestContext& context, const Value& input);

  // Credential report (credential_report.cc).
  Result<Value> GenerateCredentialReport(RequestContext& context, const Value& input);
  Result<Value> GetCredentialReport(RequestContext& context, const Value& input);

 private:
  // The user an access-key or GetUser call is about: UserName, or else the calling IAM user;
  // empty for the root user calling without UserName.
  std::string SubjectUserName(const RequestContext& context, const Value& input) const;
  // Checks a managed-policy ARN names a policy that exists (AWS managed or this account's) and
  // returns whether it is a customer managed one. NoSuchEntity `missing` otherwise.
  Result<bool> ResolveManagedPolicy(std::string_view arn, bool for_boundary);
  // The ARN of an AWS managed policy, for operations that cannot change those: AccessDenied.
  AwsError AwsPolicyIsReadOnly(const RequestContext& context, std::string_view action,
                               std::string_view arn) const;

  // PasswordPolicyViolation when `password` breaks the account password policy (or, without one,
  // IAM's default policy) or repeats one of the user's last PasswordReusePrevention passwords.
  Status CheckNewPassword(std::string_view user_name, std::string_view password);
  // Registers the operations of login_profiles.cc, password_policy.cc, mfa.cc and
  // credential_report.cc.
  void RegisterCredentials(OperationTable& table);
  // The policy simulator operations (simulate.cc).
  void RegisterSimulation(OperationTable& table);

  IamStore& store_;
  store::AccountsRepository& accounts_;
  const std::string account_id_;
  const ManagedPolicyCatalog& catalog_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace tw::services::iam
