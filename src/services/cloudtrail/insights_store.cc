// SPDX-License-Identifier: Apache-2.0
#include "services/cloudtrail/insights_store.h"

namespace tw::services::cloudtrail {

using store::Connection;
using store::StepResult;

Result<std::optional<StoredInsights>> InsightsStore::Load(const std::string& trail_key,
                                                          const std::string& region) {
  return db_.Read([&](Connection& c) -> Result<std::optional<StoredInsights>> {
    auto st = c.Prepare(
        "SELECT insight_types, state FROM insights_baselines WHERE trail_key = ? AND region = ?");
    if (!st) return st.error();
    if (Status b = st->BindAll(trail_key, region); !b) return b.error();
    auto step = st->Step();
    if (!step) return step.error();
    if (*step == StepResult::kDone) return std::optional<StoredInsights>();
    return std::optional<StoredInsights>(StoredInsights{st->ColumnString(0), st->ColumnString(1)});
  });
}

Status InsightsStore::Save(const std::string& trail_key, const std::string& region,
                           const StoredInsights& stored) {
  return db_.Write([&](Connection& c) -> Status {
    auto st = c.Prepare(
        "INSERT INTO insights_baselines (trail_key, region, insight_types, state) "
        "VALUES (?,?,?,?) ON CONFLICT (trail_key, region) DO UPDATE SET "
        "insight_types = excluded.insight_types, state = excluded.state");
    if (!st) return st.error();
    if (Status b = st->BindAll(trail_key, region, stored.insight_types, stored.state); !b) {
      return b;
    }
    return st->Exec();
  });
}

Status InsightsStore::Remove(const std::string& trail_key) {
  return db_.Write([&](Connection& c) -> Status {
    auto st = c.Prepare("DELETE FROM insights_baselines WHERE trail_key = ?");
    if (!st) return st.error();
    if (Status b = st->BindAll(trail_key); !b) return b;
    return st->Exec();
  });
}

}  // namespace tw::services::cloudtrail
