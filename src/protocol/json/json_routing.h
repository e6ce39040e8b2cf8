// SPDX-License-Identifier: Apache-2.0
// Recognises an AWS JSON protocol request: Content-Type application/x-amz-json-1.0 or -1.1 and an
// X-Amz-Target header "<targetPrefix>.<Operation>" (the prefix itself may contain dots, as
// CloudTrail's "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101" does, so the operation is
// what follows the last dot). Pure functions for the router; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"
#include "protocol/model.h"

namespace tw::protocol {

struct JsonTarget {
  std::string target_prefix;  // "Logs_20140328"
  std::string operation;      // "PutLogEvents"
  std::string json_version;   // "1.0" or "1.1", from the Content-Type
};

// The JSON version named by an application/x-amz-json-1.0/1.1 Content-Type (parameters such as
// "; charset=utf-8" are ignored), or nullopt.
std::optional<std::string> JsonVersionOf(std::string_view content_type);

// Splits "<prefix>.<Operation>"; nullopt when there is no dot or either side is empty.
std::optional<JsonTarget> ParseAmzTarget(std::string_view target);

// A JSON protocol request: both the Content-Type and X-Amz-Target say so. nullopt otherwise.
std::optional<JsonTarget> MatchJsonRequest(const http::HttpRequest& request);

// True when `target` addresses `service` over JSON (its targetPrefix, and it speaks json).
bool TargetsService(const JsonTarget& target, const ServiceModel& service);

}  // namespace tw::protocol
