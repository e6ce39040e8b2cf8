// SPDX-License-Identifier: Apache-2.0
// The texts an alarm writes about itself, in AWS's exact shapes (alarms.md sections 6 and 7): the
// SNS subject and JSON message of a state change, and the HistoryData JSON of StateUpdate,
// ConfigurationUpdate and Action history items.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

// Composite alarms: a child alarm whose state made the composite's state (a triggering child).
struct ChildState {
  std::string arn;
  AlarmState state = AlarmState::kOk;
  std::int64_t timestamp_ms = 0;  // when the child entered the state
};
// "<child arn> transitioned to ALARM at Friday 22 July, 2022 15:57:45 UTC" (the StateReason AWS
// writes for a composite alarm).
std::string CompositeReason(const ChildState& child);
// {"triggeringAlarms":[{"arn":...,"state":{"value":"ALARM","timestamp":"...+0000"}}]}
std::string CompositeReasonData(const std::vector<ChildState>& triggering);
// The SNS message of a composite alarm's state change (CloudWatch User Guide, "Alarm events and
// EventBridge" / "SNS notification schema when a composite alarm changes state"): AlarmRule and
// TriggeringChildren instead of a Trigger.
std::string CompositeAlarmMessage(const Alarm& alarm, AlarmState old_state,
                                  const std::vector<ChildState>& triggering);

}  // namespace tw::services::cloudwatch
