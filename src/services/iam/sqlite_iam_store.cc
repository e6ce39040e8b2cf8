// SPDX-License-Identifier: Apache-2.0
// Users, groups, roles, user access keys and the account: the SQL side. Managed and inline
// policies, attachments and tags are in sqlite_iam_store_policies.cc.
#include "services/iam/sqlite_iam_store.h"

#include <cctype>

#include "services/iam/errors.h"
#include "store/sqlite/error.h"
#include "store/sqlite/sql.h"

namespace tw::services::iam {

namespace sql = store::sql;
using store::Connection;
using store::Statement;

namespace internal {

std::string KindSql(std::string_view text, EntityKind kind) {
  std::string_view table = "iam_users", name = "user_name", fk = "user_pk", id = "user_id";
  if (kind == EntityKind::kGroup) {
    table = "iam_groups", name = "group_name", fk = "group_pk", id = "group_id";
  } else if (kind == EntityKind::kRole) {
    table = "iam_roles", name = "role_name", fk = "role_pk", id = "role_id";
  }
  std::string out;
  out.reserve(text.size() + 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 2 < text.size() && text[i + 2] == '}') {
      switch (text[i + 1]) {
        case 'T':
          out += table;
          break;
        case 'N':
          out += name;
          break;
        case 'F':
          out += fk;
          break;
        case 'I':
          out += id;
          break;
        default:
          out.append(text.substr(i, 3));
      }
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

Result<std::int64_t> RequireEntity(Connection& c, std::string_view account_id, EntityKind kind,
                                   std::string_view name) {
  auto pk = sql::QueryInt(c, KindSql("SELECT id FROM {T} WHERE account_id = ? AND {N} = ?", kind),
                          -1, account_id, name);
  if (!pk) return pk;
  if (*pk < 0) return EntityNotFound(kind, name);
  return pk;
}

Result<std::string> StoredName(Connection& c, EntityKind kind, std::int64_t pk) {
  auto stmt = sql::Query(c, KindSql("SELECT {N} FROM {T} WHERE id = ?", kind), pk);
  if (!stmt) return std::move(stmt).error();
  auto row = sql::NextRow(*stmt);
  if (!row) return std::move(row).error();
  if (!*row) return AwsError::From(ErrorCode::kInternalFailure, "entity row vanished");
  return stmt->ColumnString(0);
}

std::size_t PolicySize(std::string_view document) {
  std::size_t size = 0;
  for (char ch : document) {
    if (!std::isspace(static_cast<unsigned char>(ch))) ++size;
  }
  return size;
}

}  // namespace internal

namespace {

using internal::KindSql;
using internal::RequireEntity;

constexpr std::string_view kUserColumns =
    "id, user_name, path, user_id, created_at, permissions_boundary";
constexpr std::string_view kGroupColumns = "id, group_name, path, group_id, created_at";
constexpr std::string_view kRoleColumns =
    "id, role_name, path, role_id, created_at, assume_role_policy, description, "
    "max_session_duration, permissions_boundary";

UserRecord ReadUser(const Statement& row) {
  UserRecord user;
  user.name = row.ColumnString(1);
  user.path = row.ColumnString(2);
  user.id = row.ColumnString(3);
  user.created_at = row.ColumnInt64(4);
  user.permissions_boundary = row.ColumnOptionalString(5);
  return user;
}

GroupRecord ReadGroup(const Statement& row) {
  return GroupRecord{row.ColumnString(1), row.ColumnString(2), row.ColumnString(3),
                     row.ColumnInt64(4)};
}

RoleRecord ReadRole(const Statement& row) {
  RoleRecord role;
  role.name = row.ColumnString(1);
  role.path = row.ColumnString(2);
  role.id = row.ColumnString(3);
  role.created_at = row.ColumnInt64(4);
  role.assume_role_policy = row.ColumnString(5);
  role.description = row.ColumnOptionalString(6);
  role.max_session_duration = row.ColumnInt64(7);
  role.permissions_boundary = row.ColumnOptionalString(8);
  return role;
}

std::string Select(std::string_view columns, std::string_view rest) {
  return std::string("SELECT ").append(columns).append(" ").append(rest);
}

// Path prefixes compare byte-wise (IAM paths are case-sensitive): substr rather than LIKE.
constexpr std::string_view kPathFilter = "substr(path, 1, length(?2)) = ?2";

template <typename Record, typename Reader>
Result<std::vector<Record>> ListRows(Connection& c, const std::string& text,
                                     std::string_view account_id, std::string_view prefix,
                                     Reader read) {
  auto stmt = sql::Query(c, text, account_id, prefix);
  if (!stmt) return std::move(stmt).error();
  std::vector<Record> out;
  if (Status st = sql::ForEachRow(*stmt, [&](const Statement& row) { out.push_back(read(row)); });
      !st) {
    return std::move(st).error();
  }
  return out;
}

Status InsertTags(Connection& c, std::string_view fk_column, std::int64_t pk,
                  const std::vector<Tag>& tags) {
  return internal::UpsertTags(c, fk_column, pk, tags);
}

// Renames and/or moves a user or group; a taken new name is EntityAlreadyExists.
Status RenameEntity(Connection& c, std::string_view account_id, EntityKind kind,
                    std::string_view name, const std::optional<std::string>& new_name,
                    const std::optional<std::string>& new_path) {
  auto pk = RequireEntity(c, account_id, kind, name);
  if (!pk) return std::move(pk).error();
  if (new_path) {
    if (Status st =
            sql::Exec(c, KindSql("UPDATE {T} SET path = ? WHERE id = ?", kind), *new_path, *pk);
        !st) {
      return st;
    }
  }
  if (new_name) {
    auto old_name = internal::StoredName(c, kind, *pk);
    if (!old_name) return std::move(old_name).error();
    Status st = sql::Exec(c, KindSql("UPDATE {T} SET {N} = ? WHERE id = ?", kind), *new_name, *pk);
    if (!st) {
      if (store::IsUniqueViolation(st.error())) return EntityExists(kind, *new_name);
      return st;
    }
    if (kind == EntityKind::kUser) {
      if (Status keys = store::RenameUserAccessKeys(c, account_id, *old_name, *new_name); !keys) {
        return keys;
      }
    }
  }
  return {};
}

// Whether any row of `table` refers to the entity through its foreign-key column.
Result<bool> HasChildren(Connection& c, std::string_view table, EntityKind kind, std::int64_t pk) {
  auto n = sql::QueryInt(
      c, KindSql("SELECT EXISTS (SELECT 1 FROM " + std::string(table) + " WHERE {F} = ?)", kind), 0,
      pk);
  if (!n) return std::move(n).error();
  return *n != 0;
}

// The seam for the credentials of the next IAM part (login profiles, MFA devices): once their
// tables exist, DeleteUser's conflicts for them are checked here, inside DeleteUser's transaction.
Result<UserCredentialConflict> FindCredentialConflict(Connection& c, std::int64_t user_pk) {
  auto profile =
      sql::QueryInt(c, "SELECT count(*) FROM iam_login_profiles WHERE user_pk = ?", 0, user_pk);
  if (!profile) return std::move(profile).error();
  if (*profile > 0) return UserCredentialConflict::kLoginProfile;
  auto mfa = sql::QueryInt(c, "SELECT count(*) FROM iam_mfa_devices WHERE user_pk = ?", 0, user_pk);
  if (!mfa) return std::move(mfa).error();
  if (*mfa > 0) return UserCredentialConflict::kMfaDevice;
  return UserCredentialConflict::kNone;
}

}  // namespace

// ---- Users ----

Status SqliteIamStore::CreateUser(const UserRecord& user, const std::vector<Tag>& tags) {
  return db_.Write([&](Connection& c) -> Status {
    Status st = sql::Exec(
        c,
        "INSERT INTO iam_users (account_id, user_name, path, user_id, created_at, "
        "permissions_boundary) VALUES (?, ?, ?, ?, ?, ?)",
        account_id_, user.name, user.path, user.id, user.created_at, user.permissions_boundary);
    if (!st) {
      if (store::IsUniqueViolation(st.error())) return EntityExists(EntityKind::kUser, user.name);
      return st;
    }
    return InsertTags(c, "user_pk", c.LastInsertRowId(), tags);
  });
}

Result<UserRecord> SqliteIamStore::GetUser(std::string_view name) {
  return db_.Read([&](Connection& c) -> Result<UserRecord> {
    static const std::string text =
        Select(kUserColumns, "FROM iam_users WHERE account_id = ? AND user_name = ?");
    auto stmt = sql::Query(c, text, account_id_, name);
    if (!stmt) return std::move(stmt).error();
    auto row = sql::NextRow(*stmt);
    if (!row) return std::move(row).error();
    if (!*row) return EntityNotFound(EntityKind::kUser, name);
    UserRecord user = ReadUser(*stmt);
    auto tags = internal::LoadTags(c, "user_pk", stmt->ColumnInt64(0));
    if (!tags) return std::move(tags).error();
    user.tags = std::move(tags).value();
    return user;
  });
}

Result<std::vector<UserRecord>> SqliteIamStore::ListUsers(std::string_view path_prefix) {
  return db_.Read([&](Connection& c) {
    static const std::string text =
        Select(kUserColumns, std::string("FROM iam_users WHERE account_id = ?1 AND ")
                                 .append(kPathFilter)
                                 .append(" ORDER BY user_name"));
    return ListRows<UserRecord>(c, text, account_id_, path_prefix, ReadUser);
  });
}

Status SqliteIamStore::UpdateUser(std::string_view name, const std::optional<std::string>& new_name,
                                  const std::optional<std::string>& new_path) {
  return db_.Write([&](Connection& c) {
    return RenameEntity(c, account_id_, EntityKind::kUser, name, new_name, new_path);
  });
}

Status SqliteIamStore::DeleteUser(std::string_view name) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, EntityKind::kUser, name);
    if (!pk) return std::move(pk).error();
    auto stored = internal::StoredName(c, EntityKind::kUser, *pk);
    if (!stored) return std::move(stored).error();
    // The order IAM reports conflicts in: credentials first, then policies, then groups.
    auto credential = FindCredentialConflict(c, *pk);
    if (!credential) return std::move(credential).error();
    if (*credential == UserCredentialConflict::kLoginProfile) {
      return DeleteConflict("Cannot delete entity, must delete login profile first.");
    }
    auto keys = store::ListOwnerAccessKeys(c, account_id_, *stored);
    if (!keys) return std::move(keys).error();
    if (!keys->empty())
      return DeleteConflict("Cannot delete entity, must delete access keys first.");
    if (*credential == UserCredentialConflict::kMfaDevice) {
      return DeleteConflict("Cannot delete entity, must delete MFA device first.");
    }
    auto inline_policies = HasChildren(c, "iam_inline_policies", EntityKind::kUser, *pk);
    if (!inline_policies) return std::move(inline_policies).error();
    if (*inline_policies)
      return DeleteConflict("Cannot delete entity, must delete policies first.");
    auto attached = HasChildren(c, "iam_attachments", EntityKind::kUser, *pk);
    if (!attached) return std::move(attached).error();
    if (*attached) return DeleteConflict("Cannot delete entity, must detach all policies first.");
    auto groups = HasChildren(c, "iam_group_members", EntityKind::kUser, *pk);
    if (!groups) return std::move(groups).error();
    if (*groups) return DeleteConflict("Cannot delete entity, must remove users from group first.");
    return sql::Exec(c, "DELETE FROM iam_users WHERE id = ?", *pk);  // tags cascade
  });
}

