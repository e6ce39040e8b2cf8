// SPDX-License-Identifier: Apache-2.0
// TrailRegistry: every trail of the server, held in memory (the deliverer reads a snapshot for
// each batch of events without touching SQLite) and persisted in cloudtrail.db's trails table
// (migration 0002). Configuration changes are written through at once; delivery state (times,
// errors, digest chains) is kept in memory and written by SaveState, which the deliverer calls
// after each delivery round and at shutdown. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "services/cloudtrail/trail.h"
#include "store/database.h"

namespace tw::services::cloudtrail {

class TrailRegistry {
 public:
  using TrailPtr = std::shared_ptr<const Trail>;
  using Snapshot = std::shared_ptr<const std::vector<TrailPtr>>;

  static Result<std::unique_ptr<TrailRegistry>> Load(store::Database& database);

  // Every trail, immutable; cheap (one shared_ptr copy under the lock).
  Snapshot trails() const;
  // True when at least one trail is logging (the recorder skips fan-out otherwise).
  bool any_logging() const { return logging_count_.load(std::memory_order_relaxed) > 0; }
  // True when a logging trail's selectors may select data events.
  bool any_logging_data() const { return data_count_.load(std::memory_order_relaxed) > 0; }

  // The trail a request in `region` means by `name_or_arn`: a trail of that Region, or a
  // multi-Region trail of another Region (its shadow); by ARN, exactly that trail.
  TrailPtr Find(const std::string& account, const std::string& region,
                const std::string& name_or_arn) const;

  // Inserts a new trail; false when (account, home region, name) exists.
  Result<bool> Insert(const Trail& trail);
  // Replaces an existing trail's configuration.
  Status Replace(const Trail& trail);
  Status Remove(const Trail& trail);

  static std::string KeyOf(const Trail& trail) {
    return trail.account_id + "|" + trail.home_region + "|" + trail.name;
  }
  TrailState State(const std::string& key) const;
  // Applies `change` to the in-memory state (no write).
  void UpdateState(const std::string& key, const std::function<void(TrailState&)>& change);
  // Writes the states changed since the last call.
  Status SaveState();

 private:
  explicit TrailRegistry(store::Database& database) : db_(database) {}
  void Publish();  // REQUIRES: mu_ held. Rebuilds the snapshot.

  store::Database& db_;
  mutable std::mutex mu_;
  std::map<std::string, TrailPtr> trails_;    // GUARDED_BY(mu_), by KeyOf
  std::map<std::string, TrailState> states_;  // GUARDED_BY(mu_)
  std::map<std::string, bool> dirty_;         // GUARDED_BY(mu_)
  Snapshot snapshot_;                         // GUARDED_BY(mu_)
  std::atomic<int> logging_count_{0};
  std::atomic<int> data_count_{0};
};

}  // namespace tw::services::cloudtrail
