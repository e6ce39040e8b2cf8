// SPDX-License-Identifier: Apache-2.0
// Verifier: authenticates a SigV4-signed request (Authorization header or presigned URL) against
// a CredentialProvider at a given time, returning the credential it was signed with or the
// AuthError that ToAwsError renders per protocol. Checks, in order: auth present and well formed,
// scope (terminator, region, service, date), host signed, clock skew / presign expiry, key known
// and active, session token, signature (constant time), then the x-amz-content-sha256 body hash.
// Streaming bodies are left to DecodeStreamingBody (auth/sigv4/chunked.h). No I/O, no clock:
// `now` is passed in. Thread-safe: Verify is const and the key cache is synchronised.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/credentials.h"
#include "auth/sigv4/auth_error.h"
#include "auth/sigv4/parser.h"
#include "auth/sigv4/signing_key_cache.h"
#include "http/message.h"

namespace tw::auth {

inline constexpr std::int64_t kMaxClockSkewMillis = 15 * 60 * 1000;

struct VerifyOptions {
  // S3's rules: single-encoded unnormalised path, presign expiry instead of clock skew,
  // x-amz-content-sha256 checked against the body.
  bool s3 = false;
  // When set, a scope naming another region (or service) is refused.
  std::optional<std::string> expected_region;
  std::optional<std::string> expected_service;
  // Path normalisation; defaults to !s3. S3-style (false) tries the decoded-then-encoded path,
  // then the raw wire path.
  std::optional<bool> normalize_path;
  // The body has not been read yet (a streamed upload): a literal x-amz-content-sha256 is
  // checked by whoever reads it. The header itself is still signed and verified.
  bool defer_payload_check = false;
};

struct VerifiedRequest {
  Credential credential;  // includes the Principal
  ParsedAuth auth;
  std::string signing_key;  // raw bytes; seeds chunk-signature verification
};

class Verifier {
 public:
  // With a private signing-key cache.
  Verifier();
  // With a shared cache, which must outlive the verifier.
  explicit Verifier(SigningKeyCache& cache);

  AuthResult<VerifiedRequest> Verify(const http::HttpRequest& request,
                                     const CredentialProvider& credentials, std::int64_t now_millis,
                                     const VerifyOptions& options) const;

 private:
  std::unique_ptr<SigningKeyCache> owned_cache_;
  SigningKeyCache* cache_;
};

// The canonical requests a verifier accepts for `auth`, the preferred one first: path variants
// (S3-style: decoded-then-encoded, then raw), '+' read literally then as a space, and for
// presigned URLs the security token inside then outside the canonical query.
std::vector<std::string> CandidateCanonicalRequests(const http::HttpRequest& request,
                                                    const ParsedAuth& auth, bool normalize_path);

// "41 57 53 34 ...": S3's *Bytes error elements.
std::string SpacedHexBytes(std::string_view bytes);

}  // namespace tw::auth