Status SqliteIamStore::PutUserPermissionsBoundary(std::string_view name,
                                                  const std::optional<std::string>& policy_arn) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, EntityKind::kUser, name);
    if (!pk) return std::move(pk).error();
    return sql::Exec(c, "UPDATE iam_users SET permissions_boundary = ? WHERE id = ?", policy_arn,
                     *pk);
  });
}

// ---- Groups ----

Status SqliteIamStore::CreateGroup(const GroupRecord& group) {
  return db_.Write([&](Connection& c) -> Status {
    Status st = sql::Exec(c,
                          "INSERT INTO iam_groups (account_id, group_name, path, group_id, "
                          "created_at) VALUES (?, ?, ?, ?, ?)",
                          account_id_, group.name, group.path, group.id, group.created_at);
    if (!st && store::IsUniqueViolation(st.error())) {
      return EntityExists(EntityKind::kGroup, group.name);
    }
    return st;
  });
}

Result<GroupRecord> SqliteIamStore::GetGroup(std::string_view name) {
  return db_.Read([&](Connection& c) -> Result<GroupRecord> {
    static const std::string text =
        Select(kGroupColumns, "FROM iam_groups WHERE account_id = ? AND group_name = ?");
    auto stmt = sql::Query(c, text, account_id_, name);
    if (!stmt) return std::move(stmt).error();
    auto row = sql::NextRow(*stmt);
    if (!row) return std::move(row).error();
    if (!*row) return EntityNotFound(EntityKind::kGroup, name);
    return ReadGroup(*stmt);
  });
}

