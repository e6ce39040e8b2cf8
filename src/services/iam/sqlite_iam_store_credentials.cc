// SPDX-License-Identifier: Apache-2.0
// Login profiles, the password policy, MFA devices, STS sessions and the credential report: the
// SQL side (tables of 0005_iam_credentials.sql).
#include "services/iam/errors.h"
#include "services/iam/sqlite_helpers.h"
#include "services/iam/sqlite_iam_store.h"
#include "store/sqlite/error.h"

namespace tw::services::iam {

using store::Connection;
using store::Statement;

namespace {

using internal::RequireEntity;

AwsError NoLoginProfile(std::string_view user_name) {
  return NoSuchEntity("Login Profile for User " + std::string(user_name) + " cannot be found.");
}

AwsError NoMfaDevice(std::string_view serial_number) {
  return NoSuchEntity("VirtualMFADevice with serial number " + std::string(serial_number) +
                      " doesn't exist.");
}

constexpr std::string_view kDeviceColumns =
    "d.serial_number, d.device_name, d.path, d.seed, d.created_at, coalesce(u.user_name, ''), "
    "d.enabled_at, d.last_counter, u.path, u.user_id, u.created_at";

MfaDeviceRecord ReadDevice(const Statement& row) {
  MfaDeviceRecord d;
  d.serial_number = row.ColumnString(0);
  d.name = row.ColumnString(1);
  d.path = row.ColumnString(2);
  d.seed = row.ColumnString(3);
  d.created_at = row.ColumnInt64(4);
  d.user_name = row.ColumnString(5);
  d.enabled_at = row.ColumnOptionalInt64(6);
  d.last_counter = row.ColumnInt64(7);
  if (!d.user_name.empty()) {
    d.user.name = d.user_name;
    d.user.path = row.ColumnString(8);
    d.user.id = row.ColumnString(9);
    d.user.created_at = row.ColumnInt64(10);
  }
  return d;
}

Result<std::optional<LoginProfileRecord>> LoadProfile(Connection& c, std::int64_t user_pk) {
  auto stmt = sql::Query(c,
                         "SELECT u.user_name, p.password_hash, p.password_reset_required, "
                         "p.created_at, p.password_changed_at, p.password_last_used FROM "
                         "iam_login_profiles p JOIN iam_users u ON u.id = p.user_pk WHERE "
                         "p.user_pk = ?",
                         user_pk);
  if (!stmt) return std::move(stmt).error();
  auto row = sql::NextRow(*stmt);
  if (!row) return std::move(row).error();
  if (!*row) return std::optional<LoginProfileRecord>();
  LoginProfileRecord p;
  p.user_name = stmt->ColumnString(0);
  p.password_hash = stmt->ColumnString(1);
  p.password_reset_required = stmt->ColumnInt64(2) != 0;
  p.created_at = stmt->ColumnInt64(3);
  p.password_changed_at = stmt->ColumnInt64(4);
  p.password_last_used = stmt->ColumnOptionalInt64(5);
  return std::optional<LoginProfileRecord>(std::move(p));
}

}  // namespace

// ---- Login profiles ----

Status SqliteIamStore::CreateLoginProfile(std::string_view user_name,
                                          const LoginProfileRecord& profile) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, EntityKind::kUser, user_name);
    if (!pk) return std::move(pk).error();
    Status st = sql::Exec(c,
                          "INSERT INTO iam_login_profiles (user_pk, password_hash, "
                          "password_reset_required, created_at, password_changed_at) VALUES (?, ?, "
                          "?, ?, ?)",
                          *pk, profile.password_hash, profile.password_reset_required ? 1 : 0,
                          profile.created_at, profile.created_at);
    if (!st && store::IsUniqueViolation(st.error())) {
      auto stored = internal::StoredName(c, EntityKind::kUser, *pk);
      return EntityAlreadyExists("Login Profile for user " +
                                 stored.value_or(std::string(user_name)) + " already exists.");
    }
    return st;
  });
}

