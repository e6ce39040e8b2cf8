// SPDX-License-Identifier: Apache-2.0
// Generic validation of a parsed request (a Value shaped by the operation's input shape) against
// the botocore model constraints, and the AWS error each service returns for the failures.
//
// AWS's Java servers check required members, min/max length (characters of strings, items of
// lists and maps, bytes of blobs), min/max value, enums and patterns before the operation runs,
// and report every failure in one message, e.g. for IAM CreateUser:
//   1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint:
//   Member must satisfy regular expression pattern: [\w+=,.@-]+
// Validate finds the failures (model member order, a member's own constraints before those of
// its items); ValidationErrorFor renders them as the service does (service_errors.h holds the
// per-service table). Both are pure functions over immutable data; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "protocol/model.h"
#include "protocol/value.h"

namespace tw::protocol {

struct ValidationFailure {
  enum class Kind {
    kMissing,             // required member absent: "Member must not be null"
    kLength,              // string, blob, list or map length
    kRange,               // numeric value
    kPattern,             // string pattern
    kEnum,                // string enum
    kListItems,           // scalar list items: "Member must satisfy constraint: [...]"
    kMapKeys,             // "Map keys must satisfy constraint: [...]"
    kMapValues,           // "Map value must satisfy constraint: [...]"
    kUnsupportedPattern,  // the model pattern cannot be checked: an internal failure, not a 400
  };
  Kind kind = Kind::kMissing;
  // AWS's path: member names with a lowercase first letter, list items as ".<n>.member"
  // (1-based): "tags.1.member.key", "logEvents.2.member.message".
  std::string path;
  // The query-protocol wire name of the same spot ("MetricData.member.1.MetricName"), which
  // CloudWatch's MissingParameter message uses.
  std::string query_path;
  // How the value is shown: "'bad name!'", "'[]'", "null"; nullopt for a sensitive member, which
  // AWS leaves out ("Value at 'password' failed to satisfy constraint: ...").
  std::optional<std::string> rendered_value;
  // "Member must have length less than or equal to 64", ...
  std::string constraint;
  // The structure member the failure is under (nullptr only for a bare top-level shape), and
  // whether the failing value is an empty string (CloudWatch treats those as missing).
  const Member* member = nullptr;
  bool empty_string = false;
};

// Every constraint failure of `value` against `input` (normally Operation::input). A null or
// non-structure value is treated as an empty structure.
std::vector<ValidationFailure> Validate(const Shape& input, const Value& value);

// The error `service` returns for `failures` (which must not be empty): code, HTTP status and
// message as AWS renders them. A kUnsupportedPattern failure yields InternalFailure instead.
AwsError ValidationErrorFor(const ServiceModel& service,
                            const std::vector<ValidationFailure>& failures);

// Validate + ValidationErrorFor for one operation's input; OK when there is nothing to report.
Status ValidateInput(const ServiceModel& service, const Operation& operation, const Value& input);

// The text of each failure as AWS writes it inside the message:
// "Value 'x' at 'userName' failed to satisfy constraint: Member must ...".
std::string DescribeFailure(const ValidationFailure& failure);

}  // namespace tw::protocol