Result<std::vector<GroupRecord>> SqliteIamStore::ListGroups(std::string_view path_prefix) {
  return db_.Read([&](Connection& c) {
    static const std::string text =
        Select(kGroupColumns, std::string("FROM iam_groups WHERE account_id = ?1 AND ")
                                  .append(kPathFilter)
                                  .append(" ORDER BY group_name"));
    return ListRows<GroupRecord>(c, text, account_id_, path_prefix, ReadGroup);
  });
}

Result<std::vector<GroupRecord>> SqliteIamStore::ListGroupsForUser(std::string_view user_name) {
  return db_.Read([&](Connection& c) -> Result<std::vector<GroupRecord>> {
    auto pk = RequireEntity(c, account_id_, EntityKind::kUser, user_name);
    if (!pk) return std::move(pk).error();
    auto stmt = sql::Query(c,
                           "SELECT g.id, g.group_name, g.path, g.group_id, g.created_at FROM "
                           "iam_groups g JOIN iam_group_members m ON m.group_pk = g.id "
                           "WHERE m.user_pk = ? ORDER BY g.group_name",
                           *pk);
    if (!stmt) return std::move(stmt).error();
    std::vector<GroupRecord> out;
    if (Status st =
            sql::ForEachRow(*stmt, [&](const Statement& r) { out.push_back(ReadGroup(r)); });
        !st) {
      return std::move(st).error();
    }
    return out;
  });
}

