// SPDX-License-Identifier: Apache-2.0
// AuthError: why SigV4 authentication refused a request, independent of the wire protocol, and
// ToAwsError, which renders it as the exact AWS error (code, status, message, extra elements) of a
// protocol family: the query protocol (IAM, STS, SNS, CloudWatch), the JSON protocol (Logs) or S3.
// AuthResult<T> carries a value or an AuthError. Plain values; no shared state, thread-safe.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/aws_error.h"

namespace tw::auth {

enum class AuthErrorKind {
  kMissingAuthentication,   // neither an Authorization header nor presign parameters
  kUnsupportedAlgorithm,    // Authorization present but not AWS4-HMAC-SHA256 (SigV2, SigV4a...)
  kConflictingAuth,         // both an Authorization header and presign parameters
  kIncompleteSignature,     // malformed Authorization header components
  kInvalidQueryParameters,  // malformed or missing presign parameters, bad X-Amz-Expires
  kInvalidDate,             // missing or unparseable X-Amz-Date / Date
  kInvalidScope,            // terminator, scope date, region or service do not fit the request
  kUnknownAccessKey,        // no such key, or an inactive one
  kInvalidToken,            // temporary key without its session token, or a wrong token
  kExpiredToken,            // the temporary credentials expired
  kRequestTimeTooSkewed,    // request time more than 15 minutes from the server time
  kPresignedExpired,        // now > X-Amz-Date + X-Amz-Expires
  kPresignedNotYetValid,    // X-Amz-Date of a presigned URL too far in the future
  kSignatureMismatch,       // the signature does not verify
  kInvalidContentSha256,    // x-amz-content-sha256 neither a hash nor a known mode
  kContentSha256Mismatch,   // x-amz-content-sha256 is a hash, but not the body's
  kMalformedChunkedBody,    // aws-chunked framing broken or length mismatch
  kChunkSignatureMismatch,  // a chunk (or trailer) signature of a streaming upload is wrong
};

// The protocol family an error is rendered for.
enum class ErrorFlavor { kQuery, kJson, kS3 };

struct AuthError {
  AuthErrorKind kind = AuthErrorKind::kSignatureMismatch;
  // The text AWS returns for query/JSON services; empty when the kind has a fixed text.
  std::string message;
  // The S3 text when it differs from `message`; empty when the kind has a fixed S3 text.
  std::string s3_message;
  // Detail members. S3 renders them as XML elements; the query flavour reads the canonical
  // request and string to sign from them for its longer mismatch message.
  std::vector<std::pair<std::string, std::string>> extra;
  // Raised while checking query-string (presigned) authentication rather than a header.
  bool presigned = false;

  AuthError&& With(std::string name, std::string value) && {
    extra.emplace_back(std::move(name), std::move(value));
    return std::move(*this);
  }
  // The value of an extra member, or empty.
  std::string_view Extra(std::string_view name) const;
};

AuthError MakeAuthError(AuthErrorKind kind, std::string message = {}, std::string s3_message = {});

// The exact AWS error for `error` as a service of `flavor` returns it.
AwsError ToAwsError(const AuthError& error, ErrorFlavor flavor);

// Stable name of a kind, for logs and test output.
std::string_view AuthErrorKindName(AuthErrorKind kind);

// A value or an AuthError, like Result<T> but keeping the protocol-neutral error so the caller
// decides the flavour.
template <typename T>
class [[nodiscard]] AuthResult {
 public:
  AuthResult(T value) : data_(std::in_place_index<0>, std::move(value)) {}          // NOLINT
  AuthResult(AuthError error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

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
  const AuthError& error() const& {
    assert(!has_value());
    return std::get<1>(data_);
  }
  AuthError&& error() && {
    assert(!has_value());
    return std::get<1>(std::move(data_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, AuthError> data_;
};

}  // namespace tw::auth
