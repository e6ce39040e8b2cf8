// SPDX-License-Identifier: Apache-2.0
// PatternError and PatternResult<T>: how the filter-pattern compiler reports a pattern it rejects.
// The error names the 1-based column and the offending token (echoed in backticks) so a user can
// find the problem; ToAwsError() turns it into the InvalidParameterException that PutMetricFilter,
// PutSubscriptionFilter, FilterLogEvents and TestMetricFilter answer with. A construct trailwatch
// does not implement is reported here too ("unsupported ..."), never matched silently
// (ARCHITECTURE.md principle 4). Plain values; thread-compatible.
#pragma once

#include <cassert>
#include <cstddef>
#include <string>
#include <utility>
#include <variant>

#include "common/aws_error.h"

namespace tw::services::logs::filter_pattern {

struct PatternError {
  std::size_t column =
      0;                // 1-based column of the offending token in the pattern; 0 = whole pattern
  std::string token;    // the offending token as written (may be empty at end of pattern)
  std::string message;  // what is wrong, e.g. "unsupported array wildcard selector"

  // "<message> at column <c>: `<token>`" (cedar-style: the token in backticks).
  std::string Describe() const;
  // InvalidParameterException. AWS's own message is "Invalid metric filter pattern" (seen in
  // CloudFormation/CDK reports, aws-cdk issue #16278); we append our diagnosis after a colon so the
  // user learns which construct was rejected.
  AwsError ToAwsError() const;
};

// A value or a PatternError; the same surface as tw::Result so call sites read alike.
template <typename T>
class [[nodiscard]] PatternResult {
 public:
  PatternResult(T value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  PatternResult(PatternError error)                                            // NOLINT
      : data_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const { return data_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & {
    assert(has_value());
    return std::get<0>(data_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(data_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(data_));
  }
  const PatternError& error() const {
    assert(!has_value());
    return std::get<1>(data_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, PatternError> data_;
};

}  // namespace tw::services::logs::filter_pattern
