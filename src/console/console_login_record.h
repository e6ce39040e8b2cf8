// SPDX-License-Identifier: Apache-2.0
// The CloudTrail record of a console sign-in attempt (eventName ConsoleLogin, eventSource
// signin.amazonaws.com, eventType AwsConsoleSignIn), as AWS writes it (reference cloudtrail.md §3
// and the real records in shared/data/cloudtrail): responseElements.ConsoleLogin Success or
// Failure, additionalEventData {LoginTo, MobileVersion, MFAUsed[, MFAIdentifier]}, a top-level
// errorMessage ("Failed authentication"; "No username found in supplied account" for a user name
// that does not exist, whose userIdentity.userName is HIDDEN_DUE_TO_SECURITY_REASONS), no
// errorCode, requestParameters null, recorded in us-east-1. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "pipeline/trail_sink.h"

namespace tw::console {

inline constexpr std::string_view kFailedAuthentication = "Failed authentication";
inline constexpr std::string_view kNoSuchUsername = "No username found in supplied account";
inline constexpr std::string_view kHiddenUserName = "HIDDEN_DUE_TO_SECURITY_REASONS";

struct ConsoleLoginAttempt {
  enum class Who { kRoot, kIamUser, kUnknownUser };
  Who who = Who::kIamUser;
  std::string account_id;
  std::string user_name;  // IAM users: the stored name
  std::string user_id;    // AIDA... for IAM users, the account id for root
  std::string arn;
  bool success = false;
  std::string error_message;  // failures: kFailedAuthentication or kNoSuchUsername
  bool mfa_used = false;
  std::string mfa_identifier;  // the device's serial number when MFA was used
  std::string login_to;        // the console URL signed in to
  std::string source_ip;
  std::string user_agent;
  std::string event_id;
  std::int64_t event_time_millis = 0;
};

pipeline::TrailEvent BuildConsoleLoginEvent(const ConsoleLoginAttempt& attempt);

}  // namespace tw::console
