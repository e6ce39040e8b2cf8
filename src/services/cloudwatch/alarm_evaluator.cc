// SPDX-License-Identifier: Apache-2.0
#include "services/cloudwatch/alarm_evaluator.h"

#include <algorithm>

#include "services/cloudwatch/format.h"

namespace tw::services::cloudwatch {
namespace {

std::string_view Phrase(Comparison op) {
  switch (op) {
    case Comparison::kGreaterOrEqual:
      return "greater than or equal to";
    case Comparison::kGreater:
      return "greater than";
    case Comparison::kLess:
      return "less than";
    case Comparison::kLessOrEqual:
      return "less than or equal to";
  }
  return "";
}

std::string Plural(int n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

std::string_view WasWere(int n) { return n == 1 ? "was" : "were"; }

// "[5.0 (27/11/26 20:30:00), 3.0 (27/11/26 20:29:30)]", most recent first as AWS lists them.
std::string DatapointList(const std::vector<SlotDatapoint>& points) {
  std::string out = "[";
  for (auto it = points.rbegin(); it != points.rend(); ++it) {
    if (it != points.rbegin()) out += ", ";
    out += JavaDouble(it->value) + " (" + ReasonTime(it->timestamp_ms) + ")";
  }
  return out + "]";
}

struct Context {
  const EvaluationSettings& s;
  int n;
  int m;
  std::int64_t now_ms;
  std::int64_t start_ms;  // start of the oldest of the last N slots
};

std::string ReasonData(const Context& c, const std::vector<SlotDatapoint>& evaluated) {
  JsonWriter w;
  w.BeginObject().Key("version").String("1.0");
  w.Key("queryDate").String(AwsJsonTime(c.now_ms));
  w.Key("startDate").String(AwsJsonTime(c.start_ms));
  if (c.s.unit) w.Key("unit").String(*c.s.unit);
  w.Key("statistic").String(c.s.statistic);
  w.Key("period").Integer(c.s.period_s);
  w.Key("recentDatapoints").BeginArray();
  for (const SlotDatapoint& p : evaluated) w.Number(p.value);
  w.EndArray();
  w.Key("threshold").Number(c.s.threshold);
  w.Key("evaluatedDatapoints").BeginArray();
  for (auto it = evaluated.rbegin(); it != evaluated.rend(); ++it) {
    w.BeginObject().Key("timestamp").String(AwsJsonTime(it->timestamp_ms));
    w.Key("sampleCount").Number(it->sample_count).Key("value").Number(it->value).EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

// The "Threshold Crossed" reason for a decision made over real datapoints `evaluated`.
EvaluationResult Crossed(const Context& c, AlarmState state,
                         const std::vector<SlotDatapoint>& evaluated) {
  const bool alarm = state == AlarmState::kAlarm;
  std::vector<SlotDatapoint> listed;
  for (const SlotDatapoint& p : evaluated) {
    if (Breaches(p.value, c.s.comparison, c.s.threshold) == alarm) listed.push_back(p);
  }
  const int k = static_cast<int>(listed.size());
  std::string reason = "Threshold Crossed: ";
  const std::string relation =
      std::string(alarm ? "" : "not ") + std::string(Phrase(c.s.comparison));
  if (c.s.datapoints_to_alarm) {
    const int minimum = alarm ? c.m : c.n - c.m + 1;
    reason += std::to_string(k) + " out of the last " + std::to_string(c.n) + " datapoints " +
              DatapointList(listed) + " " + std::string(WasWere(k)) + " " + relation +
              " the threshold (" + JavaDouble(c.s.threshold) + ") (minimum " +
              Plural(minimum, "datapoint") + " for " + (alarm ? "OK -> ALARM" : "ALARM -> OK") +
              " transition).";
  } else {
    reason += Plural(k, "datapoint") + " " + DatapointList(listed) + " " + std::string(WasWere(k)) +
              " " + relation + " the threshold (" + JavaDouble(c.s.threshold) + ").";
  }
  return EvaluationResult{state, std::move(reason), ReasonData(c, evaluated), false};
}

// The reason when filled (missing) datapoints decided the state.
EvaluationResult Filled(const Context& c, AlarmState state, int filled,
                        const std::vector<SlotDatapoint>& real) {
  std::string reason =
      "Threshold Crossed: no datapoints were received for " + Plural(filled, "period") + " and " +
      Plural(filled, "missing datapoint") + " " + std::string(WasWere(filled)) + " treated as [" +
      (c.s.treat_missing == MissingData::kBreaching ? "Breaching" : "NonBreaching") + "].";
  return EvaluationResult{state, std::move(reason), ReasonData(c, real), false};
}

EvaluationResult Retain(const AlarmStatus& current) {
  return EvaluationResult{current.state, current.reason, current.reason_data, true};
}

int CountBreaching(const Context& c, const std::vector<SlotDatapoint>& points) {
  return static_cast<int>(std::count_if(points.begin(), points.end(), [&](const SlotDatapoint& p) {
    return Breaches(p.value, c.s.comparison, c.s.threshold);
  }));
}

}  // namespace

int EvaluationRangeSize(int evaluation_periods) { return evaluation_periods + 2; }

EvaluationResult EvaluateAlarm(const EvaluationSettings& settings,
                               const std::vector<std::optional<SlotDatapoint>>& slots,
                               const AlarmStatus& current, std::int64_t now_ms) {
  const int n = std::max(1, settings.evaluation_periods);
  const int m = std::clamp(settings.datapoints_to_alarm.value_or(n), 1, n);
  const int size = static_cast<int>(slots.size());
  // Start of the oldest of the last N slots, for StateReasonData's startDate.
  const std::int64_t period_ms = std::int64_t{settings.period_s} * 1000;
  std::int64_t newest_start = now_ms - now_ms % std::max<std::int64_t>(period_ms, 1);
  for (int i = size - 1; i >= 0; --i) {
    if (slots[i]) {
      newest_start = slots[i]->timestamp_ms + std::int64_t{size - 1 - i} * period_ms;
      break;
    }
  }
  Context c{settings, n, m, now_ms, newest_start - std::int64_t{n - 1} * period_ms};

  std::vector<SlotDatapoint> real;
  for (const auto& slot : slots) {
    if (slot) real.push_back(*slot);
  }

  // Percentiles with too few samples do not change the state (EvaluateLowSampleCountPercentile).
  if (settings.ignore_low_sample_percentile && !real.empty()) {
    const double p = *settings.ignore_low_sample_percentile / 100.0;
    const double needed = p >= 0.5 ? 10.0 / (1.0 - p) : 10.0 / p;
    if (p < 1.0 && real.back().sample_count < needed) return Retain(current);
  }
  // Alarms on DynamoDB metrics always treat missing data as ignore (documented exception).
  MissingData mode = settings.treat_missing;

  // Rules 1 and 2: enough real datapoints; the N most recent decide.
  if (static_cast<int>(real.size()) >= n) {
    std::vector<SlotDatapoint> evaluated(real.end() - n, real.end());
    const bool alarm = CountBreaching(c, evaluated) >= m;
    return Crossed(c, alarm ? AlarmState::kAlarm : AlarmState::kOk, evaluated);
  }

  const int to_fill = n - static_cast<int>(real.size());
  const int breaching_real = CountBreaching(c, real);
  const bool any_ok = breaching_real < static_cast<int>(real.size());
  switch (mode) {
    case MissingData::kBreaching: {
      const bool alarm = breaching_real + to_fill >= m;
      if (alarm) return Filled(c, AlarmState::kAlarm, to_fill, real);
      return Crossed(c, AlarmState::kOk, real);
    }
    case MissingData::kNotBreaching: {
      const bool alarm = breaching_real >= m;
      if (alarm) return Crossed(c, AlarmState::kAlarm, real);
      if (any_ok) return Crossed(c, AlarmState::kOk, real);
      return Filled(c, AlarmState::kOk, to_fill, real);
    }
    case MissingData::kMissing: {
      if (real.empty()) {
        return EvaluationResult{AlarmState::kInsufficientData,
                                "Insufficient Data: " + Plural(n, "datapoint") + " " +
                                    std::string(WasWere(n)) + " unknown.",
                                ReasonData(c, real), false};
      }
      if (breaching_real >= m) return Crossed(c, AlarmState::kAlarm, real);
      if (any_ok) return Crossed(c, AlarmState::kOk, real);
      // Premature-alarm rule: a breaching datapoint at least M slots old within the last N, with
      // only breaching or missing slots after it (all real ones breach here).
      for (int age = n; age >= m; --age) {
        const int index = size - age;
        if (index >= 0 && index < size && slots[index]) {
          return Crossed(c, AlarmState::kAlarm, real);
        }
      }
      return Retain(current);
    }
    case MissingData::kIgnore: {
      if (real.empty()) return Retain(current);
      if (breaching_real >= m) return Crossed(c, AlarmState::kAlarm, real);
      if (any_ok) return Crossed(c, AlarmState::kOk, real);
      return Retain(current);
    }
  }
  return Retain(current);
}

}  // namespace tw::services::cloudwatch
