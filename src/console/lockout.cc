// SPDX-License-Identifier: Apache-2.0
#include "console/lockout.h"

#include <algorithm>
#include <cctype>

namespace tw::console {

std::string LockoutTracker::Key(std::string_view account, std::string_view user_name) {
  // Length-prefixed, so no (account, user) pair can spell another's key.
  std::string key = std::to_string(account.size()) + ":";
  key.reserve(key.size() + account.size() + user_name.size() + 1);
  for (char c : account)
    key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  key.push_back('/');
  for (char c : user_name) {
    key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return key;
}

void LockoutTracker::Prune(Entry& entry, std::int64_t now) const {
  while (!entry.failures.empty() && now - entry.failures.front() >= policy_.window_millis) {
    entry.failures.pop_front();
  }
}

std::int64_t LockoutTracker::LockedFor(const std::string& key, std::int64_t now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  return std::max<std::int64_t>(0, it->second.locked_until - now);
}

bool LockoutTracker::RecordFailure(const std::string& key, std::int64_t now) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= policy_.max_keys && !entries_.count(key)) {
    // Forget keys with no recent failure and no lock; if that frees nothing, the stalest one.
    std::erase_if(entries_, [&](const auto& item) {
      return item.second.locked_until <= now &&
             now - item.second.last_millis >= policy_.window_millis;
    });
    if (entries_.size() >= policy_.max_keys) {
      auto stalest = std::min_element(
          entries_.begin(), entries_.end(),
          [](const auto& a, const auto& b) { return a.second.last_millis < b.second.last_millis; });
      if (stalest != entries_.end()) entries_.erase(stalest);
    }
  }
  Entry& entry = entries_[key];
  entry.last_millis = now;
  Prune(entry, now);
  entry.failures.push_back(now);
  if (static_cast<int>(entry.failures.size()) >= policy_.max_failures &&
      entry.locked_until <= now) {
    entry.locked_until = now + policy_.lock_millis;
    entry.failures.clear();
    return true;
  }
  return false;
}

void LockoutTracker::Reset(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

}  // namespace tw::console
