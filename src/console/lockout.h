// SPDX-License-Identifier: Apache-2.0
// Sign-in lock-out: after `max_failures` failed sign-ins for one (account, user name) within
// `window`, further attempts for that name are refused for `lock` without checking the password.
// Keys are the names as typed (lower-cased), whether or not such a user exists, so a lock-out
// reveals nothing about which users exist. In memory; thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace tw::console {

struct LockoutPolicy {
  int max_failures = 5;
  std::int64_t window_millis = 15 * 60 * 1000;
  std::int64_t lock_millis = 15 * 60 * 1000;
  std::size_t max_keys = 100000;  // beyond this, the stalest keys are forgotten
};

class LockoutTracker {
 public:
  explicit LockoutTracker(LockoutPolicy policy = {}) : policy_(policy) {}

  // The key attempts are counted under: account and user name, lower-cased.
  static std::string Key(std::string_view account, std::string_view user_name);
  // Milliseconds until `key` unlocks; 0 when it is not locked.
  std::int64_t LockedFor(const std::string& key, std::int64_t now_millis);
  // Counts a failure; returns true when this failure locks the key.
  bool RecordFailure(const std::string& key, std::int64_t now_millis);
  // A successful sign-in clears the key's failures.
  void Reset(const std::string& key);

 private:
  struct Entry {
    std::deque<std::int64_t> failures;  // times within the window
    std::int64_t locked_until = 0;
    std::int64_t last_millis = 0;
  };
  void Prune(Entry& entry, std::int64_t now) const;

  const LockoutPolicy policy_;
  std::mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace tw::console