Result<std::vector<UserRecord>> SqliteIamStore::ListGroupMembers(std::string_view group_name) {
  return db_.Read([&](Connection& c) -> Result<std::vector<UserRecord>> {
    auto pk = RequireEntity(c, account_id_, EntityKind::kGroup, group_name);
    if (!pk) return std::move(pk).error();
    auto stmt = sql::Query(c,
                           "SELECT u.id, u.user_name, u.path, u.user_id, u.created_at, "
                           "u.permissions_boundary FROM iam_users u JOIN iam_group_members m ON "
                           "m.user_pk = u.id WHERE m.group_pk = ? ORDER BY u.user_name",
                           *pk);
    if (!stmt) return std::move(stmt).error();
    std::vector<UserRecord> out;
    if (Status st = sql::ForEachRow(*stmt, [&](const Statement& r) { out.push_back(ReadUser(r)); });
        !st) {
      return std::move(st).error();
    }
    return out;
  });
}

Status SqliteIamStore::AddUserToGroup(std::string_view group_name, std::string_view user_name,
                                      std::int64_t now) {
  constexpr std::size_t kGroupsPerUser = 10;
  return db_.Write([&](Connection& c) -> Status {
    auto group = RequireEntity(c, account_id_, EntityKind::kGroup, group_name);
    if (!group) return std::move(group).error();
    auto user = RequireEntity(c, account_id_, EntityKind::kUser, user_name);
    if (!user) return std::move(user).error();
    auto member = sql::QueryInt(
        c, "SELECT 1 FROM iam_group_members WHERE group_pk = ? AND user_pk = ?", 0, *group, *user);
    if (!member) return std::move(member).error();
    if (*member) return {};  // already a member: IAM answers 200
    auto count =
        sql::QueryInt(c, "SELECT count(*) FROM iam_group_members WHERE user_pk = ?", 0, *user);
    if (!count) return std::move(count).error();
    if (static_cast<std::size_t>(*count) >= kGroupsPerUser) {
      return QuotaExceeded("GroupsPerUser", kGroupsPerUser);
    }
    return sql::Exec(c,
                     "INSERT INTO iam_group_members (group_pk, user_pk, added_at) VALUES (?, ?, ?)",
                     *group, *user, now);
  });
}

