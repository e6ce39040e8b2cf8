// SPDX-License-Identifier: Apache-2.0
#include "services/cloudwatch/statistics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace tw::services::cloudwatch {

std::vector<Aggregate> BucketPoints(const std::vector<RawPoint>& points, std::int64_t start_ms,
                                    std::int64_t end_ms, int period_s,
                                    const std::optional<std::string>& unit) {
  std::map<std::int64_t, Aggregate> buckets;
  const std::int64_t period_ms = std::int64_t{period_s} * 1000;
  if (period_ms <= 0) return {};
  for (const RawPoint& p : points) {
    if (p.timestamp_ms < start_ms || p.timestamp_ms >= end_ms) continue;
    if (unit && p.unit != *unit) continue;
    const std::int64_t bucket_start = p.timestamp_ms - (p.timestamp_ms % period_ms);
    auto [it, inserted] = buckets.try_emplace(bucket_start);
    Aggregate& a = it->second;
    if (inserted) {
      a.period_start_ms = bucket_start;
      a.unit = p.unit;
      a.minimum = p.minimum;
      a.maximum = p.maximum;
    } else {
      a.minimum = std::min(a.minimum, p.minimum);
      a.maximum = std::max(a.maximum, p.maximum);
    }
    a.sample_count += p.sample_count;
    a.sum += p.sum;
    a.values.insert(a.values.end(), p.values.begin(), p.values.end());
  }
  std::vector<Aggregate> out;
  out.reserve(buckets.size());
  for (auto& [start, a] : buckets) out.push_back(std::move(a));
  return out;
}

namespace {

void Merge(Aggregate& into, const Aggregate& from, bool first, bool with_values = true) {
  if (first) {
    into.unit = from.unit;
    into.minimum = from.minimum;
    into.maximum = from.maximum;
  } else {
    into.minimum = std::min(into.minimum, from.minimum);
    into.maximum = std::max(into.maximum, from.maximum);
  }
  into.sample_count += from.sample_count;
  into.sum += from.sum;
  if (with_values) into.values.insert(into.values.end(), from.values.begin(), from.values.end());
}

}  // namespace

void AddToSlots(Slots& slots, const RawPoint& p) {
  const std::int64_t start = p.timestamp_ms - (p.timestamp_ms % kSlotMillis);
  auto [it, inserted] = slots.try_emplace({start, p.unit});
  Aggregate& a = it->second;
  Aggregate one;
  one.unit = p.unit;
  one.minimum = p.minimum;
  one.maximum = p.maximum;
  one.sample_count = p.sample_count;
  one.sum = p.sum;
  one.values = p.values;
  a.period_start_ms = start;
  Merge(a, one, inserted);
}

std::vector<Aggregate> BucketSlots(const Slots& slots, std::int64_t start_ms, std::int64_t end_ms,
                                   int period_s, const std::optional<std::string>& unit,
                                   bool with_values) {
  std::vector<Aggregate> out;
  const std::int64_t period_ms = std::int64_t{period_s} * 1000;
  if (period_ms <= 0 || period_ms % kSlotMillis != 0) return out;
  // Slots wholly inside [start, end) at slot granularity: callers pass period-aligned ranges.
  for (auto it = slots.lower_bound({start_ms - (start_ms % kSlotMillis), std::string()});
       it != slots.end() && it->first.first < end_ms; ++it) {
    const auto& [key, slot] = *it;
    if (key.first < start_ms) continue;
    if (unit && key.second != *unit) continue;
    const std::int64_t bucket_start = key.first - (key.first % period_ms);
    const bool first = out.empty() || out.back().period_start_ms != bucket_start;
    if (first) {
      out.emplace_back();
      out.back().period_start_ms = bucket_start;
    }
    Merge(out.back(), slot, first, with_values);
  }
  return out;
}

bool IsStandardStat(std::string_view stat) {
  return stat == "SampleCount" || stat == "Average" || stat == "Sum" || stat == "Minimum" ||
         stat == "Maximum";
}

std::optional<double> ParsePercentile(std::string_view stat) {
  if (stat.size() < 2 || (stat[0] != 'p' && stat[0] != 'P')) return std::nullopt;
  std::string_view digits = stat.substr(1);
  // AWS allows at most two decimals (p99.99).
  const auto dot = digits.find('.');
  if (dot != std::string_view::npos && (digits.size() - dot - 1 > 2 || dot == 0)) {
    return std::nullopt;
  }
  for (char c : digits) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.')) return std::nullopt;
  }
  double p = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  if (p <= 0 || p > 100) return std::nullopt;
  return p;
}

bool IsSupportedStat(std::string_view stat) {
  return IsStandardStat(stat) || ParsePercentile(stat).has_value();
}

double PercentileSampleCount(const Aggregate& bucket) {
  double total = 0;
  for (const auto& [v, c] : bucket.values) total += c;
  return total;
}

std::optional<double> StatValue(const Aggregate& bucket, std::string_view stat) {
  if (stat == "SampleCount") return bucket.sample_count;
  if (stat == "Sum") return bucket.sum;
  if (stat == "Minimum") return bucket.minimum;
  if (stat == "Maximum") return bucket.maximum;
  if (stat == "Average") {
    if (bucket.sample_count <= 0) return std::nullopt;
    return bucket.sum / bucket.sample_count;
  }
  std::optional<double> p = ParsePercentile(stat);
  if (!p) return std::nullopt;
  std::vector<std::pair<double, double>> values = bucket.values;
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double total = PercentileSampleCount(bucket);
  if (total <= 0) return std::nullopt;
  // Nearest rank: the smallest value whose cumulative count reaches ceil(p% of the samples).
  const double rank = std::max(1.0, std::ceil(*p / 100.0 * total - 1e-9));
  double cumulative = 0;
  for (const auto& [v, c] : values) {
    cumulative += c;
    if (cumulative >= rank) return v;
  }
  return values.back().first;
}

}  // namespace tw::services::cloudwatch
