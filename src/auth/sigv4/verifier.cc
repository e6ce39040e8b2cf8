// SPDX-License-Identifier: Apache-2.0
#include "auth/sigv4/verifier.h"

#include <algorithm>

#include "auth/sigv4/canonical.h"
#include "common/crypto.h"
#include "common/strings.h"
#include "common/time_format.h"

namespace tw::auth {
namespace {

AuthError ScopeError(const ParsedAuth& auth, std::string message, std::string s3_detail) {
  std::string s3_message = auth.presigned ? "Error parsing the X-Amz-Credential parameter; "
                                          : "The authorization header is malformed; ";
  s3_message += s3_detail;
  AuthError error =
      MakeAuthError(AuthErrorKind::kInvalidScope, std::move(message), std::move(s3_message));
  error.presigned = auth.presigned;
  return error;
}

std::optional<AuthError> CheckScope(const ParsedAuth& auth, const VerifyOptions& options) {
  const CredentialScope& scope = auth.scope;
  if (scope.terminator != kSigV4Terminator) {
    return ScopeError(
        auth,
        "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
            scope.terminator + "'.",
        "incorrect terminal '" + scope.terminator + "'. This endpoint uses 'aws4_request'.");
  }
  if (options.expected_region && scope.region != *options.expected_region) {
    return ScopeError(auth,
                      "Credential should be scoped to a valid region, not '" + scope.region + "'.",
                      "the region '" + scope.region + "' is wrong; expecting '" +
                          *options.expected_region + "'")
        .With("Region", *options.expected_region);
  }
  if (options.expected_service && scope.service != *options.expected_service) {
    return ScopeError(
        auth,
        "Credential should be scoped to correct service: '" + *options.expected_service + "'.",
        "incorrect service '" + scope.service + "'. This endpoint belongs to '" +
            *options.expected_service + "'.");
  }
  std::string request_day = auth.amz_date.substr(0, 8);
  if (scope.date != request_day) {
    return ScopeError(auth,
                      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                      "date from HTTP: '" +
                          scope.date + "' != '" + request_day + "', from '" + auth.amz_date + "'.",
                      "Invalid credential date. Date is not the same as X-Amz-Date.");
  }
  if (std::find(auth.signed_headers.begin(), auth.signed_headers.end(), "host") ==
      auth.signed_headers.end()) {
    std::string text = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";
    AuthError error = MakeAuthError(auth.presigned ? AuthErrorKind::kInvalidQueryParameters
                                                   : AuthErrorKind::kIncompleteSignature,
                                    text, text);
    error.presigned = auth.presigned;
    return error;
  }
  return std::nullopt;
}

std::optional<AuthError> CheckTime(const ParsedAuth& auth, std::int64_t now,
                                   const VerifyOptions& options) {
  const std::int64_t t = auth.request_time_millis;
  if (auth.presigned && auth.expires_seconds) {
    const std::int64_t expiry = t + *auth.expires_seconds * 1000;
    if (now > expiry) {
      AuthError error = MakeAuthError(AuthErrorKind::kPresignedExpired);
      error.presigned = true;
      return std::move(error)
          .With("X-Amz-Expires", std::to_string(*auth.expires_seconds))
          .With("Expires", FormatIso8601(expiry, false))
          .With("ServerTime", FormatIso8601(now, false));
    }
  }
  // S3 judges a presigned URL by its expiry alone (a week-long URL must work after 15 minutes);
  // the other services, STS's presigned GetCallerIdentity included, also apply the skew window.
  if (auth.presigned && options.s3) {
    if (t > now + kMaxClockSkewMillis) {
      AuthError error = MakeAuthError(AuthErrorKind::kPresignedNotYetValid);
      error.presigned = true;
      return error;
    }
    return std::nullopt;
  }
  std::string message;
  if (t < now - kMaxClockSkewMillis) {
    message = "Signature expired: " + auth.amz_date + " is now earlier than " +
              FormatAmzDate(now - kMaxClockSkewMillis) + " (" + FormatAmzDate(now) + " - 15 min.)";
  } else if (t > now + kMaxClockSkewMillis) {
    message = "Signature not yet current: " + auth.amz_date + " is still later than " +
              FormatAmzDate(now + kMaxClockSkewMillis) + " (" + FormatAmzDate(now) + " + 15 min.)";
  } else {
    return std::nullopt;
  }
  AuthError error = MakeAuthError(AuthErrorKind::kRequestTimeTooSkewed, std::move(message));
  error.presigned = auth.presigned;
  return std::move(error)
      .With("RequestTime", auth.request_date_text)
      .With("ServerTime", FormatIso8601(now, false))
      .With("MaxAllowedSkewMilliseconds", std::to_string(kMaxClockSkewMillis));
}

std::optional<AuthError> CheckToken(const ParsedAuth& auth, const Credential& credential,
                                    std::int64_t now) {
  auto invalid = [&] {
    AuthError error = MakeAuthError(AuthErrorKind::kInvalidToken);
    error.presigned = auth.presigned;
    return error;
  };
  if (credential.session_token) {
    // Compare every time, even when absent, so timing says nothing about the stored token.
    bool equal = ConstantTimeEquals(auth.session_token.value_or(""), *credential.session_token);
    if (!auth.session_token || !equal) return invalid();
  } else if (auth.session_token || IStartsWith(auth.access_key_id, "ASIA")) {
    // A token with a long-term key, or a temporary key the provider holds no token for.
    return invalid();
  }
  if (credential.expires_millis && now >= *credential.expires_millis) {
    AuthError error = MakeAuthError(AuthErrorKind::kExpiredToken);
    error.presigned = auth.presigned;
    return error;
  }
  return std::nullopt;
}

std::optional<AuthError> CheckPayload(const http::HttpRequest& request, const ParsedAuth& auth,
                                      const VerifyOptions& options) {
  switch (auth.payload_mode) {
    case PayloadMode::kBodyHash:
    case PayloadMode::kUnsigned:
      return std::nullopt;
    case PayloadMode::kLiteralHash: {
      if (options.defer_payload_check) return std::nullopt;
      std::string actual = Sha256Hex(request.body);
      if (ToLower(auth.payload_hash) == actual) return std::nullopt;
      AuthError error = MakeAuthError(AuthErrorKind::kContentSha256Mismatch);
      error.presigned = auth.presigned;
      return std::move(error)
          .With("ClientComputedContentSHA256", auth.payload_hash)
          .With("S3ComputedContentSHA256", actual);
    }
    case PayloadMode::kStreamingSigned:
    case PayloadMode::kStreamingSignedTrailer:
    case PayloadMode::kStreamingUnsignedTrailer:
      // The body is checked chunk by chunk while decoding; only S3 speaks aws-chunked.
      if (options.s3) return std::nullopt;
      break;
    case PayloadMode::kStreamingEcdsa:
    case PayloadMode::kInvalid:
      break;
  }
  AuthError error = MakeAuthError(AuthErrorKind::kInvalidContentSha256,
                                  "x-amz-content-sha256 must be a valid sha256 value.");
  error.presigned = auth.presigned;
  return error;
}

}  // namespace

std::string SpacedHexBytes(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (unsigned char c : bytes) {
    if (!out.empty()) out += ' ';
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

std::vector<std::string> CandidateCanonicalRequests(const http::HttpRequest& request,
                                                    const ParsedAuth& auth, bool normalize_path) {
  std::vector<std::string> uris;
  if (normalize_path) {
    uris.push_back(CanonicalUriNormalized(request.path));
  } else {
    if (auto single = CanonicalUriSingleEncoded(request.path)) uris.push_back(std::move(*single));
    std::string raw = request.path.empty() ? std::string("/") : request.path;
    if (std::find(uris.begin(), uris.end(), raw) == uris.end()) uris.push_back(std::move(raw));
  }

  std::vector<std::string> queries;
  auto add_query = [&](const std::vector<QueryParam>& params) {
    std::vector<bool> token_variants = {false};
    if (auth.presigned && auth.session_token) token_variants.push_back(true);
    for (bool exclude_token : token_variants) {
      std::string q = CanonicalQueryString(params, auth.presigned, exclude_token);
      if (std::find(queries.begin(), queries.end(), q) == queries.end()) {
        queries.push_back(std::move(q));
      }
    }
  };
  add_query(auth.query);
  // Form-style encoders put '+' for a space; most SDKs mean a literal '+' (they send %2B).
  if (request.raw_query.find('+') != std::string::npos) {
    add_query(ParseQuery(request.raw_query, /*plus_as_space=*/true));
  }

  std::string headers = CanonicalHeaders(request.headers, auth.signed_headers);
  std::vector<std::string> out;
  out.reserve(uris.size() * queries.size());
  for (const std::string& query : queries) {
    for (const std::string& uri : uris) {
      out.push_back(BuildCanonicalRequest(request.method, uri, query, headers,
                                          auth.signed_headers_text, auth.payload_hash));
    }
  }
  return out;
}

Verifier::Verifier()
    : owned_cache_(std::make_unique<SigningKeyCache>()), cache_(owned_cache_.get()) {}

Verifier::Verifier(SigningKeyCache& cache) : cache_(&cache) {}

AuthResult<VerifiedRequest> Verifier::Verify(const http::HttpRequest& request,
                                             const CredentialProvider& credentials,
                                             std::int64_t now_millis,
                                             const VerifyOptions& options) const {
  AuthResult<ParsedAuth> parsed = ParseAuth(request, options.s3);
  if (!parsed) return std::move(parsed).error();
  ParsedAuth& auth = *parsed;

  if (auto error = CheckScope(auth, options)) return std::move(*error);
  if (auto error = CheckTime(auth, now_millis, options)) return std::move(*error);

  std::optional<Credential> credential = credentials.Find(auth.access_key_id);
  if (!credential || !credential->active) {
    AuthError error = MakeAuthError(AuthErrorKind::kUnknownAccessKey);
    error.presigned = auth.presigned;
    return std::move(error).With("AWSAccessKeyId", auth.access_key_id);
  }
  if (auto error = CheckToken(auth, *credential, now_millis)) return std::move(*error);

  std::string signing_key = cache_->Get(credential->access_key_id, credential->secret_access_key,
                                        auth.scope.date, auth.scope.region, auth.scope.service);
  const std::string scope = auth.scope.ToString();
  const bool normalize = options.normalize_path.value_or(!options.s3);
  std::vector<std::string> candidates = CandidateCanonicalRequests(request, auth, normalize);
  bool matched = false;
  for (const std::string& canonical : candidates) {
    std::string expected =
        SignatureHex(signing_key, BuildStringToSign(auth.amz_date, scope, canonical));
    if (ConstantTimeEquals(expected, auth.signature)) {
      matched = true;
      break;
    }
  }
  if (!matched) {
    const std::string& canonical = candidates.front();
    std::string string_to_sign = BuildStringToSign(auth.amz_date, scope, canonical);
    AuthError error = MakeAuthError(AuthErrorKind::kSignatureMismatch);
    error.presigned = auth.presigned;
    return std::move(error)
        .With("AWSAccessKeyId", auth.access_key_id)
        .With("StringToSign", string_to_sign)
        .With("SignatureProvided", auth.signature)
        .With("StringToSignBytes", SpacedHexBytes(string_to_sign))
        .With("CanonicalRequest", canonical)
        .With("CanonicalRequestBytes", SpacedHexBytes(canonical));
  }
  if (auto error = CheckPayload(request, auth, options)) return std::move(*error);

  return VerifiedRequest{std::move(*credential), std::move(auth), std::move(signing_key)};
}

}  // namespace tw::auth
