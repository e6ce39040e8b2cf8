// SPDX-License-Identifier: Apache-2.0
// Extracts SigV4 authentication from a request, without verifying it: from the Authorization
// header (parsed tolerantly) or from presigned query parameters. Also PeekCredentialScope, the
// cheap look at the credential scope the router uses to pick a service. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/sigv4/auth_error.h"
#include "auth/sigv4/canonical.h"
#include "http/message.h"

namespace tw::auth {

// What x-amz-content-sha256 says about the body.
enum class PayloadMode {
  kBodyHash,                  // header absent: HashedPayload is SHA-256 of the body
  kLiteralHash,               // header is a hex SHA-256, which must match the body
  kUnsigned,                  // UNSIGNED-PAYLOAD
  kStreamingSigned,           // STREAMING-AWS4-HMAC-SHA256-PAYLOAD
  kStreamingSignedTrailer,    // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  kStreamingUnsignedTrailer,  // STREAMING-UNSIGNED-PAYLOAD-TRAILER
  kStreamingEcdsa,            // SigV4a streaming variants (not verifiable here)
  kInvalid,                   // anything else
};

// Classifies an x-amz-content-sha256 value.
PayloadMode ClassifyPayloadHash(std::string_view value);

struct ParsedAuth {
  bool presigned = false;
  std::string access_key_id;
  CredentialScope scope;
  std::string credential;                   // the Credential value as sent, for messages
  std::vector<std::string> signed_headers;  // lower-case, in the order the client listed them
  std::string signed_headers_text;          // the same joined with ';'
  std::string signature;
  std::string request_date_text;  // the X-Amz-Date (or Date) value as sent
  std::string amz_date;           // the request time in basic format, as the string to sign has it
  std::int64_t request_time_millis = 0;
  std::optional<std::string> session_token;
  std::optional<std::int64_t> expires_seconds;  // X-Amz-Expires of a presigned URL
  PayloadMode payload_mode = PayloadMode::kBodyHash;
  std::string payload_hash;       // the HashedPayload line of the canonical request
  std::vector<QueryParam> query;  // decoded query parameters
};

// Parses the request's SigV4 authentication. `s3` selects S3's rules: X-Amz-Expires required
// for presigned URLs, UNSIGNED-PAYLOAD for presigned URLs without x-amz-content-sha256, and an
// invalid x-amz-content-sha256 refused. Errors: kMissingAuthentication, kConflictingAuth,
// kUnsupportedAlgorithm, kIncompleteSignature, kInvalidQueryParameters, kInvalidDate,
// kInvalidContentSha256.
AuthResult<ParsedAuth> ParseAuth(const http::HttpRequest& request, bool s3);

struct ScopeHint {
  std::string region;
  std::string service;
};

// The region and service of the credential scope, from the Authorization header or the
// X-Amz-Credential parameter, without any validation; nullopt when neither is readable.
std::optional<ScopeHint> PeekCredentialScope(const http::HttpRequest& request);

}  // namespace tw::auth
