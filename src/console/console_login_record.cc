// SPDX-License-Identifier: Apache-2.0
#include "console/console_login_record.h"

#include <boost/json.hpp>

#include "common/time_format.h"

namespace tw::console {
namespace json = boost::json;

namespace {

constexpr std::string_view kEventVersion = "1.09";

json::object UserIdentity(const ConsoleLoginAttempt& a) {
  json::object id;
  switch (a.who) {
    case ConsoleLoginAttempt::Who::kRoot:
      id["type"] = "Root";
      id["principalId"] = a.account_id;
      id["arn"] = a.arn;
      id["accountId"] = a.account_id;
      id["accessKeyId"] = "";
      break;
    case ConsoleLoginAttempt::Who::kIamUser:
      id["type"] = "IAMUser";
      id["principalId"] = a.user_id;
      // AWS leaves the ARN out of a failed IAM user's record and adds an empty access key id.
      if (a.success) {
        id["arn"] = a.arn;
        id["accountId"] = a.account_id;
      } else {
        id["accountId"] = a.account_id;
        id["accessKeyId"] = "";
      }
      id["userName"] = a.user_name;
      break;
    case ConsoleLoginAttempt::Who::kUnknownUser:
      id["type"] = "IAMUser";
      id["accountId"] = a.account_id;
      id["accessKeyId"] = "";
      id["userName"] = kHiddenUserName;
      break;
  }
  return id;
}

}  // namespace

pipeline::TrailEvent BuildConsoleLoginEvent(const ConsoleLoginAttempt& a) {
  pipeline::TrailEvent event;
  event.event_id = a.event_id;
  event.event_time_millis = a.event_time_millis;
  event.event_source = "signin.amazonaws.com";
  event.event_name = "ConsoleLogin";
  event.aws_region = "us-east-1";
  event.recipient_account_id = a.account_id;
  event.read_only = false;
  event.event_category = "Management";
  switch (a.who) {
    case ConsoleLoginAttempt::Who::kRoot:
      event.username = "root";
      break;
    case ConsoleLoginAttempt::Who::kIamUser:
      event.username = a.user_name;
      break;
    case ConsoleLoginAttempt::Who::kUnknownUser:
      event.username = std::string(kHiddenUserName);
      break;
  }

  json::object record;
  record["eventVersion"] = kEventVersion;
  record["userIdentity"] = UserIdentity(a);
  record["eventTime"] = FormatIso8601(a.event_time_millis, false);
  record["eventSource"] = event.event_source;
  record["eventName"] = event.event_name;
  record["awsRegion"] = event.aws_region;
  record["sourceIPAddress"] = a.source_ip;
  record["userAgent"] = a.user_agent;
  if (!a.success) {
    record["errorMessage"] =
        a.error_message.empty() ? std::string(kFailedAuthentication) : a.error_message;
  }
  record["requestParameters"] = nullptr;
  json::object response;
  response["ConsoleLogin"] = a.success ? "Success" : "Failure";
  record["responseElements"] = std::move(response);
  json::object additional;
  additional["LoginTo"] = a.login_to;
  additional["MobileVersion"] = "No";
  if (a.mfa_used && !a.mfa_identifier.empty()) additional["MFAIdentifier"] = a.mfa_identifier;
  additional["MFAUsed"] = a.mfa_used ? "Yes" : "No";
  record["additionalEventData"] = std::move(additional);
  record["eventID"] = a.event_id;
  record["readOnly"] = false;
  record["eventType"] = "AwsConsoleSignIn";
  record["managementEvent"] = true;
  record["recipientAccountId"] = a.account_id;
  record["eventCategory"] = "Management";
  event.record_json = json::serialize(record);
  return event;
}

}  // namespace tw::console
