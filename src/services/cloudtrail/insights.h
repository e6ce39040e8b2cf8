// SPDX-License-Identifier: Apache-2.0
// InsightsAnalyzer: CloudTrail Insights for one trail and Region, as a pure state machine over
// the events it is shown and the clock it is given (CloudTrail User Guide, "Working with
// CloudTrail Insights"). ApiCallRateInsight counts write management calls per API
// (eventSource, eventName) per minute; ApiErrorRateInsight counts management calls that failed,
// per API and error code. A minute whose count reaches kFactor times the baseline (the average
// per-minute count over the minutes since Insights were enabled, at most the preceding 7 days)
// and at least kMinimum starts an insight: a Start event; the first later minute below that
// threshold ends it: an End event sharing its sharedEventID. AWS does not publish its model;
// this threshold rule is trailwatch's (see README). Attributions (userIdentityArn, userAgent,
// and errorCode for call-rate insights) list up to 5 values, highest average first.
// Not thread-safe: the deliverer's thread owns each analyzer.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "common/random.h"
#include "pipeline/trail_sink.h"

namespace tw::services::cloudtrail {

class InsightsAnalyzer {
 public:
  static constexpr double kFactor = 3.0;
  static constexpr std::int64_t kMinimum = 5;
  static constexpr std::int64_t kMaxBaselineMinutes = 10080;  // 7 days

  InsightsAnalyzer(std::string account_id, std::string region, bool call_rate, bool error_rate,
                   std::int64_t enabled_millis);

  // Counts `event` if an enabled insight type analyses it (management events of this Region).
  void Observe(const pipeline::TrailEvent& event);
  // Evaluates every minute that ended before `now_millis`; returns the Insights events (records
  // complete in record_json, category "Insight") in time order.
  std::vector<pipeline::TrailEvent> Tick(std::int64_t now_millis, RandomSource& random);

 private:
  using Counts = std::map<std::string, std::int64_t>;
  struct Minute {
    std::int64_t count = 0;
    Counts arns, agents, errors;
  };
  struct Series {
    std::map<std::int64_t, Minute> minutes;  // by minute index, recent ones
    // Baseline sums over the minutes already evaluated (within the 7-day window).
    std::int64_t baseline_count = 0;
    Counts baseline_arns, baseline_agents, baseline_errors;
    std::map<std::int64_t, Minute> evaluated;  // kept to age out of the baseline window
    bool active = false;
    std::int64_t start_minute = 0;
    double threshold = 0;
    double start_baseline = 0;
    std::int64_t start_baseline_minutes = 0;
    Minute anomaly;  // sums over the anomaly
    std::string shared_id;
  };
  using Key = std::tuple<std::string, std::string, std::string, std::string>;  // type, source,
                                                                               // name, error

  pipeline::TrailEvent MakeEvent(const Key& key, const Series& s, bool start, std::int64_t minute,
                                 const Minute& insight, std::int64_t insight_minutes,
                                 RandomSource& random) const;
  void Evaluate(const Key& key, Series& s, std::int64_t minute, const Minute& m,
                RandomSource& random, std::vector<pipeline::TrailEvent>& out);

  std::string account_id_;
  std::string region_;
  bool call_rate_;
  bool error_rate_;
  std::int64_t enabled_minute_;
  std::int64_t next_minute_;  // first minute not evaluated yet
  std::map<Key, Series> series_;
};

}  // namespace tw::services::cloudtrail
