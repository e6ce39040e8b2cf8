// SPDX-License-Identifier: Apache-2.0
#include "common/aws_error.h"

namespace tw {
namespace {

struct Entry {
  std::string_view code;
  int status;
  Fault fault;
};

constexpr Entry kRegistry[] = {
#define TW_ERROR(name, code, status, fault) {code, status, fault},
#include "common/error_codes.def"
#undef TW_ERROR
};

}  // namespace

std::string_view ErrorCodeName(ErrorCode id) {
  auto index = static_cast<std::size_t>(id);
  return index < std::size(kRegistry) ? kRegistry[index].code : std::string_view();
}

AwsError AwsError::From(ErrorCode id, std::string message) {
  const Entry& entry = kRegistry[static_cast<std::size_t>(id)];
  AwsError error;
  error.id = id;
  error.code = std::string(entry.code);
  error.message = std::move(message);
  error.http_status = entry.status;
  error.fault = entry.fault;
  return error;
}

AwsError AwsError::Make(std::string code, int http_status, std::string message, Fault fault) {
  AwsError error;
  error.code = std::move(code);
  error.message = std::move(message);
  error.http_status = http_status;
  error.fault = fault;
  return error;
}

}  // namespace tw
