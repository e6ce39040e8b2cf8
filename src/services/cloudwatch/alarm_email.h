// SPDX-License-Identifier: Apache-2.0
// The readable text SNS `email` subscribers get when an alarm changes state (alarms.md section 8):
// the "You are receiving this email because ..." sentence, the console link, then the "Alarm
// Details", "Threshold", "Monitored Metric" and "State Change Actions" sections with AWS's label
// columns. SNS appends its unsubscribe footer. email-json and HTTP/S subscribers keep the JSON
// message (alarm_message.h).
//
// AWS documents no composite-alarm email: its text keeps the metric alarm's sentence and
// sections, with "Alarm Rule" and "Triggering Children" sections instead of the threshold and
// metric ones (the two fields the composite alarm's JSON message has instead of a Trigger).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "services/cloudwatch/alarm_message.h"
#include "services/cloudwatch/types.h"

namespace tw::services::cloudwatch {

// The alarm's page in trailwatch's console: "<public_url>/console#/cloudwatch/alarms/<name>", the
// name percent-encoded. Empty when public_url is.
std::string AlarmConsoleUrl(std::string_view public_url, std::string_view alarm_name);

// `console_url`: the alarm's page (AlarmConsoleUrl); empty leaves the "View this alarm" section
// out. `old_state`: the state the alarm left.
std::string AlarmEmailText(const Alarm& alarm, AlarmState old_state, std::string_view console_url);
std::string CompositeAlarmEmailText(const Alarm& alarm, AlarmState old_state,
                                    const std::vector<ChildState>& triggering,
                                    std::string_view console_url);

}  // namespace tw::services::cloudwatch
