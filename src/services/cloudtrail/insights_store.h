// SPDX-License-Identifier: Apache-2.0
// InsightsStore: where each (trail, Region) InsightsAnalyzer keeps its state between runs, in
// cloudtrail.db's insights_baselines table (migration 0005), keyed by the trail's registry key
// and the Region, with the insight types the state was learned for. Thread-safe (as Database is).
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "store/database.h"

namespace tw::services::cloudtrail {

struct StoredInsights {
  std::string insight_types;  // comma-separated, as the trail had them
  std::string state;          // InsightsAnalyzer::ToJson
};

class InsightsStore {
 public:
  explicit InsightsStore(store::Database& database) : db_(database) {}

  Result<std::optional<StoredInsights>> Load(const std::string& trail_key,
                                             const std::string& region);
  Status Save(const std::string& trail_key, const std::string& region,
              const StoredInsights& stored);
  // Forgets every Region's state of a trail (deleted, or its insight types changed).
  Status Remove(const std::string& trail_key);

 private:
  store::Database& db_;
};

}  // namespace tw::services::cloudtrail