Status SqliteIamStore::RemoveUserFromGroup(std::string_view group_name,
                                           std::string_view user_name) {
  return db_.Write([&](Connection& c) -> Status {
    auto group = RequireEntity(c, account_id_, EntityKind::kGroup, group_name);
    if (!group) return std::move(group).error();
    auto user = RequireEntity(c, account_id_, EntityKind::kUser, user_name);
    if (!user) return std::move(user).error();
    if (Status st = sql::Exec(c, "DELETE FROM iam_group_members WHERE group_pk = ? AND user_pk = ?",
                              *group, *user);
        !st) {
      return st;
    }
    // IAM names the user, not the membership, when there was none.
    if (c.Changes() == 0) return EntityNotFound(EntityKind::kUser, user_name);
    return {};
  });
}

Status SqliteIamStore::UpdateGroup(std::string_view name,
                                   const std::optional<std::string>& new_name,
                                   const std::optional<std::string>& new_path) {
  return db_.Write([&](Connection& c) {
    return RenameEntity(c, account_id_, EntityKind::kGroup, name, new_name, new_path);
  });
}

Status SqliteIamStore::DeleteGroup(std::string_view name) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, EntityKind::kGroup, name);
    if (!pk) return std::move(pk).error();
    auto members = HasChildren(c, "iam_group_members", EntityKind::kGroup, *pk);
    if (!members) return std::move(members).error();
    if (*members)
      return DeleteConflict("Cannot delete entity, must remove users from group first.");
    auto inline_policies = HasChildren(c, "iam_inline_policies", EntityKind::kGroup, *pk);
    if (!inline_policies) return std::move(inline_policies).error();
    if (*inline_policies)
      return DeleteConflict("Cannot delete entity, must delete policies first.");
    auto attached = HasChildren(c, "iam_attachments", EntityKind::kGroup, *pk);
    if (!attached) return std::move(attached).error();
    if (*attached) return DeleteConflict("Cannot delete entity, must detach all policies first.");
    return sql::Exec(c, "DELETE FROM iam_groups WHERE id = ?", *pk);
  });
}

// ---- Roles ----

Status SqliteIamStore::CreateRole(const RoleRecord& role, const std::vector<Tag>& tags) {
  return db_.Write([&](Connection& c) -> Status {
    Status st = sql::Exec(
        c,
        "INSERT INTO iam_roles (account_id, role_name, path, role_id, created_at, "
        "assume_role_policy, description, max_session_duration, "
        "permissions_boundary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        account_id_, role.name, role.path, role.id, role.created_at, role.assume_role_policy,
        role.description, role.max_session_duration, role.permissions_boundary);
    if (!st) {
      if (store::IsUniqueViolation(st.error())) return EntityExists(EntityKind::kRole, role.name);
      return st;
    }
    return InsertTags(c, "role_pk", c.LastInsertRowId(), tags);
  });
}

Result<RoleRecord> SqliteIamStore::GetRole(std::string_view name) {
  return db_.Read([&](Connection& c) -> Result<RoleRecord> {
    static const std::string text =
        Select(kRoleColumns, "FROM iam_roles WHERE account_id = ? AND role_name = ?");
    auto stmt = sql::Query(c, text, account_id_, name);
    if (!stmt) return std::move(stmt).error();
    auto row = sql::NextRow(*stmt);
    if (!row) return std::move(row).error();
    if (!*row) return EntityNotFound(EntityKind::kRole, name);
    RoleRecord role = ReadRole(*stmt);
    auto tags = internal::LoadTags(c, "role_pk", stmt->ColumnInt64(0));
    if (!tags) return std::move(tags).error();
    role.tags = std::move(tags).value();
    return role;
  });
}

