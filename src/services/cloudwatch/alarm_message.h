// SPDX-License-Identifier: Apache-2.0
// The texts an alarm writes about itself, in AWS's exact shapes (alarms.md sections 6 and 7): the
// SNS subject and JSON message of a state change, and the HistoryData JSON of StateUpdate,
// ConfigurationUpdate and Action history items.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "services/cloudwatch/types.h"

namespace tw::services::cloudwatch {

// "US East (N. Virginia)" for us-east-1; the Region code itself when unknown.
std::string RegionLongName(std::string_view region);
// `ALARM: "name" in US East (N. Virginia)`, cut to SNS's 100-character subject limit.
std::string AlarmSubject(const Alarm& alarm);
std::string AlarmMessage(const Alarm& alarm, AlarmState old_state);
std::string StateUpdateHistoryData(const AlarmStatus& old_status, const AlarmStatus& new_status);
std::string ConfigurationHistoryData(const Alarm& alarm, bool created);
std::string ActionHistoryData(std::string_view arn, bool ok, std::string_view error);

}  // namespace tw::services::cloudwatch
