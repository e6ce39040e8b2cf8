// SPDX-License-Identifier: Apache-2.0
// AwsError: the one error type that crosses layers. It carries the exact AWS error code string,
// the HTTP status, whether the sender or the service is at fault, the message and any extra
// members a protocol renders (S3's BucketName, Resource, ...). Cross-service codes come from the
// registry in error_codes.def; services build their own codes with AwsError::Make.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tw {

enum class Fault { kSender, kReceiver };

enum class ErrorCode {
#define TW_ERROR(name, code, status, fault) name,
#include "common/error_codes.def"
#undef TW_ERROR
  kCustom,  // a service-specific code carried only as a string
};

struct AwsError {
  ErrorCode id = ErrorCode::kCustom;
  std::string code;
  std::string message;
  int http_status = 400;
  Fault fault = Fault::kSender;
  // Extra members, in order, rendered by protocols that support them (S3 XML error elements).
  std::vector<std::pair<std::string, std::string>> extra;
  // Structured members, as JSON text, rendered by the JSON protocols only (Logs'
  // MalformedQueryException.queryCompileError).
  std::vector<std::pair<std::string, std::string>> extra_json;

  // A registry error with its registered code, status and fault.
  static AwsError From(ErrorCode id, std::string message);
  // A service-specific error.
  static AwsError Make(std::string code, int http_status, std::string message,
                       Fault fault = Fault::kSender);

  AwsError&& With(std::string name, std::string value) && {
    extra.emplace_back(std::move(name), std::move(value));
    return std::move(*this);
  }
  bool Is(std::string_view other_code) const { return code == other_code; }
};

// The registered code string for an id ("AccessDenied" for kAccessDenied).
std::string_view ErrorCodeName(ErrorCode id);

}  // namespace tw
