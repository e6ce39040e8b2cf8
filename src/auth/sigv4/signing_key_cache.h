// SPDX-License-Identifier: Apache-2.0
// SigningKeyCache: remembers derived SigV4 signing keys so a busy client costs one HMAC per
// request instead of five. Keyed by access key id, a hash of the secret (a rotated secret never
// hits a stale key), date, region and service; bounded, least recently used entries go first.
// Thread-safe (one mutex; the critical sections are map operations only).
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace tw::auth {

class SigningKeyCache {
 public:
  static constexpr std::size_t kDefaultCapacity = 4096;

  explicit SigningKeyCache(std::size_t capacity = kDefaultCapacity);
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  // The signing key for these inputs, derived on a miss.
  std::string Get(std::string_view access_key_id, std::string_view secret_access_key,
                  std::string_view date, std::string_view region, std::string_view service);

  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }

 private:
  using Entry = std::pair<std::string, std::string>;  // cache key, signing key

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> lru_;  // front = most recently used
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace tw::auth
