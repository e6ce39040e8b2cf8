// SPDX-License-Identifier: Apache-2.0
// Names of trailwatch's own operations on the wire (models/trailwatch.json), and the calls the
// client commands make to them and to CloudWatch Logs and CloudWatch.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/aws_client.h"

namespace tw::cli {

inline constexpr char kTrailwatchSigningName[] = "trailwatch";
inline constexpr char kTrailwatchTargetPrefix[] = "TrailWatch_20261127";
inline constexpr char kLogsTargetPrefix[] = "Logs_20140328";
inline constexpr char kCloudWatchVersion[] = "2010-08-01";

inline Result<boost::json::object> CallTrailwatch(AwsClient& client, const std::string& operation,
                                                  const boost::json::object& body) {
  return client.CallJson(kTrailwatchSigningName, kTrailwatchTargetPrefix, operation, "1.1", body);
}

inline Result<boost::json::object> CallLogs(AwsClient& client, const std::string& operation,
                                            const boost::json::object& body) {
  return client.CallJson("logs", kLogsTargetPrefix, operation, "1.1", body);
}

// Seconds since the epoch (JSON protocol timestamps) ↔ milliseconds.
inline double JsonTime(std::int64_t millis) { return static_cast<double>(millis) / 1000.0; }
std::int64_t MillisOf(const boost::json::value* v);

struct ReplaySummary {
  std::vector<std::string> replayed;
  std::vector<std::string> skipped;  // "name: reason"
  struct Transition {
    std::string alarm;
    std::int64_t millis = 0;
    std::string from, to;
  };
  std::vector<Transition> transitions;
};

Result<ReplaySummary> ReplayAlarms(AwsClient& client, std::int64_t start_millis,
                                   std::int64_t end_millis,
                                   const std::vector<std::string>& alarm_names);

// One line per alarm that went to ALARM during the replay: how often, first and last time
// ("CIS-4.3-RootAccountUsage_alarm  ALARM 1 time, at 2016-06-04T12:19:03Z"), in alarm order.
std::vector<std::string> DescribeTransitions(const ReplaySummary& summary);

}  // namespace tw::cli
