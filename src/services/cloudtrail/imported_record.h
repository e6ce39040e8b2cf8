// SPDX-License-Identifier: Apache-2.0
// Imported CloudTrail records: turning one record of a real CloudTrail log file (the text of one
// element of its "Records" array) into the TrailEvent that event history stores, with the fields
// LookupEvents filters on derived the way CloudTrail derives them. Shared by the server's import
// operation and `trailwatch import`, which validates whole files before sending them, so that
// both sides agree on what a valid record is. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "pipeline/trail_sink.h"

namespace tw::services::cloudtrail {

// A record is valid when it is a JSON object with a string eventName and a string eventTime in
// CloudTrail's form "YYYY-MM-DDTHH:MM:SS[.fff]Z". The error (InvalidParameterException) says
// which rule the record breaks.
//
// The TrailEvent keeps the record's text unchanged as record_json. Fields: eventID (a missing one
// is derived from the record's SHA-256, so importing the same file twice stores it once),
// eventSource, awsRegion (`default_region` when absent), readOnly (the record's, else inferred from
// the event name), eventCategory (default Management), Username ("root" for Root, the session
// name of an assumed role, else userIdentity.userName), userIdentity.accessKeyId, errorCode and
// the resources (the record's "resources" array, else the request parameters that name an IAM
// user/group/role/policy, an S3 bucket, a log group, an SNS topic, an alarm or a trail).
// recipient_account_id is the record's recipientAccountId (empty when absent); the importer
// replaces it with its own account, which owns its event history.
Result<pipeline::TrailEvent> ParseImportedRecord(std::string_view record_json,
                                                 std::string_view default_region);

// CloudTrail's eventTime form; nullopt for anything else (Panther's "2019-01-01 00:00:00", ...).
std::optional<std::int64_t> ParseCloudTrailTime(std::string_view text);

}  // namespace tw::services::cloudtrail
