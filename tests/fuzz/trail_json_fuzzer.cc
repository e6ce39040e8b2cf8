// SPDX-License-Identifier: Apache-2.0
// Fuzzes what CloudTrail reads back from storage and S3: the stored trail configuration and
// delivery state documents (TrailFromJson, StateFromJson), the stored Insights analyzer state
// (InsightsAnalyzer::FromJson, which must then evaluate its minutes) and gzip streams (Gunzip).
// Whatever parses must serialize and parse again to the same document; nothing may crash or
// hang.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "services/cloudtrail/insights.h"
#include "services/cloudtrail/log_files.h"
#include "services/cloudtrail/trail.h"
#include "testing/fixed_random.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tw::services::cloudtrail;
  const std::string input(reinterpret_cast<const char*>(data), size);
  if (auto trail = TrailFromJson(input)) {
    const std::string once = TrailToJson(*trail);
    auto again = TrailFromJson(once);
    if (!again || TrailToJson(*again) != once) std::abort();
  }
  if (auto state = StateFromJson(input)) {
    const std::string once = StateToJson(*state);
    auto again = StateFromJson(once);
    if (!again || StateToJson(*again) != once) std::abort();
  }
  InsightsOptions options;
  options.minute_millis = 1000;
  if (auto analyzer = InsightsAnalyzer::FromJson(input, options)) {
    const std::string once = analyzer->ToJson();
    auto again = InsightsAnalyzer::FromJson(once, options);
    if (!again || again->ToJson() != once) std::abort();
    tw::testing::FixedRandom random;
    analyzer->Tick(1'767'225'600'000, random);  // 2026-01-01: evaluates up to 7 days of minutes
    auto after = InsightsAnalyzer::FromJson(analyzer->ToJson(), options);
    if (!after) std::abort();
  }
  if (auto inflated = Gunzip(input)) {
    auto round = Gunzip(Gzip(*inflated));
    if (!round || *round != *inflated) std::abort();
  }
  return 0;
}