Result<LoginProfileRecord> SqliteIamStore::GetLoginProfile(std::string_view user_name) {
  return db_.Read([&](Connection& c) -> Result<LoginProfileRecord> {
    auto pk = RequireEntity(c, account_id_, EntityKind::kUser, user_name);
    if (!pk) return std::move(pk).error();
    auto profile = LoadProfile(c, *pk);
    if (!profile) return std::move(profile).error();
    if (!profile->has_value()) return NoLoginProfile(user_name);
    return std::move(**profile);
  });
}

Status SqliteIamStore::SetPassword(std::string_view user_name,
                                   const std::optional<std::string>& hash,
                                   const std::optional<bool>& reset_required, std::int64_t now,
                                   std::size_t history_limit) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, EntityKind::kUser, user_name);
    if (!pk) return std::move(pk).error();
    auto profile = LoadProfile(c, *pk);
    if (!profile) return std::move(profile).error();
    if (!profile->has_value()) return NoLoginProfile(user_name);
    if (hash) {
      if (Status st = sql::Exec(c,
                                "INSERT INTO iam_password_history (user_pk, password_hash, "
                                "changed_at) VALUES (?, ?, ?)",
                                *pk, (*profile)->password_hash, (*profile)->password_changed_at);
          !st) {
        return st;
      }
      if (Status st = sql::Exec(c,
                                "DELETE FROM iam_password_history WHERE user_pk = ?1 AND id NOT IN "
                                "(SELECT id FROM iam_password_history WHERE user_pk = ?1 ORDER BY "
                                "changed_at DESC, id DESC LIMIT ?2)",
                                *pk, static_cast<std::int64_t>(history_limit));
          !st) {
        return st;
      }
      if (Status st = sql::Exec(c,
                                "UPDATE iam_login_profiles SET password_hash = ?, "
                                "password_changed_at = ? WHERE user_pk = ?",
                                *hash, now, *pk);
          !st) {
        return st;
      }
    }
    if (reset_required) {
      return sql::Exec(
          c, "UPDATE iam_login_profiles SET password_reset_required = ? WHERE user_pk = ?",
          *reset_required ? 1 : 0, *pk);
    }
    return {};
  });
}

Status SqliteIamStore::DeleteLoginProfile(std::string_view user_name) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, EntityKind::kUser, user_name);
    if (!pk) return std::move(pk).error();
    if (Status st = sql::Exec(c, "DELETE FROM iam_login_profiles WHERE user_pk = ?", *pk); !st) {
      return st;
    }
    if (c.Changes() == 0) return NoLoginProfile(user_name);
    return sql::Exec(c, "DELETE FROM iam_password_history WHERE user_pk = ?", *pk);
  });
}

Status SqliteIamStore::RecordPasswordUse(std::string_view user_name, std::int64_t now) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, EntityKind::kUser, user_name);
    if (!pk) return std::move(pk).error();
    return sql::Exec(c, "UPDATE iam_login_profiles SET password_last_used = ? WHERE user_pk = ?",
                     now, *pk);
  });
}

Result<std::vector<std::string>> SqliteIamStore::PasswordHistory(std::string_view user_name) {
  return db_.Read([&](Connection& c) -> Result<std::vector<std::string>> {
    auto pk = RequireEntity(c, account_id_, EntityKind::kUser, user_name);
    if (!pk) return std::move(pk).error();
    auto stmt = sql::Query(c,
                           "SELECT password_hash FROM iam_password_history WHERE user_pk = ? "
                           "ORDER BY changed_at DESC, id DESC",
                           *pk);
    if (!stmt) return std::move(stmt).error();
    std::vector<std::string> out;
    if (Status st = sql::ForEachRow(
            *stmt, [&](const Statement& row) { out.push_back(row.ColumnString(0)); });
        !st) {
      return std::move(st).error();
    }
    return out;
  });
}

// ---- Password policy ----

