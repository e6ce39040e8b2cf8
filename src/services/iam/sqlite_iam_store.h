// SPDX-License-Identifier: Apache-2.0
// SqliteIamStore: IamStore over the trailwatch SQLite store (tables of migration 0002_iam.sql, and
// access_keys of 0001 for user keys), for one account. Every method is one Database::Read or
// Write, so its checks and changes see one snapshot. The SQL is split over two files:
// sqlite_iam_store.cc (users, groups, roles, access keys, account) and
// sqlite_iam_store_policies.cc (managed and inline policies, attachments, tags) and
// sqlite_iam_store_credentials.cc (login profiles, password policy, MFA devices, STS sessions,
// credential report; tables of 0005_iam_credentials.sql).
//
// Thread-safe (Database is).
#pragma once

#include <string>

#include "services/iam/iam_store.h"
#include "store/database.h"

namespace tw::services::iam {

class SqliteIamStore final : public IamStore {
 public:
  SqliteIamStore(store::Database& db, std::string account_id)
      : db_(db), account_id_(std::move(account_id)) {}

  Status CreateUser(const UserRecord& user, const std::vector<Tag>& tags) override;
  Result<UserRecord> GetUser(std::string_view name) override;
  Result<std::vector<UserRecord>> ListUsers(std::string_view path_prefix) override;
  Status UpdateUser(std::string_view name, const std::optional<std::string>& new_name,
                    const std::optional<std::string>& new_path) override;
  Status DeleteUser(std::string_view name) override;
  Status PutUserPermissionsBoundary(std::string_view name,
                                    const std::optional<std::string>& policy_arn) override;

  Status CreateGroup(const GroupRecord& group) override;
  Result<GroupRecord> GetGroup(std::string_view name) override;
  Result<std::vector<GroupRecord>> ListGroups(std::string_view path_prefix) override;
  Result<std::vector<GroupRecord>> ListGroupsForUser(std::string_view user_name) override;
  Result<std::vector<UserRecord>> ListGroupMembers(std::string_view group_name) override;
  Status AddUserToGroup(std::string_view group_name, std::string_view user_name,
                        std::int64_t now) override;
  Status RemoveUserFromGroup(std::string_view group_name, std::string_view user_name) override;
  Status UpdateGroup(std::string_view name, const std::optional<std::string>& new_name,
                     const std::optional<std::string>& new_path) override;
  Status DeleteGroup(std::string_view name) override;

  Status CreateRole(const RoleRecord& role, const std::vector<Tag>& tags) override;
  Result<RoleRecord> GetRole(std::string_view name) override;
  Result<std::vector<RoleRecord>> ListRoles(std::string_view path_prefix) override;
  Status UpdateRole(std::string_view name, const std::optional<std::string>& description,
                    const std::optional<std::int64_t>& max_session_duration) override;
  Status UpdateAssumeRolePolicy(std::string_view name, std::string_view document) override;
  Status DeleteRole(std::string_view name) override;

  Status TagEntity(TagTarget target, std::string_view name, const std::vector<Tag>& tags,
                   std::size_t max_tags) override;
  Status UntagEntity(TagTarget target, std::string_view name,
                     const std::vector<std::string>& keys) override;
  Result<std::vector<Tag>> ListTags(TagTarget target, std::string_view name) override;

  Status CreatePolicy(const PolicyRecord& policy, std::string_view document,
                      const std::vector<Tag>& tags) override;
  Result<PolicyRecord> GetPolicy(std::string_view arn) override;
  Result<std::vector<PolicyRecord>> ListPolicies() override;
  Status DeletePolicy(std::string_view arn) override;
  Result<PolicyVersionRecord> CreatePolicyVersion(std::string_view arn, std::string_view document,
                                                  bool set_as_default, std::int64_t now,
                                                  std::size_t max_versions) override;
  Result<PolicyVersionRecord> GetPolicyVersion(std::string_view arn,
                                               std::string_view version_id) override;
  Result<std::vector<PolicyVersionRecord>> ListPolicyVersions(std::string_view arn) override;
  Status SetDefaultPolicyVersion(std::string_view arn, std::string_view version_id,
                                 std::int64_t now) override;
  Status DeletePolicyVersion(std::string_view arn, std::string_view version_id) override;
  Result<std::map<std::string, PolicyUsage>> PolicyUsageByArn() override;

  Status AttachPolicy(EntityKind kind, std::string_view entity, std::string_view arn,
                      bool policy_is_local, std::size_t max_attached, std::int64_t now) override;
  Status DetachPolicy(EntityKind kind, std::string_view entity, std::string_view arn) override;
  Result<std::vector<std::string>> ListAttachedPolicies(EntityKind kind,
                                                        std::string_view entity) override;
  Result<std::vector<PolicyEntity>> ListEntitiesForPolicy(std::string_view arn) override;

