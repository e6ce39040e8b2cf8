// SPDX-License-Identifier: Apache-2.0
#include "server/credential_store.h"

#include <spdlog/spdlog.h>

#include "store/sqlite/connection.h"
#include "store/sqlite/statement.h"

namespace tw::server {

auth::Principal RootPrincipal(std::string_view account_id) {
  auth::Principal principal;
  principal.type = auth::PrincipalType::kRoot;
  principal.account_id = std::string(account_id);
  principal.arn = "arn:aws:iam::" + principal.account_id + ":root";
  principal.user_id = principal.account_id;
  return principal;
}

std::optional<auth::Credential> StoreCredentialProvider::FindSession(
    std::string_view access_key_id) const {
  auto found =
      sessions_->Read([&](store::Connection& c) -> Result<std::optional<auth::Credential>> {
        auto stmt = c.Prepare(
            "SELECT secret_access_key, session_token, account_id, principal_type, arn, user_id, "
            "user_name, mfa_authenticated, expires_at, created_at, mfa_authenticated_at, "
            "session_policy, session_policy_arns FROM sts_sessions WHERE access_key_id = ?");
        if (!stmt) return std::move(stmt).error();
        if (Status st = stmt->BindAll(access_key_id); !st) return std::move(st).error();
        auto step = stmt->Step();
        if (!step) return std::move(step).error();
        if (*step != store::StepResult::kRow) return std::optional<auth::Credential>();
        auth::Credential credential;
        credential.access_key_id = std::string(access_key_id);
        credential.secret_access_key = stmt->ColumnString(0);
        credential.session_token = stmt->ColumnString(1);
        credential.expires_millis = stmt->ColumnInt64(8);
        auth::Principal& principal = credential.principal;
        std::string type = stmt->ColumnString(3);
        if (type == "root") {
          principal = RootPrincipal(stmt->ColumnString(2));
        } else {
          principal.type = type == "assumed-role"     ? auth::PrincipalType::kAssumedRole
                           : type == "federated-user" ? auth::PrincipalType::kFederatedUser
                                                      : auth::PrincipalType::kIamUser;
          principal.account_id = stmt->ColumnString(2);
          principal.arn = stmt->ColumnString(4);
          principal.user_id = stmt->ColumnString(5);
          principal.user_name = stmt->ColumnString(6);
        }
        principal.access_key_id = credential.access_key_id;
        principal.mfa_authenticated = stmt->ColumnInt64(7) != 0;
        principal.session_expires_millis = credential.expires_millis;
        principal.session_issued_millis = stmt->ColumnInt64(9);
        if (!stmt->ColumnIsNull(10)) principal.mfa_authenticated_millis = stmt->ColumnInt64(10);
        if (!stmt->ColumnIsNull(11)) principal.session_policy = stmt->ColumnString(11);
        if (!stmt->ColumnIsNull(12)) {
          // One ARN per line.
          std::string arns = stmt->ColumnString(12);
          std::size_t start = 0;
          while (start < arns.size()) {
            std::size_t end = arns.find('\n', start);
            if (end == std::string::npos) end = arns.size();
            if (end > start)
              principal.session_policy_arns.push_back(arns.substr(start, end - start));
            start = end + 1;
          }
        }
        return std::optional<auth::Credential>(std::move(credential));
      });
  if (!found) {
    spdlog::error("session credential lookup failed: {}", found.error().message);
    return std::nullopt;
  }
  return std::move(*found);
}

void StoreCredentialProvider::CacheWhile(std::function<std::uint64_t()> generation) {
  std::unique_lock lock(cache_mutex_);
  generation_ = std::move(generation);
  cache_.clear();
  cached_generation_ = generation_ ? generation_() : 0;
}

std::optional<auth::Credential> StoreCredentialProvider::Find(
    std::string_view access_key_id) const {
  // Temporary credentials issued by STS: ASIA... ids.
  if (sessions_ && access_key_id.starts_with("ASIA")) return FindSession(access_key_id);
  if (!generation_) return FindLongTerm(access_key_id);
  // The generation is read before the store: an entry read under a generation that has moved
  // since may predate the write that moved it, so it is returned but not kept.
  const std::uint64_t generation = generation_();
  {
    std::shared_lock lock(cache_mutex_);
    if (generation == cached_generation_) {
      if (auto it = cache_.find(std::string(access_key_id)); it != cache_.end()) return it->second;
    }
  }
  std::optional<auth::Credential> found = FindLongTerm(access_key_id);
  if (!found) return found;
  std::unique_lock lock(cache_mutex_);
  const std::uint64_t now = generation_();
  if (now != cached_generation_) {
    cache_.clear();
    cached_generation_ = now;
  }
  if (generation == now) {
    // An account has at most a few keys per user; the bound only guards memory.
    if (cache_.size() >= kMaxCachedKeys) cache_.clear();
    cache_.insert_or_assign(std::string(access_key_id), *found);
  }
  return found;
}

std::optional<auth::Credential> StoreCredentialProvider::FindLongTerm(
    std::string_view access_key_id) const {
  auto record = accounts_.FindAccessKey(access_key_id);
  if (!record) {
    // A store failure must not read as "unknown key" silently; it is logged, and the request is
    // refused (failing closed).
    spdlog::error("credential lookup failed: {}", record.error().message);
    return std::nullopt;
  }
  if (!record->has_value()) return std::nullopt;
  const store::AccessKeyRecord& key = **record;
  auth::Credential credential;
  credential.access_key_id = key.access_key_id;
  credential.secret_access_key = key.secret_access_key;
  credential.active = key.status == store::KeyStatus::kActive;
  if (key.owner == store::KeyOwner::kRoot) {
    credential.principal = RootPrincipal(key.account_id);
  } else {
    credential.principal.type = auth::PrincipalType::kIamUser;
    credential.principal.account_id = key.account_id;
    credential.principal.user_name = key.user_name;
    std::string path = "/";
    // The user's path and unique id live in the IAM tables.
    auto user = accounts_.FindIamUser(key.account_id, key.user_name);
    if (!user) {
      spdlog::error("IAM user lookup failed: {}", user.error().message);
      return std::nullopt;
    }
    if (user->has_value()) {
      path = (*user)->path;
      credential.principal.user_id = (*user)->user_id;
      credential.principal.user_name = (*user)->user_name;
    }
    credential.principal.arn =
        "arn:aws:iam::" + key.account_id + ":user" + path + credential.principal.user_name;
  }
  credential.principal.access_key_id = key.access_key_id;
  return credential;
}

void StoreCredentialProvider::RecordUse(std::string_view access_key_id, std::int64_t now_millis,
                                        std::string_view service, std::string_view region) const {
  {
    std::lock_guard<std::mutex> lock(use_mutex_);
    auto [it, inserted] = last_recorded_.try_emplace(std::string(access_key_id), now_millis);
    if (!inserted) {
      if (now_millis - it->second < kKeyUseIntervalMillis) return;
      it->second = now_millis;
    }
  }
  if (Status st = accounts_.RecordKeyUse(access_key_id, now_millis, service, region); !st) {
    spdlog::warn("recording use of access key {} failed: {}", access_key_id, st.error().message);
  }
}

}  // namespace tw::server