Result<std::optional<PasswordPolicyRecord>> SqliteIamStore::GetPasswordPolicy() {
  return db_.Read([&](Connection& c) -> Result<std::optional<PasswordPolicyRecord>> {
    auto stmt = sql::Query(c,
                           "SELECT minimum_length, require_symbols, require_numbers, "
                           "require_uppercase, require_lowercase, allow_users_to_change, "
                           "max_password_age, password_reuse_prevention, hard_expiry FROM "
                           "iam_password_policies WHERE account_id = ?",
                           account_id_);
    if (!stmt) return std::move(stmt).error();
    auto row = sql::NextRow(*stmt);
    if (!row) return std::move(row).error();
    if (!*row) return std::optional<PasswordPolicyRecord>();
    PasswordPolicyRecord p;
    p.minimum_length = stmt->ColumnInt64(0);
    p.require_symbols = stmt->ColumnInt64(1) != 0;
    p.require_numbers = stmt->ColumnInt64(2) != 0;
    p.require_uppercase = stmt->ColumnInt64(3) != 0;
    p.require_lowercase = stmt->ColumnInt64(4) != 0;
    p.allow_users_to_change = stmt->ColumnInt64(5) != 0;
    p.max_password_age = stmt->ColumnOptionalInt64(6);
    p.password_reuse_prevention = stmt->ColumnOptionalInt64(7);
    p.hard_expiry = stmt->ColumnInt64(8) != 0;
    return std::optional<PasswordPolicyRecord>(p);
  });
}

Status SqliteIamStore::PutPasswordPolicy(const PasswordPolicyRecord& p) {
  return db_.Write([&](Connection& c) -> Status {
    return sql::Exec(
        c,
        "INSERT OR REPLACE INTO iam_password_policies (account_id, minimum_length, "
        "require_symbols, require_numbers, require_uppercase, require_lowercase, "
        "allow_users_to_change, max_password_age, password_reuse_prevention, hard_expiry) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        account_id_, p.minimum_length, p.require_symbols ? 1 : 0, p.require_numbers ? 1 : 0,
        p.require_uppercase ? 1 : 0, p.require_lowercase ? 1 : 0, p.allow_users_to_change ? 1 : 0,
        p.max_password_age, p.password_reuse_prevention, p.hard_expiry ? 1 : 0);
  });
}

Status SqliteIamStore::DeletePasswordPolicy() {
  return db_.Write([&](Connection& c) -> Status {
    if (Status st =
            sql::Exec(c, "DELETE FROM iam_password_policies WHERE account_id = ?", account_id_);
        !st) {
      return st;
    }
    if (c.Changes() == 0) {
      return NoSuchEntity("The account policy with name PasswordPolicy cannot be found.");
    }
    return {};
  });
}

// ---- MFA devices ----

Status SqliteIamStore::CreateMfaDevice(const MfaDeviceRecord& d) {
  return db_.Write([&](Connection& c) -> Status {
    Status st = sql::Exec(c,
                          "INSERT INTO iam_mfa_devices (account_id, serial_number, device_name, "
                          "path, seed, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                          account_id_, d.serial_number, d.name, d.path, d.seed, d.created_at);
    if (!st && store::IsUniqueViolation(st.error())) {
      return EntityAlreadyExists("MFADevice entity at the same path and name already exists.");
    }
    return st;
  });
}

Result<MfaDeviceRecord> SqliteIamStore::GetMfaDevice(std::string_view serial_number) {
  return db_.Read([&](Connection& c) -> Result<MfaDeviceRecord> {
    auto stmt = sql::Query(c,
                           "SELECT " + std::string(kDeviceColumns) +
                               " FROM iam_mfa_devices d LEFT JOIN iam_users u ON u.id = d.user_pk "
                               "WHERE d.account_id = ? AND d.serial_number = ?",
                           account_id_, serial_number);
    if (!stmt) return std::move(stmt).error();
    auto row = sql::NextRow(*stmt);
    if (!row) return std::move(row).error();
    if (!*row) return NoMfaDevice(serial_number);
    return ReadDevice(*stmt);
  });
}

Status SqliteIamStore::EnableMfaDevice(std::string_view user_name, std::string_view serial_number,
                                       std::int64_t counter, std::int64_t now) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, EntityKind::kUser, user_name);
    if (!pk) return std::move(pk).error();
    auto assigned =
        sql::QueryInt(c,
                      "SELECT coalesce(user_pk, 0) FROM iam_mfa_devices WHERE account_id = ? AND "
                      "serial_number = ?",
                      -1, account_id_, serial_number);
    if (!assigned) return std::move(assigned).error();
    if (*assigned < 0) return NoMfaDevice(serial_number);
    if (*assigned > 0) return EntityAlreadyExists("MFA Device is already in use.");
    // IAM allows up to 8 MFA devices per user; one is what a console user normally has.
    auto count = sql::QueryInt(c, "SELECT count(*) FROM iam_mfa_devices WHERE user_pk = ?", 0, *pk);
    if (!count) return std::move(count).error();
    if (*count >= 8) return QuotaExceeded("MFADevicesPerUser", 8);
    return sql::Exec(c,
                     "UPDATE iam_mfa_devices SET user_pk = ?, enabled_at = ?, last_counter = ? "
                     "WHERE account_id = ? AND serial_number = ?",
                     *pk, now, counter, account_id_, serial_number);
  });
}