  Status PutInlinePolicy(EntityKind kind, std::string_view entity, std::string_view policy_name,
                         std::string_view document, std::size_t max_total_size) override;
  Result<InlinePolicy> GetInlinePolicy(EntityKind kind, std::string_view entity,
                                       std::string_view policy_name) override;
  Result<std::vector<std::string>> ListInlinePolicies(EntityKind kind,
                                                      std::string_view entity) override;
  Status DeleteInlinePolicy(EntityKind kind, std::string_view entity,
                            std::string_view policy_name) override;

  Status CreateAccessKey(const store::AccessKeyRecord& key, std::size_t max_keys) override;
  Result<std::vector<store::AccessKeyRecord>> ListAccessKeys(std::string_view user_name) override;
  Status UpdateAccessKey(std::string_view user_name, std::string_view access_key_id,
                         store::KeyStatus status) override;
  Status DeleteAccessKey(std::string_view user_name, std::string_view access_key_id) override;

  Result<AccountCounts> CountEntities() override;
  Result<std::optional<std::string>> GetAccountAlias() override;
  Status SetAccountAlias(std::string_view alias) override;
  Status DeleteAccountAlias(std::string_view alias) override;
  Result<AuthorizationSnapshot> Snapshot() override;

  Status CreateLoginProfile(std::string_view user_name, const LoginProfileRecord& profile) override;
  Result<LoginProfileRecord> GetLoginProfile(std::string_view user_name) override;
  Status SetPassword(std::string_view user_name, const std::optional<std::string>& hash,
                     const std::optional<bool>& reset_required, std::int64_t now,
                     std::size_t history_limit) override;
  Status DeleteLoginProfile(std::string_view user_name) override;
  Status RecordPasswordUse(std::string_view user_name, std::int64_t now) override;
  Result<std::vector<std::string>> PasswordHistory(std::string_view user_name) override;
  Result<std::optional<PasswordPolicyRecord>> GetPasswordPolicy() override;
  Status PutPasswordPolicy(const PasswordPolicyRecord& policy) override;
  Status DeletePasswordPolicy() override;
  Status CreateMfaDevice(const MfaDeviceRecord& device) override;
  Result<MfaDeviceRecord> GetMfaDevice(std::string_view serial_number) override;
  Status EnableMfaDevice(std::string_view user_name, std::string_view serial_number,
                         std::int64_t counter, std::int64_t now) override;
  Status DeactivateMfaDevice(std::string_view user_name, std::string_view serial_number) override;
  Status DeleteMfaDevice(std::string_view serial_number) override;
  Result<bool> AdvanceMfaCounter(std::string_view serial_number, std::int64_t counter) override;
  Result<std::vector<MfaDeviceRecord>> ListMfaDevices(std::string_view user_name) override;
  Status InsertSession(const SessionRecord& session, std::int64_t now) override;
  Result<std::vector<CredentialReportUser>> CredentialReportUsers() override;
  Result<std::optional<CredentialReportRecord>> GetCredentialReport() override;
  Status PutCredentialReport(const CredentialReportRecord& report) override;

 private:
  store::Database& db_;
  const std::string account_id_;
};

// Shared by the two implementation files; not part of the interface.
namespace internal {

// `text` with {T} (table), {N} (name column), {F} (foreign-key column in child tables) and {I}
// (unique-id column) replaced for `kind`.
std::string KindSql(std::string_view text, EntityKind kind);
// The row id of the named entity, or NoSuchEntity.
Result<std::int64_t> RequireEntity(store::Connection& c, std::string_view account_id,
                                   EntityKind kind, std::string_view name);
// The entity's name as stored (its original case).
Result<std::string> StoredName(store::Connection& c, EntityKind kind, std::int64_t pk);
// Documents are measured as IAM measures them: characters other than whitespace.
std::size_t PolicySize(std::string_view document);
Result<std::vector<Tag>> LoadTags(store::Connection& c, std::string_view fk_column,
                                  std::int64_t pk);
// Adds or replaces (by key, ignoring case) tags of the entity whose row id is `pk`.
Status UpsertTags(store::Connection& c, std::string_view fk_column, std::int64_t pk,
                  const std::vector<Tag>& tags);
Result<std::vector<InlinePolicy>> LoadInline(store::Connection& c, EntityKind kind,
                                             std::int64_t pk);
Result<std::vector<std::string>> LoadAttached(store::Connection& c, EntityKind kind,
                                              std::int64_t pk);
Result<std::vector<PolicyRecord>> LoadPolicies(store::Connection& c, std::string_view account_id);
Result<std::vector<PolicyVersionRecord>> LoadVersions(store::Connection& c, std::int64_t policy_pk);
Result<std::map<std::string, PolicyUsage>> LoadUsage(store::Connection& c,
                                                     std::string_view account_id);

}  // namespace internal

}  // namespace tw::services::iam
