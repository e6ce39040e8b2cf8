// SPDX-License-Identifier: Apache-2.0
// Result<T>: a value or an AwsError, shaped like C++23 std::expected<T, AwsError> so it can become
// an alias once the project moves to C++23. Errors are values everywhere inside trailwatch; only
// the protocol edge turns them into wire errors.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "common/aws_error.h"

namespace tw {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(AwsError error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

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
  const AwsError& error() const& {
    assert(!has_value());
    return std::get<1>(data_);
  }
  AwsError&& error() && {
    assert(!has_value());
    return std::get<1>(std::move(data_));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, AwsError> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(AwsError error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const AwsError& error() const& {
    assert(!ok_);
    return error_;
  }
  AwsError&& error() && {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  AwsError error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace tw
