// SPDX-License-Identifier: Apache-2.0
#include "services/logs/filter_pattern/pattern_error.h"

#include <string>

namespace tw::services::logs::filter_pattern {

std::string PatternError::Describe() const {
  std::string out = message;
  if (column > 0) {
    out += " at column " + std::to_string(column);
  }
  if (!token.empty()) {
    out += ": `" + token + "`";
  } else if (column > 0) {
    out += ": end of pattern";
  }
  return out;
}

AwsError PatternError::ToAwsError() const {
  return AwsError::From(ErrorCode::kInvalidParameterException,
                        "Invalid metric filter pattern: " + Describe());
}

}  // namespace tw::services::logs::filter_pattern