Result<std::vector<RoleRecord>> SqliteIamStore::ListRoles(std::string_view path_prefix) {
  return db_.Read([&](Connection& c) -> Result<std::vector<RoleRecord>> {
    static const std::string text =
        Select(kRoleColumns, std::string("FROM iam_roles WHERE account_id = ?1 AND ")
                                 .append(kPathFilter)
                                 .append(" ORDER BY role_name"));
    auto stmt = sql::Query(c, text, account_id_, path_prefix);
    if (!stmt) return std::move(stmt).error();
    std::vector<std::pair<std::int64_t, RoleRecord>> rows;
    if (Status st = sql::ForEachRow(
            *stmt, [&](const Statement& r) { rows.emplace_back(r.ColumnInt64(0), ReadRole(r)); });
        !st) {
      return std::move(st).error();
    }
    std::vector<RoleRecord> out;
    for (auto& [pk, role] : rows) {
      auto tags = internal::LoadTags(c, "role_pk", pk);
      if (!tags) return std::move(tags).error();
      role.tags = std::move(tags).value();
      out.push_back(std::move(role));
    }
    return out;
  });
}

Status SqliteIamStore::UpdateRole(std::string_view name,
                                  const std::optional<std::string>& description,
                                  const std::optional<std::int64_t>& max_session_duration) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, EntityKind::kRole, name);
    if (!pk) return std::move(pk).error();
    if (description) {
      if (Status st =
              sql::Exec(c, "UPDATE iam_roles SET description = ? WHERE id = ?", *description, *pk);
          !st) {
        return st;
      }
    }
    if (max_session_duration) {
      return sql::Exec(c, "UPDATE iam_roles SET max_session_duration = ? WHERE id = ?",
                       *max_session_duration, *pk);
    }
    return {};
  });
}

Status SqliteIamStore::UpdateAssumeRolePolicy(std::string_view name, std::string_view document) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, EntityKind::kRole, name);
    if (!pk) return std::move(pk).error();
    return sql::Exec(c, "UPDATE iam_roles SET assume_role_policy = ? WHERE id = ?", document, *pk);
  });
}

Status SqliteIamStore::DeleteRole(std::string_view name) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, EntityKind::kRole, name);
    if (!pk) return std::move(pk).error();
    auto attached = HasChildren(c, "iam_attachments", EntityKind::kRole, *pk);
    if (!attached) return std::move(attached).error();
    if (*attached) return DeleteConflict("Cannot delete entity, must detach all policies first.");
    auto inline_policies = HasChildren(c, "iam_inline_policies", EntityKind::kRole, *pk);
    if (!inline_policies) return std::move(inline_policies).error();
    if (*inline_policies)
      return DeleteConflict("Cannot delete entity, must delete policies first.");
    return sql::Exec(c, "DELETE FROM iam_roles WHERE id = ?", *pk);
  });
}

// ---- Access keys ----

Status SqliteIamStore::CreateAccessKey(const store::AccessKeyRecord& key, std::size_t max_keys) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, EntityKind::kUser, key.user_name);
    if (!pk) return std::move(pk).error();
    auto stored = internal::StoredName(c, EntityKind::kUser, *pk);
    if (!stored) return std::move(stored).error();
    auto keys = store::ListOwnerAccessKeys(c, account_id_, *stored);
    if (!keys) return std::move(keys).error();
    if (keys->size() >= max_keys) return QuotaExceeded("AccessKeysPerUser", max_keys);
    store::AccessKeyRecord record = key;
    record.account_id = account_id_;
    record.user_name = *stored;
    return store::InsertUserAccessKey(c, record);
  });
}

Result<std::vector<store::AccessKeyRecord>> SqliteIamStore::ListAccessKeys(
    std::string_view user_name) {
  return db_.Read([&](Connection& c) -> Result<std::vector<store::AccessKeyRecord>> {
    std::string owner;  // empty: the root user
    if (!user_name.empty()) {
      auto pk = RequireEntity(c, account_id_, EntityKind::kUser, user_name);
      if (!pk) return std::move(pk).error();
      auto stored = internal::StoredName(c, EntityKind::kUser, *pk);
      if (!stored) return std::move(stored).error();
      owner = *stored;
    }
    return store::ListOwnerAccessKeys(c, account_id_, owner);
  });
}

