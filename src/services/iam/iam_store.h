// SPDX-License-Identifier: Apache-2.0
// IamStore: the persistence interface of the IAM service for one account. Each call is one
// transaction and does the whole state change or none of it, including the checks that must see
// the same snapshot as the change (a DeleteUser that finds no access keys deletes a user that has
// none; CreatePolicyVersion counts versions and inserts in one transaction). Failures are the
// AwsErrors IAM returns (NoSuchEntity, EntityAlreadyExists, DeleteConflict, LimitExceeded, built
// with services/iam/errors.h), or a store failure (500). Records are plain structs; times are
// epoch milliseconds. The only implementation is SqliteIamStore; the interface keeps the handlers
// free of SQL.
//
// Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/accounts_repository.h"

namespace tw::services::iam {

enum class EntityKind { kUser, kGroup, kRole };
// "user", "group", "role": as IAM's messages name them ("The group with name X cannot be found.").
std::string_view EntityKindName(EntityKind kind);

// What can carry tags (among the resources this part of IAM implements).
enum class TagTarget { kUser, kRole, kPolicy };

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};

struct UserRecord {
  std::string name;
  std::string path;
  std::string id;  // AIDA...
  std::int64_t created_at = 0;
  std::optional<std::string> permissions_boundary;
  std::vector<Tag> tags;  // filled by GetUser only
};

struct GroupRecord {
  std::string name;
  std::string path;
  std::string id;  // AGPA...
  std::int64_t created_at = 0;
};

struct RoleRecord {
  std::string name;
  std::string path;
  std::string id;  // AROA...
  std::int64_t created_at = 0;
  std::string assume_role_policy;
  std::optional<std::string> description;
  std::int64_t max_session_duration = 3600;
  std::optional<std::string> permissions_boundary;
  std::vector<Tag> tags;  // filled by GetRole and ListRoles
};

// A customer managed policy.
struct PolicyRecord {
  std::string name;
  std::string path;
  std::string arn;
  std::string id;  // ANPA...
  std::optional<std::string> description;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::string default_version;
  std::int64_t attachment_count = 0;
  std::int64_t boundary_usage_count = 0;
  std::vector<Tag> tags;  // filled by GetPolicy only
};

struct PolicyVersionRecord {
  std::string version_id;  // "v1"
  std::string document;
  bool is_default = false;
  std::int64_t created_at = 0;
};

struct InlinePolicy {
  std::string name;
  std::string document;
};

// How many entities use a managed policy (AWS or customer), by ARN.
struct PolicyUsage {
  std::int64_t attachments = 0;
  std::int64_t boundaries = 0;
};

// One entity a managed policy is attached to (ListEntitiesForPolicy).
struct PolicyEntity {
  EntityKind kind = EntityKind::kUser;
  std::string name;
  std::string id;
};

struct AccountCounts {
  std::int64_t users = 0;
  std::int64_t groups = 0;
  std::int64_t roles = 0;
  std::int64_t policies = 0;     // customer managed
  std::int64_t attachments = 0;  // PolicyVersionsInUse: managed policy attachments
  std::int64_t server_certificates = 0;
};

// Everything GetAccountAuthorizationDetails reports about one entity.
struct EntityDetail {
  EntityKind kind = EntityKind::kUser;
  UserRecord user;    // kUser
  GroupRecord group;  // kGroup
  RoleRecord role;    // kRole
  std::vector<InlinePolicy> inline_policies;
  std::vector<std::string> attached_policy_arns;
  std::vector<std::string> group_names;  // users only
};

struct AuthorizationSnapshot {
  std::vector<EntityDetail> users, groups, roles;
  std::vector<PolicyRecord> policies;  // customer managed, with counts
  std::map<std::string, std::vector<PolicyVersionRecord>> versions;  // by policy ARN
  std::map<std::string, PolicyUsage> usage;                          // every used ARN
};

// A user's console password (login profile). The hash is a libsodium argon2id string.
struct LoginProfileRecord {
  std::string user_name;  // as stored
  std::string password_hash;
  bool password_reset_required = false;
  std::int64_t created_at = 0;
  std::int64_t password_changed_at = 0;
  std::optional<std::int64_t> password_last_used;
};

