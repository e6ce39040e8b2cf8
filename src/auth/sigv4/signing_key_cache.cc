// SPDX-License-Identifier: Apache-2.0
#include "auth/sigv4/signing_key_cache.h"

#include "auth/sigv4/canonical.h"
#include "common/crypto.h"

namespace tw::auth {
namespace {

// Length-prefixed fields, so no two different inputs can produce the same key whatever bytes a
// client puts in its scope.
void AppendField(std::string& key, std::string_view field) {
  key += std::to_string(field.size());
  key += ':';
  key += field;
}

}  // namespace

SigningKeyCache::SigningKeyCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

std::string SigningKeyCache::Get(std::string_view access_key_id, std::string_view secret_access_key,
                                 std::string_view date, std::string_view region,
                                 std::string_view service) {
  std::string key;
  key.reserve(access_key_id.size() + date.size() + region.size() + service.size() + 48);
  AppendField(key, access_key_id);
  AppendField(key, Sha256(secret_access_key));
  AppendField(key, date);
  AppendField(key, region);
  AppendField(key, service);
  {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->second;
    }
  }
  // Derive outside the lock; two threads racing on the same miss both compute the same value.
  std::string signing_key = DeriveSigningKey(secret_access_key, date, region, service);
  std::lock_guard lock(mutex_);
  if (index_.find(key) == index_.end()) {
    lru_.emplace_front(key, signing_key);
    index_.emplace(std::move(key), lru_.begin());
    while (lru_.size() > capacity_) {
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }
  return signing_key;
}

std::size_t SigningKeyCache::size() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

}  // namespace tw::auth
