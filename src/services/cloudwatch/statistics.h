// SPDX-License-Identifier: Apache-2.0
// Statistics over raw points: bucketing points into periods (GetMetricStatistics, GetMetricData,
// alarms) and computing one statistic of a bucket. Supported statistics are the five standard ones
// (SampleCount, Average, Sum, Minimum, Maximum) and percentiles pNN / pNN.NN; the trimmed and
// winsorized families (tm, tc, ts, wm, IQM, PR) are refused by IsSupportedStat with a clear error
// by the callers. Percentiles use the nearest-rank method over the published values (weighted by
// Counts); StatisticValues-only points carry no distribution and are left out of percentiles.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/cloudwatch/types.h"

namespace tw::services::cloudwatch {

// Points with timestamps in [start, end) grouped into periods aligned to `period_s` from the
// epoch (as CloudWatch aligns them), oldest first; empty periods are absent. `unit` filters.
std::vector<Aggregate> BucketPoints(const std::vector<RawPoint>& points, std::int64_t start_ms,
                                    std::int64_t end_ms, int period_s,
                                    const std::optional<std::string>& unit);

// Pre-aggregated 10-second slots of one metric, keyed by (slot start, unit): alarms evaluate
// over these instead of every raw point, so an evaluation costs the slots in its range, however
// many points a period holds. Periods that are multiples of 10 s combine whole slots, exactly.
inline constexpr std::int64_t kSlotMillis = 10'000;
using Slots = std::map<std::pair<std::int64_t, std::string>, Aggregate>;
void AddToSlots(Slots& slots, const RawPoint& point);
// As BucketPoints, from slots; REQUIRES: period_s is a multiple of 10.
// `with_values` false leaves Aggregate::values empty: the five standard statistics do not need
// them, and percentiles (the only users) would copy every value of the range.
std::vector<Aggregate> BucketSlots(const Slots& slots, std::int64_t start_ms, std::int64_t end_ms,
                                   int period_s, const std::optional<std::string>& unit,
                                   bool with_values = true);

bool IsStandardStat(std::string_view stat);
// "p99" -> 99, "p99.9" -> 99.9; nullopt when not a percentile in (0, 100].
std::optional<double> ParsePercentile(std::string_view stat);
bool IsSupportedStat(std::string_view stat);

// The value of `stat` over `bucket`; nullopt when it has no value (a percentile of a bucket
// holding only statistic sets).
std::optional<double> StatValue(const Aggregate& bucket, std::string_view stat);
// Samples a percentile is computed over (the values' total count).
double PercentileSampleCount(const Aggregate& bucket);

}  // namespace tw::services::cloudwatch