// The account password policy. Absent optionals: no expiry / no reuse prevention.
struct PasswordPolicyRecord {
  std::int64_t minimum_length = 6;
  bool require_symbols = false;
  bool require_numbers = false;
  bool require_uppercase = false;
  bool require_lowercase = false;
  bool allow_users_to_change = false;
  std::optional<std::int64_t> max_password_age;  // days
  std::optional<std::int64_t> password_reuse_prevention;
  bool hard_expiry = false;
};

// A virtual MFA device; `user_name` is empty while it is not assigned (enabled) to a user.
struct MfaDeviceRecord {
  std::string serial_number;  // arn:aws:iam::<account>:mfa<path><name>
  std::string name;
  std::string path;
  std::string seed;  // base32 TOTP secret
  std::int64_t created_at = 0;
  std::string user_name;
  std::optional<std::int64_t> enabled_at;
  std::int64_t last_counter = 0;  // newest TOTP step accepted
  UserRecord user;                // the assigned user (ListVirtualMFADevices), when assigned
};

// Temporary credentials issued by STS, with the principal they stand for.
struct SessionRecord {
  std::string access_key_id;  // ASIA...
  std::string secret_access_key;
  std::string session_token;
  std::string principal_type;  // "root", "user", "assumed-role", "federated-user"
  std::string arn;
  std::string user_id;
  std::string user_name;  // the role's name for role sessions
  std::optional<std::string> role_arn;
  bool mfa_authenticated = false;
  std::optional<std::int64_t> mfa_authenticated_at;  // millis: when the MFA code was checked
  std::optional<std::string> session_policy;
  std::vector<std::string> session_policy_arns;
  std::string source_access_key_id;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

// Everything the credential report says about one user.
struct CredentialReportUser {
  UserRecord user;
  std::optional<LoginProfileRecord> login_profile;
  bool mfa_active = false;
  std::vector<store::AccessKeyRecord> access_keys;  // by creation time
};

struct CredentialReportRecord {
  std::int64_t generated_at = 0;
  std::string content;
};

// Conflicts DeleteUser checks that belong to credentials managed elsewhere (login profiles, MFA
// devices, signing certificates, SSH keys). The seam for the operations that add those tables.
enum class UserCredentialConflict { kNone, kLoginProfile, kMfaDevice };

class IamStore {
 public:
  virtual ~IamStore() = default;

  // Users.
  virtual Status CreateUser(const UserRecord& user, const std::vector<Tag>& tags) = 0;
  virtual Result<UserRecord> GetUser(std::string_view name) = 0;
  virtual Result<std::vector<UserRecord>> ListUsers(std::string_view path_prefix) = 0;
  // Renames (also the user's access keys) and/or moves the user.
  virtual Status UpdateUser(std::string_view name, const std::optional<std::string>& new_name,
                            const std::optional<std::string>& new_path) = 0;
  virtual Status DeleteUser(std::string_view name) = 0;
  virtual Status PutUserPermissionsBoundary(std::string_view name,
                                            const std::optional<std::string>& policy_arn) = 0;

  // Groups.
  virtual Status CreateGroup(const GroupRecord& group) = 0;
  virtual Result<GroupRecord> GetGroup(std::string_view name) = 0;
  virtual Result<std::vector<GroupRecord>> ListGroups(std::string_view path_prefix) = 0;
  virtual Result<std::vector<GroupRecord>> ListGroupsForUser(std::string_view user_name) = 0;
  virtual Result<std::vector<UserRecord>> ListGroupMembers(std::string_view group_name) = 0;
  virtual Status AddUserToGroup(std::string_view group_name, std::string_view user_name,
                                std::int64_t now) = 0;
  virtual Status RemoveUserFromGroup(std::string_view group_name, std::string_view user_name) = 0;
  virtual Status UpdateGroup(std::string_view name, const std::optional<std::string>& new_name,
                             const std::optional<std::string>& new_path) = 0;
  virtual Status DeleteGroup(std::string_view name) = 0;