namespace {

AwsError KeyNotFound(std::string_view access_key_id) {
  return NoSuchEntity("The Access Key with id " + std::string(access_key_id) + " cannot be found.");
}

// The stored name of the key owner (empty for root), or NoSuchEntity for a missing user.
Result<std::string> KeyOwner(Connection& c, std::string_view account_id,
                             std::string_view user_name) {
  if (user_name.empty()) return std::string();
  auto pk = RequireEntity(c, account_id, EntityKind::kUser, user_name);
  if (!pk) return std::move(pk).error();
  return internal::StoredName(c, EntityKind::kUser, *pk);
}

}  // namespace

Status SqliteIamStore::UpdateAccessKey(std::string_view user_name, std::string_view access_key_id,
                                       store::KeyStatus status) {
  return db_.Write([&](Connection& c) -> Status {
    auto owner = KeyOwner(c, account_id_, user_name);
    if (!owner) return std::move(owner).error();
    auto found = store::SetOwnerAccessKeyStatus(c, account_id_, *owner, access_key_id, status);
    if (!found) return std::move(found).error();
    if (!*found) return KeyNotFound(access_key_id);
    return {};
  });
}

Status SqliteIamStore::DeleteAccessKey(std::string_view user_name, std::string_view access_key_id) {
  return db_.Write([&](Connection& c) -> Status {
    auto owner = KeyOwner(c, account_id_, user_name);
    if (!owner) return std::move(owner).error();
    auto found = store::DeleteOwnerAccessKey(c, account_id_, *owner, access_key_id);
    if (!found) return std::move(found).error();
    if (!*found) return KeyNotFound(access_key_id);
    return {};
  });
}

// ---- Account ----

Result<AccountCounts> SqliteIamStore::CountEntities() {
  return db_.Read([&](Connection& c) -> Result<AccountCounts> {
    AccountCounts counts;
    struct Item {
      const char* text;
      std::int64_t* out;
    } items[] = {
        {"SELECT count(*) FROM iam_users WHERE account_id = ?", &counts.users},
        {"SELECT count(*) FROM iam_groups WHERE account_id = ?", &counts.groups},
        {"SELECT count(*) FROM iam_roles WHERE account_id = ?", &counts.roles},
        {"SELECT count(*) FROM iam_policies WHERE account_id = ?", &counts.policies},
        {"SELECT count(*) FROM iam_attachments WHERE account_id = ?", &counts.attachments},
    };
    for (const Item& item : items) {
      auto n = sql::QueryInt(c, item.text, 0, account_id_);
      if (!n) return std::move(n).error();
      *item.out = *n;
    }
    return counts;
  });
}

Result<std::optional<std::string>> SqliteIamStore::GetAccountAlias() {
  return db_.Read([&](Connection& c) -> Result<std::optional<std::string>> {
    auto stmt =
        sql::Query(c, "SELECT alias FROM iam_account_aliases WHERE account_id = ?", account_id_);
    if (!stmt) return std::move(stmt).error();
    auto row = sql::NextRow(*stmt);
    if (!row) return std::move(row).error();
    if (!*row) return std::optional<std::string>();
    return std::optional<std::string>(stmt->ColumnString(0));
  });
}

Status SqliteIamStore::SetAccountAlias(std::string_view alias) {
  return db_.Write([&](Connection& c) -> Status {
    // An account has one alias: creating another replaces it, as the IAM console's "Edit" does.
    Status st = sql::Exec(c,
                          "INSERT INTO iam_account_aliases (account_id, alias) VALUES (?, ?) "
                          "ON CONFLICT (account_id) DO UPDATE SET alias = excluded.alias",
                          account_id_, alias);
    if (!st && store::IsUniqueViolation(st.error())) {
      return EntityAlreadyExists("The account alias " + std::string(alias) + " already exists.");
    }
    return st;
  });
}

Status SqliteIamStore::DeleteAccountAlias(std::string_view alias) {
  return db_.Write([&](Connection& c) -> Status {
    if (Status st =
            sql::Exec(c, "DELETE FROM iam_account_aliases WHERE account_id = ? AND alias = ?",
                      account_id_, alias);
        !st) {
      return st;
    }
    if (c.Changes() == 0) {
      return NoSuchEntity("The account alias " + std::string(alias) + " cannot be found.");
    }
    return {};
  });
}

