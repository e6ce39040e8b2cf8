// SPDX-License-Identifier: Apache-2.0
// InsightsAnalyzer: CloudTrail Insights for one trail and Region, as a pure state machine over
// the events it is shown and the clock it is given (CloudTrail User Guide, "Working with
// CloudTrail Insights", "CloudTrail record contents for Insights events for trails").
// ApiCallRateInsight counts write management calls per API (eventSource, eventName) per minute;
// ApiErrorRateInsight counts management calls that failed, per API and error code. The baseline
// is the average per-minute count over the preceding 7 days rounded out to whole days (as AWS:
// baselineDuration 10080 to 11519 minutes), or the minutes since Insights were enabled when
// fewer; minutes are summed per day, so a state holds at most 8 days per API. Once the baseline
// spans the learning period, a minute whose count reaches kFactor times the baseline and at
// least kMinimum starts an insight: a Start event; the first later minute below that threshold
// ends it: an End event sharing its sharedEventID. AWS does not publish its model; this
// threshold rule is trailwatch's (see README). Attributions
// (userIdentityArn, userAgent, and errorCode for call-rate insights) list up to 5 values,
// highest average first. The whole state round-trips through ToJson/FromJson, so a restarted
// server keeps its baselines (cloudtrail.db, InsightsStore).
// Not thread-safe: the deliverer's thread owns each analyzer.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "pipeline/trail_sink.h"

namespace tw::services::cloudtrail {

struct InsightsOptions {
  // The unit the analysis counts in ("minute"); shorter only for tests
  // (--insights-minute-millis).
  std::int64_t minute_millis = 60'000;
  // No insight starts before the baseline spans this many minutes (AWS: the first Insights event
  // can take up to 36 hours); --insights-learning-minutes.
  std::int64_t learning_minutes = 2160;
  // A minute is evaluated this long after it ends, so events still on their way through the
  // recorder and the deliverer's queue are counted in it.
  std::int64_t grace_millis = 5'000;
};

class InsightsAnalyzer {
 public:
  static constexpr double kFactor = 3.0;
  static constexpr std::int64_t kMinimum = 5;
  static constexpr std::int64_t kMaxBaselineMinutes = 10080;  // 7 days
  static constexpr std::int64_t kDayMinutes = 1440;

  InsightsAnalyzer(std::string account_id, std::string region, bool call_rate, bool error_rate,
                   std::int64_t enabled_millis, InsightsOptions options = {});

  // Counts `event` if an enabled insight type analyses it (management events of this Region).
  void Observe(const pipeline::TrailEvent& event);
  // Evaluates every minute that ended (plus the grace) before `now_millis`; returns the Insights
  // events (records complete in record_json, category "Insight") in time order.
  std::vector<pipeline::TrailEvent> Tick(std::int64_t now_millis, RandomSource& random);
  // True when Observe or Tick changed the state since the last ClearChanged (it needs saving).
  bool changed() const { return changed_; }
  void ClearChanged() { changed_ = false; }

  // The complete state (baselines, minutes not yet evaluated, an insight in progress).
  std::string ToJson() const;
  // A state written by ToJson; an error when it is malformed or was counted in other minutes
  // (a different minute_millis), so the caller starts afresh.
  static Result<InsightsAnalyzer> FromJson(std::string_view json, InsightsOptions options);

 private:
  using Counts = std::map<std::string, std::int64_t>;
  struct Minute {
    std::int64_t count = 0;
    Counts arns, agents, errors;
  };
  struct Series {
    std::map<std::int64_t, Minute> minutes;  // by minute index, not evaluated yet
    // Baseline sums over the minutes already evaluated (within the baseline window).
    std::int64_t baseline_count = 0;
    Counts baseline_arns, baseline_agents, baseline_errors;
    std::map<std::int64_t, Minute> days;  // evaluated minutes summed by day, to age out

    bool active = false;
    std::int64_t start_minute = 0;
    double threshold = 0;
    double start_baseline = 0;
    std::int64_t start_baseline_minutes = 0;
    Minute start_attributions;  // the baseline's attribution sums when the insight started
    Minute anomaly;             // sums over the anomaly
    std::string shared_id;
  };
  using Key = std::tuple<std::string, std::string, std::string, std::string>;  // type, source,
                                                                               // name, error

  pipeline::TrailEvent MakeEvent(const Key& key, const Series& s, bool start, std::int64_t minute,
                                 const Minute& insight, std::int64_t insight_minutes,
                                 RandomSource& random) const;
  void Evaluate(const Key& key, Series& s, std::int64_t minute, const Minute& m,
                RandomSource& random, std::vector<pipeline::TrailEvent>& out);
  // The first minute of the baseline window of `minute`: the start of the day holding
  // minute - 7 days, or the minute Insights were enabled if later.
  std::int64_t WindowStart(std::int64_t minute) const;
  // Drops the days that ended before `window_start` from the baseline sums.
  static void AgeOut(Series& s, std::int64_t window_start);

  std::string account_id_;
  std::string region_;
  bool call_rate_;
  bool error_rate_;
  InsightsOptions options_;
  std::int64_t enabled_minute_;
  std::int64_t next_minute_;  // first minute not evaluated yet
  std::map<Key, Series> series_;
  bool changed_ = false;
};

}  // namespace tw::services::cloudtrail
