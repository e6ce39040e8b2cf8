// SPDX-License-Identifier: Apache-2.0
// How each service reports model-constraint failures: the one table to correct when AWS is
// observed doing otherwise. Every row cites what it rests on; rows marked unverified are our
// best reading and should be checked against the real service when one is at hand.
// Constant data; thread-safe.
#pragma once

#include <span>
#include <string_view>

#include "common/aws_error.h"

namespace tw::protocol {

enum class ValidationStyle {
  // The Java service framework's message, one code for everything:
  // "<n> validation error(s) detected: Value ... at '<path>' failed to satisfy constraint: ...",
  // failures joined with "; ".
  kFramework,
  // CloudWatch: missing required parameters are MissingParameter, "The parameter
  // <query path> is required." one per line; other failures as kFramework.
  kCloudWatch,
  // S3 has no framework message: a missing XML body is MalformedXML; anything else
  // InvalidArgument naming the parameter.
  kS3,
};

struct ServiceValidationErrors {
  std::string_view service;  // botocore name
  ValidationStyle style;
  ErrorCode code;          // kFramework / kCloudWatch constraint failures
  ErrorCode missing_code;  // kCloudWatch missing parameters; kS3 missing body
  bool verified;           // observed in AWS responses (see `source`)
  std::string_view source;
};

// The row for `service`; unknown services get the framework default (ValidationException).
const ServiceValidationErrors& ValidationErrorsOf(std::string_view service);
std::span<const ServiceValidationErrors> AllValidationErrors();

}  // namespace tw::protocol
