// SPDX-License-Identifier: Apache-2.0
// AccountsRepository: accounts, their access keys and instance settings in the SQLite store.
// Authentication looks keys up here (the composition root adapts AccessKeyRecord to
// auth::Credential; this layer does not depend on auth). Records are plain structs; times are
// epoch milliseconds. Each call is one transaction.
//
// Thread-safe (as Database is).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/database.h"

namespace tw::store {

enum class KeyOwner { kRoot, kUser };
enum class KeyStatus { kActive, kInactive };

struct AccountRecord {
  std::string account_id;
  std::int64_t created_at = 0;
};

struct AccessKeyRecord {
  std::string access_key_id;
  std::string secret_access_key;
  std::string account_id;
  KeyOwner owner = KeyOwner::kRoot;
  std::string user_name;  // empty for the root user
  KeyStatus status = KeyStatus::kActive;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_used_at;
  std::optional<std::string> last_used_service;
  std::optional<std::string> last_used_region;

  bool operator==(const AccessKeyRecord&) const = default;
};

// An IAM user as authentication needs it: the unique id (AIDA...), path and name as created.
struct IamUserIdentity {
  std::string user_id;
  std::string path;
  std::string user_name;
};

class AccountsRepository {
 public:
  explicit AccountsRepository(Database& db) : db_(db) {}

  // Creates the account if it does not exist; an existing account is left as it is.
  Status EnsureAccount(std::string_view account_id, std::int64_t now);
  Result<std::optional<AccountRecord>> FindAccount(std::string_view account_id);

  Result<std::optional<AccessKeyRecord>> FindAccessKey(std::string_view access_key_id);
  // The account's keys, root's first, then users' by name, each by creation time.
  Result<std::vector<AccessKeyRecord>> ListAccessKeys(std::string_view account_id);

  // Makes this the root user's only access key, Active, creating the account if needed; any other
  // root key of the account is deleted in the same transaction. Putting the current root key again
  // updates its secret and keeps its creation and last-used times. An access key id that belongs to
  // another account or to an IAM user fails with a unique-constraint store error (see
  // store/sqlite/error.h) and changes nothing.
  Status PutRootAccessKey(std::string_view account_id, std::string_view access_key_id,
                          std::string_view secret_access_key, std::int64_t now);

  // Records that a key signed a request at `when` for `service` in `region`. An older `when` than
  // the one stored is ignored (requests finish out of order); an unknown key is ignored.
  Status RecordKeyUse(std::string_view access_key_id, std::int64_t when, std::string_view service,
                      std::string_view region);

  // The account's IAM user `user_name` (matched ignoring case, as IAM names are), or nullopt. It
  // reads the IAM users table (migration 0002) so that authentication can build a user's
  // principal (ARN with path, unique id) without depending on the IAM service.
  Result<std::optional<IamUserIdentity>> FindIamUser(std::string_view account_id,
                                                     std::string_view user_name);

  Result<std::optional<std::string>> GetSetting(std::string_view key);
  Status PutSetting(std::string_view key, std::string_view value);

 private:
  Database& db_;
};

std::string_view KeyStatusName(KeyStatus status);

// Connection-level access-key operations for a store that combines them with its own tables in
// one transaction (the IAM store: CreateAccessKey checks the user and the per-user quota,
// DeleteUser checks the user has no keys, UpdateUser renames the keys' owner). `c` must be inside a
// Database::Write (or Read, for the listing). `user_name` empty means the account's root user.
Result<std::vector<AccessKeyRecord>> ListOwnerAccessKeys(Connection& c, std::string_view account_id,
                                                         std::string_view user_name);
// Inserts an IAM user's key (owner kUser); a duplicate id fails with a unique-constraint error.
Status InsertUserAccessKey(Connection& c, const AccessKeyRecord& key);
Status RenameUserAccessKeys(Connection& c, std::string_view account_id, std::string_view old_name,
                            std::string_view new_name);
// These two return whether the owner had that key.
Result<bool> SetOwnerAccessKeyStatus(Connection& c, std::string_view account_id,
                                     std::string_view user_name, std::string_view access_key_id,
                                     KeyStatus status);
Result<bool> DeleteOwnerAccessKey(
    Connection& c, std::string_view account_id, std::string_view user_name,
    std::string_view access_key_id);  // "Active" / "Inactive", as IAM writes them

}  // namespace tw::store