  // Roles.
  virtual Status CreateRole(const RoleRecord& role, const std::vector<Tag>& tags) = 0;
  virtual Result<RoleRecord> GetRole(std::string_view name) = 0;
  virtual Result<std::vector<RoleRecord>> ListRoles(std::string_view path_prefix) = 0;
  virtual Status UpdateRole(std::string_view name, const std::optional<std::string>& description,
                            const std::optional<std::int64_t>& max_session_duration) = 0;
  virtual Status UpdateAssumeRolePolicy(std::string_view name, std::string_view document) = 0;
  virtual Status DeleteRole(std::string_view name) = 0;

  // Tags of users, roles and customer managed policies (`name` is the policy ARN for those).
  // Tagging merges by key (ignoring case) and fails with LimitExceeded past `max_tags`.
  virtual Status TagEntity(TagTarget target, std::string_view name, const std::vector<Tag>& tags,
                           std::size_t max_tags) = 0;
  virtual Status UntagEntity(TagTarget target, std::string_view name,
                             const std::vector<std::string>& keys) = 0;
  virtual Result<std::vector<Tag>> ListTags(TagTarget target, std::string_view name) = 0;

  // Customer managed policies. `arn` identifies one; a missing one is NoSuchEntity
  // "Policy <arn> was not found.".
  virtual Status CreatePolicy(const PolicyRecord& policy, std::string_view document,
                              const std::vector<Tag>& tags) = 0;
  virtual Result<PolicyRecord> GetPolicy(std::string_view arn) = 0;
  virtual Result<std::vector<PolicyRecord>> ListPolicies() = 0;
  virtual Status DeletePolicy(std::string_view arn) = 0;
  virtual Result<PolicyVersionRecord> CreatePolicyVersion(std::string_view arn,
                                                          std::string_view document,
                                                          bool set_as_default, std::int64_t now,
                                                          std::size_t max_versions) = 0;
  virtual Result<PolicyVersionRecord> GetPolicyVersion(std::string_view arn,
                                                       std::string_view version_id) = 0;
  virtual Result<std::vector<PolicyVersionRecord>> ListPolicyVersions(std::string_view arn) = 0;
  virtual Status SetDefaultPolicyVersion(std::string_view arn, std::string_view version_id,
                                         std::int64_t now) = 0;
  virtual Status DeletePolicyVersion(std::string_view arn, std::string_view version_id) = 0;
  // Usage of every managed policy ARN that is attached or used as a boundary.
  virtual Result<std::map<std::string, PolicyUsage>> PolicyUsageByArn() = 0;

  // Attachments. `policy_is_local` says whether `arn` must name a stored customer policy; AWS
  // managed ARNs are checked by the caller. Attaching twice is a no-op, as in IAM.
  virtual Status AttachPolicy(EntityKind kind, std::string_view entity, std::string_view arn,
                              bool policy_is_local, std::size_t max_attached, std::int64_t now) = 0;
  virtual Status DetachPolicy(EntityKind kind, std::string_view entity, std::string_view arn) = 0;
  virtual Result<std::vector<std::string>> ListAttachedPolicies(EntityKind kind,
                                                                std::string_view entity) = 0;
  virtual Result<std::vector<PolicyEntity>> ListEntitiesForPolicy(std::string_view arn) = 0;

  // Inline policies. `max_total_size` bounds the sum of the entity's documents (whitespace not
  // counted), as IAM's per-entity aggregate quota does.
  virtual Status PutInlinePolicy(EntityKind kind, std::string_view entity,
                                 std::string_view policy_name, std::string_view document,
                                 std::size_t max_total_size) = 0;
  virtual Result<InlinePolicy> GetInlinePolicy(EntityKind kind, std::string_view entity,
                                               std::string_view policy_name) = 0;
  virtual Result<std::vector<std::string>> ListInlinePolicies(EntityKind kind,
                                                              std::string_view entity) = 0;
  virtual Status DeleteInlinePolicy(EntityKind kind, std::string_view entity,
                                    std::string_view policy_name) = 0;