Result<AuthorizationSnapshot> SqliteIamStore::Snapshot() {
  return db_.Read([&](Connection& c) -> Result<AuthorizationSnapshot> {
    AuthorizationSnapshot snapshot;
    // Entities with their row ids; details are loaded per entity in the same snapshot.
    auto load = [&](EntityKind kind, const std::string& text,
                    std::vector<EntityDetail>& out) -> Status {
      auto stmt = sql::Query(c, text, account_id_);
      if (!stmt) return std::move(stmt).error();
      std::vector<std::int64_t> pks;
      if (Status st = sql::ForEachRow(*stmt,
                                      [&](const Statement& r) {
                                        EntityDetail detail;
                                        detail.kind = kind;
                                        if (kind == EntityKind::kUser) detail.user = ReadUser(r);
                                        if (kind == EntityKind::kGroup) detail.group = ReadGroup(r);
                                        if (kind == EntityKind::kRole) detail.role = ReadRole(r);
                                        pks.push_back(r.ColumnInt64(0));
                                        out.push_back(std::move(detail));
                                      });
          !st) {
        return st;
      }
      for (std::size_t i = 0; i < pks.size(); ++i) {
        auto inline_policies = internal::LoadInline(c, kind, pks[i]);
        if (!inline_policies) return std::move(inline_policies).error();
        out[i].inline_policies = std::move(inline_policies).value();
        auto attached = internal::LoadAttached(c, kind, pks[i]);
        if (!attached) return std::move(attached).error();
        out[i].attached_policy_arns = std::move(attached).value();
        if (kind == EntityKind::kGroup) continue;
        auto tags =
            internal::LoadTags(c, kind == EntityKind::kUser ? "user_pk" : "role_pk", pks[i]);
        if (!tags) return std::move(tags).error();
        (kind == EntityKind::kUser ? out[i].user.tags : out[i].role.tags) = std::move(tags).value();
        if (kind == EntityKind::kUser) {
          auto groups = sql::Query(c,
                                   "SELECT g.group_name FROM iam_groups g JOIN iam_group_members "
                                   "m ON m.group_pk = g.id WHERE m.user_pk = ? ORDER BY "
                                   "g.group_name",
                                   pks[i]);
          if (!groups) return std::move(groups).error();
          if (Status st = sql::ForEachRow(
                  *groups,
                  [&](const Statement& r) { out[i].group_names.push_back(r.ColumnString(0)); });
              !st) {
            return st;
          }
        }
      }
      return {};
    };
    if (Status st = load(EntityKind::kUser,
                         Select(kUserColumns,
                                "FROM iam_users WHERE account_id = ? ORDER BY "
                                "user_name"),
                         snapshot.users);
        !st) {
      return std::move(st).error();
    }
    if (Status st = load(EntityKind::kGroup,
                         Select(kGroupColumns,
                                "FROM iam_groups WHERE account_id = ? ORDER BY "
                                "group_name"),
                         snapshot.groups);
        !st) {
      return std::move(st).error();
    }
    if (Status st = load(EntityKind::kRole,
                         Select(kRoleColumns,
                                "FROM iam_roles WHERE account_id = ? ORDER BY "
                                "role_name"),
                         snapshot.roles);
        !st) {
      return std::move(st).error();
    }
    auto policies = internal::LoadPolicies(c, account_id_);
    if (!policies) return std::move(policies).error();
    snapshot.policies = std::move(policies).value();
    for (const PolicyRecord& policy : snapshot.policies) {
      auto pk = sql::QueryInt(c, "SELECT id FROM iam_policies WHERE account_id = ? AND arn = ?", -1,
                              account_id_, policy.arn);
      if (!pk) return std::move(pk).error();
      auto versions = internal::LoadVersions(c, *pk);
      if (!versions) return std::move(versions).error();
      snapshot.versions[policy.arn] = std::move(versions).value();
    }
    auto usage = internal::LoadUsage(c, account_id_);
    if (!usage) return std::move(usage).error();
    snapshot.usage = std::move(usage).value();
    return snapshot;
  });
}

}  // namespace tw::services::iam
