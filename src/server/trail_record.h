// SPDX-License-Identifier: Apache-2.0
// Builds the CloudTrail record of one API call, as AWS writes it (reference: cloudtrail.md §1-2):
// field order, userIdentity by principal type, requestParameters and responseElements rendered
// from the model-shaped Values with lower-camel keys and Java-style dates, sensitive members
// (passwords, secret keys, as the model marks them) left out, responseElements null for read-only
// and failed calls and for empty outputs. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "auth/principal.h"
#include "common/aws_error.h"
#include "pipeline/trail_sink.h"
#include "protocol/model.h"
#include "protocol/value.h"

namespace tw::server {

struct ApiCall {
  const protocol::ServiceModel* service = nullptr;  // nullptr when routing failed
  const protocol::Operation* operation = nullptr;   // nullptr for an unknown operation
  std::string operation_name;
  // The caller: the verified principal, or the claimed key's owner when authentication failed
  // (nullptr when the key is unknown or there was no signature).
  const auth::Principal* principal = nullptr;
  std::string access_key_id;  // as the request named it
  std::string recipient_account_id;
  std::string region;  // the signing region; IAM and STS calls are recorded in us-east-1
  std::string source_ip;
  std::string user_agent;
  std::string host;  // the Host header; S3 records it among the request parameters
  std::string request_id;
  std::string event_id;
  std::int64_t event_time_millis = 0;
  const protocol::Value* input = nullptr;   // nullptr when the request did not parse
  const protocol::Value* output = nullptr;  // nullptr on failure
  const AwsError* error = nullptr;
  // A console session's call: userIdentity gets the session context AWS writes for console
  // credentials (creation date, MFA) and the record sessionCredentialFromConsole "true".
  bool from_console = false;
  std::int64_t session_created_millis = 0;
};

pipeline::TrailEvent BuildTrailEvent(const ApiCall& call);

// Whether the call is a CloudTrail data event (S3 object-level calls, SNS Publish/PublishBatch,
// CloudWatch Logs' log-event reads and writes), by service and operation name only.
bool IsDataEvent(const ApiCall& call);

// Whether an operation only reads (CloudTrail's readOnly): Get*, List*, Describe*, Lookup*, ...
bool IsReadOnlyOperation(std::string_view operation_name);

// "Jul 10, 2023 12:24:29 PM": the Java date format AWS uses inside request and response elements.
std::string FormatJavaDate(std::int64_t epoch_millis);

}  // namespace tw::server