Status SqliteIamStore::DeactivateMfaDevice(std::string_view user_name,
                                           std::string_view serial_number) {
  return db_.Write([&](Connection& c) -> Status {
    auto pk = RequireEntity(c, account_id_, EntityKind::kUser, user_name);
    if (!pk) return std::move(pk).error();
    if (Status st = sql::Exec(c,
                              "UPDATE iam_mfa_devices SET user_pk = NULL, enabled_at = NULL WHERE "
                              "account_id = ? AND serial_number = ? AND user_pk = ?",
                              account_id_, serial_number, *pk);
        !st) {
      return st;
    }
    if (c.Changes() == 0) {
      return NoSuchEntity("MFA Device with serial number " + std::string(serial_number) +
                          " does not exist.");
    }
    return {};
  });
}

Status SqliteIamStore::DeleteMfaDevice(std::string_view serial_number) {
  return db_.Write([&](Connection& c) -> Status {
    auto assigned =
        sql::QueryInt(c,
                      "SELECT coalesce(user_pk, 0) FROM iam_mfa_devices WHERE account_id = ? AND "
                      "serial_number = ?",
                      -1, account_id_, serial_number);
    if (!assigned) return std::move(assigned).error();
    if (*assigned < 0) return NoMfaDevice(serial_number);
    if (*assigned > 0) {
      return DeleteConflict("MFA device is assigned to a user and must be deactivated first.");
    }
    return sql::Exec(c, "DELETE FROM iam_mfa_devices WHERE account_id = ? AND serial_number = ?",
                     account_id_, serial_number);
  });
}

Result<bool> SqliteIamStore::AdvanceMfaCounter(std::string_view serial_number,
                                               std::int64_t counter) {
  return db_.Write([&](Connection& c) -> Result<bool> {
    if (Status st = sql::Exec(c,
                              "UPDATE iam_mfa_devices SET last_counter = ? WHERE account_id = ? "
                              "AND serial_number = ? AND last_counter < ?",
                              counter, account_id_, serial_number, counter);
        !st) {
      return std::move(st).error();
    }
    return c.Changes() > 0;
  });
}

Result<std::vector<MfaDeviceRecord>> SqliteIamStore::ListMfaDevices(std::string_view user_name) {
  return db_.Read([&](Connection& c) -> Result<std::vector<MfaDeviceRecord>> {
    std::string text = "SELECT " + std::string(kDeviceColumns) +
                       " FROM iam_mfa_devices d LEFT JOIN iam_users u ON u.id = d.user_pk WHERE "
                       "d.account_id = ?1";
    std::int64_t pk = 0;
    if (!user_name.empty()) {
      auto found = RequireEntity(c, account_id_, EntityKind::kUser, user_name);
      if (!found) return std::move(found).error();
      pk = *found;
      text += " AND d.user_pk = ?2";
    } else {
      text += " AND ?2 = 0";
    }
    text += " ORDER BY d.serial_number";
    auto stmt = sql::Query(c, text, account_id_, pk);
    if (!stmt) return std::move(stmt).error();
    std::vector<MfaDeviceRecord> out;
    if (Status st =
            sql::ForEachRow(*stmt, [&](const Statement& row) { out.push_back(ReadDevice(row)); });
        !st) {
      return std::move(st).error();
    }
    return out;
  });
}

