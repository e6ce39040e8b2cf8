// SPDX-License-Identifier: Apache-2.0
#include "store/accounts_repository.h"

#include <utility>

#include "store/sqlite/sql.h"

namespace tw::store {
namespace {

constexpr std::string_view kKeyColumns =
    "access_key_id, secret_access_key, account_id, owner_type, user_name, status, created_at, "
    "last_used_at, last_used_service, last_used_region";

AccessKeyRecord ReadKey(const Statement& row) {
  AccessKeyRecord key;
  key.access_key_id = row.ColumnString(0);
  key.secret_access_key = row.ColumnString(1);
  key.account_id = row.ColumnString(2);
  key.owner = row.ColumnText(3) == "root" ? KeyOwner::kRoot : KeyOwner::kUser;
  key.user_name = row.ColumnString(4);
  key.status = row.ColumnText(5) == "Active" ? KeyStatus::kActive : KeyStatus::kInactive;
  key.created_at = row.ColumnInt64(6);
  key.last_used_at = row.ColumnOptionalInt64(7);
  key.last_used_service = row.ColumnOptionalString(8);
  key.last_used_region = row.ColumnOptionalString(9);
  return key;
}

const std::string& FindKeySql() {
  static const std::string sql = std::string("SELECT ")
                                     .append(kKeyColumns)
                                     .append(" FROM access_keys WHERE access_key_id = ?");
  return sql;
}

const std::string& ListKeysSql() {
  static const std::string sql = std::string("SELECT ")
                                     .append(kKeyColumns)
                                     .append(
                                         " FROM access_keys WHERE account_id = ? ORDER BY "
                                         "owner_type = 'user', user_name, created_at, "
                                         "access_key_id");
  return sql;
}

}  // namespace

std::string_view KeyStatusName(KeyStatus status) {
  return status == KeyStatus::kActive ? "Active" : "Inactive";
}

Status AccountsRepository::EnsureAccount(std::string_view account_id, std::int64_t now) {
  return db_.Write([&](Connection& c) {
    return sql::Exec(c,
                     "INSERT INTO accounts (account_id, created_at) VALUES (?, ?) "
                     "ON CONFLICT (account_id) DO NOTHING",
                     account_id, now);
  });
}

Result<std::optional<AccountRecord>> AccountsRepository::FindAccount(std::string_view account_id) {
  return db_.Read([&](Connection& c) -> Result<std::optional<AccountRecord>> {
    Result<Statement> stmt =
        c.Prepare("SELECT account_id, created_at FROM accounts WHERE account_id = ?");
    if (!stmt) return std::move(stmt).error();
    if (Status st = stmt->Bind(1, account_id); !st) return std::move(st).error();
    Result<StepResult> step = stmt->Step();
    if (!step) return std::move(step).error();
    if (*step == StepResult::kDone) return std::optional<AccountRecord>();
    return std::optional<AccountRecord>(AccountRecord{stmt->ColumnString(0), stmt->ColumnInt64(1)});
  });
}

Result<std::optional<AccessKeyRecord>> AccountsRepository::FindAccessKey(
    std::string_view access_key_id) {
  return db_.Read([&](Connection& c) -> Result<std::optional<AccessKeyRecord>> {
    Result<Statement> stmt = c.Prepare(FindKeySql());
    if (!stmt) return std::move(stmt).error();
    if (Status st = stmt->Bind(1, access_key_id); !st) return std::move(st).error();
    Result<StepResult> step = stmt->Step();
    if (!step) return std::move(step).error();
    if (*step == StepResult::kDone) return std::optional<AccessKeyRecord>();
    return std::optional<AccessKeyRecord>(ReadKey(*stmt));
  });
}

Result<std::vector<AccessKeyRecord>> AccountsRepository::ListAccessKeys(
    std::string_view account_id) {
  return db_.Read([&](Connection& c) -> Result<std::vector<AccessKeyRecord>> {
    Result<Statement> stmt = c.Prepare(ListKeysSql());
    if (!stmt) return std::move(stmt).error();
    if (Status st = stmt->Bind(1, account_id); !st) return std::move(st).error();
    std::vector<AccessKeyRecord> keys;
    while (true) {
      Result<StepResult> step = stmt->Step();
      if (!step) return std::move(step).error();
      if (*step == StepResult::kDone) return keys;
      keys.push_back(ReadKey(*stmt));
    }
  });
}

Status AccountsRepository::PutRootAccessKey(std::string_view account_id,
                                            std::string_view access_key_id,
                                            std::string_view secret_access_key, std::int64_t now) {
  return db_.Write([&](Connection& c) -> Status {
    if (Status st = sql::Exec(c,
                              "INSERT INTO accounts (account_id, created_at) VALUES (?, ?) "
                              "ON CONFLICT (account_id) DO NOTHING",
                              account_id, now);
        !st) {
      return st;
    }
    if (Status st =
            sql::Exec(c,
                      "DELETE FROM access_keys WHERE account_id = ? AND owner_type = 'root' "
                      "AND access_key_id <> ?",
                      account_id, access_key_id);
        !st) {
      return st;
    }
    if (Status st = sql::Exec(c,
                              "UPDATE access_keys SET secret_access_key = ?, status = 'Active' "
                              "WHERE access_key_id = ? AND account_id = ? AND owner_type = 'root'",
                              secret_access_key, access_key_id, account_id);
        !st) {
      return st;
    }
    if (c.Changes() > 0) return {};
    // New key. An id taken by another owner fails on the primary key and rolls everything back.
    return sql::Exec(
        c,
        "INSERT INTO access_keys (access_key_id, secret_access_key, account_id, owner_type, "
        "user_name, status, created_at) VALUES (?, ?, ?, 'root', NULL, 'Active', ?)",
        access_key_id, secret_access_key, account_id, now);
  });
}

Status AccountsRepository::RecordKeyUse(std::string_view access_key_id, std::int64_t when,
                                        std::string_view service, std::string_view region) {
  return db_.Write([&](Connection& c) {
    return sql::Exec(c,
                     "UPDATE access_keys SET last_used_at = ?1, last_used_service = ?2, "
                     "last_used_region = ?3 WHERE access_key_id = ?4 "
                     "AND (last_used_at IS NULL OR last_used_at <= ?1)",
                     when, service, region, access_key_id);
  });
}

Result<std::optional<std::string>> AccountsRepository::GetSetting(std::string_view key) {
  return db_.Read([&](Connection& c) -> Result<std::optional<std::string>> {
    Result<Statement> stmt = c.Prepare("SELECT value FROM settings WHERE key = ?");
    if (!stmt) return std::move(stmt).error();
    if (Status st = stmt->Bind(1, key); !st) return std::move(st).error();
    Result<StepResult> step = stmt->Step();
    if (!step) return std::move(step).error();
    if (*step == StepResult::kDone) return std::optional<std::string>();
    return std::optional<std::string>(stmt->ColumnString(0));
  });
}

Status AccountsRepository::PutSetting(std::string_view key, std::string_view value) {
  return db_.Write([&](Connection& c) {
    return sql::Exec(c,
                     "INSERT INTO settings (key, value) VALUES (?, ?) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     key, value);
  });
}

Result<std::optional<IamUserIdentity>> AccountsRepository::FindIamUser(std::string_view account_id,
                                                                       std::string_view user_name) {
  return db_.Read([&](Connection& c) -> Result<std::optional<IamUserIdentity>> {
    Result<Statement> stmt = sql::Query(
        c, "SELECT user_id, path, user_name FROM iam_users WHERE account_id = ? AND user_name = ?",
        account_id, user_name);
    if (!stmt) return std::move(stmt).error();
    Result<StepResult> step = stmt->Step();
    if (!step) return std::move(step).error();
    if (*step == StepResult::kDone) return std::optional<IamUserIdentity>();
    return std::optional<IamUserIdentity>(
        IamUserIdentity{stmt->ColumnString(0), stmt->ColumnString(1), stmt->ColumnString(2)});
  });
}

namespace {

// Matches the keys of one owner: ?1 account, ?2 user name ('' for the root user).
constexpr std::string_view kOwnerFilter =
    " WHERE account_id = ?1 AND ((?2 = '' AND owner_type = 'root') OR "
    "(owner_type = 'user' AND user_name = ?2))";

const std::string& ListOwnerKeysSql() {
  static const std::string sql = std::string("SELECT ")
                                     .append(kKeyColumns)
                                     .append(" FROM access_keys")
                                     .append(kOwnerFilter)
                                     .append(" ORDER BY created_at, access_key_id");
  return sql;
}

}  // namespace

Result<std::vector<AccessKeyRecord>> ListOwnerAccessKeys(Connection& c, std::string_view account_id,
                                                         std::string_view user_name) {
  Result<Statement> stmt = sql::Query(c, ListOwnerKeysSql(), account_id, user_name);
  if (!stmt) return std::move(stmt).error();
  std::vector<AccessKeyRecord> keys;
  while (true) {
    Result<StepResult> step = stmt->Step();
    if (!step) return std::move(step).error();
    if (*step == StepResult::kDone) return keys;
    keys.push_back(ReadKey(*stmt));
  }
}

Status InsertUserAccessKey(Connection& c, const AccessKeyRecord& key) {
  return sql::Exec(
      c,
      "INSERT INTO access_keys (access_key_id, secret_access_key, account_id, owner_type, "
      "user_name, status, created_at) VALUES (?, ?, ?, 'user', ?, ?, ?)",
      key.access_key_id, key.secret_access_key, key.account_id, key.user_name,
      KeyStatusName(key.status), key.created_at);
}

Status RenameUserAccessKeys(Connection& c, std::string_view account_id, std::string_view old_name,
                            std::string_view new_name) {
  return sql::Exec(
      c,
      "UPDATE access_keys SET user_name = ? WHERE account_id = ? AND owner_type = 'user' "
      "AND user_name = ?",
      new_name, account_id, old_name);
}

Result<bool> SetOwnerAccessKeyStatus(Connection& c, std::string_view account_id,
                                     std::string_view user_name, std::string_view access_key_id,
                                     KeyStatus status) {
  static const std::string sql = std::string("UPDATE access_keys SET status = ?3")
                                     .append(kOwnerFilter)
                                     .append(" AND access_key_id = ?4");
  if (Status st = sql::Exec(c, sql, account_id, user_name, KeyStatusName(status), access_key_id);
      !st) {
    return std::move(st).error();
  }
  return c.Changes() > 0;
}

Result<bool> DeleteOwnerAccessKey(Connection& c, std::string_view account_id,
                                  std::string_view user_name, std::string_view access_key_id) {
  static const std::string sql =
      std::string("DELETE FROM access_keys").append(kOwnerFilter).append(" AND access_key_id = ?3");
  if (Status st = sql::Exec(c, sql, account_id, user_name, access_key_id); !st) {
    return std::move(st).error();
  }
  return c.Changes() > 0;
}

}  // namespace tw::store
