// SPDX-License-Identifier: Apache-2.0
// StoreCredentialProvider adapts the accounts repository to what authentication needs: an access
// key id to its secret, status and principal (for an IAM user's key: the user's ARN with its path,
// its AIDA... unique id and name). It also records key use for IAM's GetAccessKeyLastUsed,
// throttled in memory because every store write is an fsync. Temporary credentials (ASIA...) come
// from STS's sts_sessions table (migration 0005) when a database is given: with their session
// token, expiry and the principal they were issued for (a role session's Principal has the
// assumed-role ARN, AROA...:session as user id and the role's name as user_name). Long-term keys'
// lookups (two store reads for an IAM user's key: the key, then the user's path and id) are
// cached while IAM's generation counter stands still (CacheWhile). Thread-safe (the repository
// is; the throttle and the cache have their own mutexes).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "auth/credentials.h"
#include "store/accounts_repository.h"
#include "store/database.h"

namespace tw::server {

class StoreCredentialProvider final : public auth::CredentialProvider,
                                      public auth::KeyUsageRecorder {
 public:
  explicit StoreCredentialProvider(store::AccountsRepository& accounts,
                                   store::Database* sessions = nullptr)
      : accounts_(accounts), sessions_(sessions) {}
  std::optional<auth::Credential> Find(std::string_view access_key_id) const override;

  // Caches long-term (AKIA...) keys' lookups while `generation` returns the same value. It must
  // move after every write that can change what Find answers for a key: its creation, status or
  // deletion, and its user's rename, path change or deletion (IamService::generation() moves
  // after every IAM call but Get*/List*/Simulate*). Unknown keys are never cached. Call before
  // serving.
  void CacheWhile(std::function<std::uint64_t()> generation);

  // Records that the key signed a request for `service` in `region` at `now_millis`, at most once
  // per key per kKeyUseInterval (a later use within the interval is dropped). Failures are logged.
  void RecordUse(std::string_view access_key_id, std::int64_t now_millis, std::string_view service,
                 std::string_view region) const override;
  static constexpr std::int64_t kKeyUseIntervalMillis = 60'000;
  static constexpr std::size_t kMaxCachedKeys = 10'000;

 private:
  std::optional<auth::Credential> FindSession(std::string_view access_key_id) const;
  std::optional<auth::Credential> FindLongTerm(std::string_view access_key_id) const;

  store::AccountsRepository& accounts_;
  store::Database* sessions_;
  mutable std::mutex use_mutex_;
  mutable std::unordered_map<std::string, std::int64_t> last_recorded_;  // key id -> millis

  std::function<std::uint64_t()> generation_;  // empty: no cache
  mutable std::shared_mutex cache_mutex_;
  mutable std::uint64_t cached_generation_ = 0;  // the generation `cache_` was read under
  mutable std::unordered_map<std::string, auth::Credential> cache_;
};

// The principal of an account's root user: ARN arn:aws:iam::<account>:root, and the account id as
// its user id (as GetCallerIdentity reports it).
auth::Principal RootPrincipal(std::string_view account_id);

}  // namespace tw::server