// ---- STS sessions ----

Status SqliteIamStore::InsertSession(const SessionRecord& s, std::int64_t now) {
  std::string arns;
  for (const auto& arn : s.session_policy_arns) arns += arn + "\n";
  return db_.Write([&](Connection& c) -> Status {
    if (Status st = sql::Exec(c, "DELETE FROM sts_sessions WHERE expires_at < ?", now); !st) {
      return st;
    }
    return sql::Exec(
        c,
        "INSERT INTO sts_sessions (access_key_id, secret_access_key, session_token, account_id, "
        "principal_type, arn, user_id, user_name, role_arn, mfa_authenticated, session_policy, "
        "session_policy_arns, source_access_key_id, created_at, expires_at, mfa_authenticated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        s.access_key_id, s.secret_access_key, s.session_token, account_id_, s.principal_type, s.arn,
        s.user_id, s.user_name, s.role_arn, s.mfa_authenticated ? 1 : 0, s.session_policy,
        arns.empty() ? std::optional<std::string>() : std::optional<std::string>(arns),
        s.source_access_key_id, s.created_at, s.expires_at, s.mfa_authenticated_at);
  });
}

// ---- Credential report ----

Result<std::vector<CredentialReportUser>> SqliteIamStore::CredentialReportUsers() {
  return db_.Read([&](Connection& c) -> Result<std::vector<CredentialReportUser>> {
    auto stmt = sql::Query(c,
                           "SELECT id, user_name, path, user_id, created_at, (SELECT count(*) "
                           "FROM iam_mfa_devices m WHERE m.user_pk = iam_users.id) FROM iam_users "
                           "WHERE account_id = ? ORDER BY user_name",
                           account_id_);
    if (!stmt) return std::move(stmt).error();
    std::vector<std::pair<std::int64_t, CredentialReportUser>> rows;
    if (Status st = sql::ForEachRow(*stmt,
                                    [&](const Statement& row) {
                                      CredentialReportUser u;
                                      u.user.name = row.ColumnString(1);
                                      u.user.path = row.ColumnString(2);
                                      u.user.id = row.ColumnString(3);
                                      u.user.created_at = row.ColumnInt64(4);
                                      u.mfa_active = row.ColumnInt64(5) > 0;
                                      rows.emplace_back(row.ColumnInt64(0), std::move(u));
                                    });
        !st) {
      return std::move(st).error();
    }
    std::vector<CredentialReportUser> out;
    for (auto& [pk, u] : rows) {
      auto profile = LoadProfile(c, pk);
      if (!profile) return std::move(profile).error();
      u.login_profile = std::move(*profile);
      auto keys = store::ListOwnerAccessKeys(c, account_id_, u.user.name);
      if (!keys) return std::move(keys).error();
      u.access_keys = std::move(*keys);
      out.push_back(std::move(u));
    }
    return out;
  });
}

Result<std::optional<CredentialReportRecord>> SqliteIamStore::GetCredentialReport() {
  return db_.Read([&](Connection& c) -> Result<std::optional<CredentialReportRecord>> {
    auto stmt = sql::Query(
        c, "SELECT generated_at, content FROM iam_credential_reports WHERE account_id = ?",
        account_id_);
    if (!stmt) return std::move(stmt).error();
    auto row = sql::NextRow(*stmt);
    if (!row) return std::move(row).error();
    if (!*row) return std::optional<CredentialReportRecord>();
    return std::optional<CredentialReportRecord>(
        CredentialReportRecord{stmt->ColumnInt64(0), stmt->ColumnString(1)});
  });
}

Status SqliteIamStore::PutCredentialReport(const CredentialReportRecord& report) {
  return db_.Write([&](Connection& c) -> Status {
    return sql::Exec(c,
                     "INSERT OR REPLACE INTO iam_credential_reports (account_id, generated_at, "
                     "content) VALUES (?, ?, ?)",
                     account_id_, report.generated_at, report.content);
  });
}

}  // namespace tw::services::iam
