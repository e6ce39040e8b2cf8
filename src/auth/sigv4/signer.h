// SPDX-License-Identifier: Apache-2.0
// The client side of SigV4, for tests, benchmarks and the e2e harness: SignRequest adds
// X-Amz-Date, x-amz-content-sha256 (when asked or for S3), X-Amz-Security-Token and Authorization;
// Presign appends the X-Amz-* query parameters. Every header present is signed except a few
// hop-by-hop ones, as the AWS signing test suite expects. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http/message.h"

namespace tw::auth {

struct SigningParams {
  std::string access_key_id;
  std::string secret_access_key;
  std::optional<std::string> session_token;
  std::string region;
  std::string service;
  std::int64_t now_millis = 0;
  // S3 rules: path encoded once without normalisation, x-amz-content-sha256 always sent,
  // presigned URLs sign UNSIGNED-PAYLOAD.
  bool s3 = false;
  std::optional<bool> normalize_path;  // defaults to !s3
  // Adds a signed x-amz-content-sha256 outside S3 too (the suite's "sign_body").
  bool add_content_sha256 = false;
  // HashedPayload override: UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, ...
  std::optional<std::string> payload_hash;
  // false: the session token is added after signing, outside the signature (some services do).
  bool sign_session_token = true;
};

struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
  std::string signing_key;  // raw; seeds chunk signatures
  std::string amz_date;
  std::string scope;
};

SigningResult SignRequest(http::HttpRequest& request, const SigningParams& params);

SigningResult Presign(http::HttpRequest& request, const SigningParams& params,
                      std::int64_t expires_seconds);

}  // namespace tw::auth
