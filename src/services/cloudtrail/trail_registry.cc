// SPDX-License-Identifier: Apache-2.0
#include "services/cloudtrail/trail_registry.h"

namespace tw::services::cloudtrail {

using store::Connection;
using store::StepResult;

Result<std::unique_ptr<TrailRegistry>> TrailRegistry::Load(store::Database& database) {
  std::unique_ptr<TrailRegistry> registry(new TrailRegistry(database));
  Status loaded = database.Read([&](Connection& c) -> Status {
    auto st = c.Prepare("SELECT config, state FROM trails");
    if (!st) return st.error();
    while (true) {
      auto step = st->Step();
      if (!step) return step.error();
      if (*step == StepResult::kDone) break;
      auto trail = TrailFromJson(st->ColumnString(0));
      if (!trail) return trail.error();
      auto state = StateFromJson(st->ColumnString(1));
      if (!state) return state.error();
      std::string key = KeyOf(*trail);
      registry->trails_[key] = std::make_shared<const Trail>(std::move(trail).value());
      registry->states_[key] = std::move(state).value();
    }
    return {};
  });
  if (!loaded) return loaded.error();
  std::lock_guard lock(registry->mu_);
  registry->Publish();
  return registry;
}

void TrailRegistry::Publish() {
  auto list = std::make_shared<std::vector<TrailPtr>>();
  int logging = 0;
  int data = 0;
  for (const auto& [key, trail] : trails_) {
    list->push_back(trail);
    if (trail->logging) ++logging;
    if (trail->logging && MayLogDataEvents(*trail)) ++data;
  }
  snapshot_ = std::move(list);
  logging_count_.store(logging, std::memory_order_relaxed);
  data_count_.store(data, std::memory_order_relaxed);
}

TrailRegistry::Snapshot TrailRegistry::trails() const {
  std::lock_guard lock(mu_);
  return snapshot_;
}

TrailRegistry::TrailPtr TrailRegistry::Find(const std::string& account, const std::string& region,
                                            const std::string& name_or_arn) const {
  std::lock_guard lock(mu_);
  if (name_or_arn.starts_with("arn:")) {
    // arn:aws:cloudtrail:<region>:<account>:trail/<name>
    for (const auto& [key, trail] : trails_) {
      if (trail->Arn() == name_or_arn) return trail;
    }
    return nullptr;
  }
  if (auto it = trails_.find(account + "|" + region + "|" + name_or_arn); it != trails_.end()) {
    return it->second;
  }
  for (const auto& [key, trail] : trails_) {
    if (trail->account_id == account && trail->name == name_or_arn && trail->multi_region) {
      return trail;
    }
  }
  return nullptr;
}

Result<bool> TrailRegistry::Insert(const Trail& trail) {
  std::lock_guard lock(mu_);
  const std::string key = KeyOf(trail);
  if (trails_.contains(key)) return false;
  TrailState state;
  Status written = db_.Write([&](Connection& c) -> Status {
    auto st = c.Prepare(
        "INSERT INTO trails (account_id, home_region, name, config, state) VALUES (?,?,?,?,?)");
    if (!st) return st.error();
    if (Status b = st->BindAll(trail.account_id, trail.home_region, trail.name, TrailToJson(trail),
                               StateToJson(state));
        !b) {
      return b;
    }
    return st->Exec();
  });
  if (!written) return written.error();
  if (Status synced = db_.Sync(); !synced) return synced.error();
  trails_[key] = std::make_shared<const Trail>(trail);
  states_[key] = std::move(state);
  Publish();
  return true;
}

Status TrailRegistry::Replace(const Trail& trail) {
  std::lock_guard lock(mu_);
  const std::string key = KeyOf(trail);
  Status written = db_.Write([&](Connection& c) -> Status {
    auto st = c.Prepare(
        "UPDATE trails SET config = ? WHERE account_id = ? AND home_region = ? AND name = ?");
    if (!st) return st.error();
    if (Status b = st->BindAll(TrailToJson(trail), trail.account_id, trail.home_region, trail.name);
        !b) {
      return b;
    }
    return st->Exec();
  });
  if (!written) return written;
  if (Status synced = db_.Sync(); !synced) return synced;
  trails_[key] = std::make_shared<const Trail>(trail);
  Publish();
  return {};
}

Status TrailRegistry::Remove(const Trail& trail) {
  std::lock_guard lock(mu_);
  const std::string key = KeyOf(trail);
  Status written = db_.Write([&](Connection& c) -> Status {
    auto st = c.Prepare("DELETE FROM trails WHERE account_id = ? AND home_region = ? AND name = ?");
    if (!st) return st.error();
    if (Status b = st->BindAll(trail.account_id, trail.home_region, trail.name); !b) return b;
    if (Status done = st->Exec(); !done) return done;
    // Its Insights baselines go with it (a new trail of the same name learns afresh).
    auto insights = c.Prepare("DELETE FROM insights_baselines WHERE trail_key = ?");
    if (!insights) return insights.error();
    if (Status b = insights->BindAll(key); !b) return b;
    return insights->Exec();
  });
  if (!written) return written;
  if (Status synced = db_.Sync(); !synced) return synced;
  trails_.erase(key);
  states_.erase(key);
  dirty_.erase(key);
  Publish();
  return {};
}

TrailState TrailRegistry::State(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = states_.find(key);
  return it == states_.end() ? TrailState{} : it->second;
}

void TrailRegistry::UpdateState(const std::string& key,
                                const std::function<void(TrailState&)>& change) {
  std::lock_guard lock(mu_);
  if (!trails_.contains(key)) return;
  change(states_[key]);
  dirty_[key] = true;
}

Status TrailRegistry::SaveState() {
  std::vector<std::pair<const Trail*, std::string>> changed;
  std::vector<TrailPtr> keep;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, dirty] : dirty_) {
      auto it = trails_.find(key);
      if (!dirty || it == trails_.end()) continue;
      keep.push_back(it->second);
      changed.emplace_back(it->second.get(), StateToJson(states_[key]));
    }
    dirty_.clear();
  }
  if (changed.empty()) return {};
  return db_.Write([&](Connection& c) -> Status {
    for (const auto& [trail, state] : changed) {
      auto st = c.Prepare(
          "UPDATE trails SET state = ? WHERE account_id = ? AND home_region = ? AND name = ?");
      if (!st) return st.error();
      if (Status b = st->BindAll(state, trail->account_id, trail->home_region, trail->name); !b) {
        return b;
      }
      if (Status done = st->Exec(); !done) return done;
    }
    return {};
  });
}

}  // namespace tw::services::cloudtrail