  // Access keys of IAM users (in the access_keys table). CreateAccessKey checks the user exists
  // and has fewer than `max_keys`.
  virtual Status CreateAccessKey(const store::AccessKeyRecord& key, std::size_t max_keys) = 0;
  virtual Result<std::vector<store::AccessKeyRecord>> ListAccessKeys(
      std::string_view user_name) = 0;
  virtual Status UpdateAccessKey(std::string_view user_name, std::string_view access_key_id,
                                 store::KeyStatus status) = 0;
  virtual Status DeleteAccessKey(std::string_view user_name, std::string_view access_key_id) = 0;

  // Account.
  virtual Result<AccountCounts> CountEntities() = 0;
  virtual Result<std::optional<std::string>> GetAccountAlias() = 0;
  virtual Status SetAccountAlias(std::string_view alias) = 0;
  virtual Status DeleteAccountAlias(std::string_view alias) = 0;
  virtual Result<AuthorizationSnapshot> Snapshot() = 0;

  // Login profiles (sqlite_iam_store_credentials.cc). Creating a second one is EntityAlreadyExists
  // "Login Profile for user X already exists."; a missing one NoSuchEntity "Login Profile for User
  // X cannot be found.". SetPassword keeps the replaced hash in the history, which it trims to
  // `history_limit` entries.
  virtual Status CreateLoginProfile(std::string_view user_name,
                                    const LoginProfileRecord& profile) = 0;
  virtual Result<LoginProfileRecord> GetLoginProfile(std::string_view user_name) = 0;
  virtual Status SetPassword(std::string_view user_name, const std::optional<std::string>& hash,
                             const std::optional<bool>& reset_required, std::int64_t now,
                             std::size_t history_limit) = 0;
  virtual Status DeleteLoginProfile(std::string_view user_name) = 0;
  virtual Status RecordPasswordUse(std::string_view user_name, std::int64_t now) = 0;
  // The earlier password hashes of the user, newest first.
  virtual Result<std::vector<std::string>> PasswordHistory(std::string_view user_name) = 0;

  // The account password policy; nullopt when none is set.
  virtual Result<std::optional<PasswordPolicyRecord>> GetPasswordPolicy() = 0;
  virtual Status PutPasswordPolicy(const PasswordPolicyRecord& policy) = 0;
  // NoSuchEntity when there is none.
  virtual Status DeletePasswordPolicy() = 0;

  // MFA devices. A serial number names a device of this account.
  virtual Status CreateMfaDevice(const MfaDeviceRecord& device) = 0;
  virtual Result<MfaDeviceRecord> GetMfaDevice(std::string_view serial_number) = 0;
  // Assigns an unassigned device to the user; EntityAlreadyExists when the device is assigned.
  virtual Status EnableMfaDevice(std::string_view user_name, std::string_view serial_number,
                                 std::int64_t counter, std::int64_t now) = 0;
  virtual Status DeactivateMfaDevice(std::string_view user_name,
                                     std::string_view serial_number) = 0;
  virtual Status DeleteMfaDevice(std::string_view serial_number) = 0;
  // Records the newest accepted TOTP step; false when `counter` is not newer (a replayed code).
  virtual Result<bool> AdvanceMfaCounter(std::string_view serial_number, std::int64_t counter) = 0;
  // Devices assigned to the user (which must exist), or all of the account's when `user_name` is
  // empty.
  virtual Result<std::vector<MfaDeviceRecord>> ListMfaDevices(std::string_view user_name) = 0;

  // STS temporary credentials. Inserting also drops sessions that expired before `now`.
  virtual Status InsertSession(const SessionRecord& session, std::int64_t now) = 0;

  // Credential report.
  virtual Result<std::vector<CredentialReportUser>> CredentialReportUsers() = 0;
  virtual Result<std::optional<CredentialReportRecord>> GetCredentialReport() = 0;
  virtual Status PutCredentialReport(const CredentialReportRecord& report) = 0;
};

}  // namespace tw::services::iam
