// SPDX-License-Identifier: Apache-2.0
// The SigV4 building blocks shared by the verifier and the signer: canonical URI (normalised and
// double-encoded for most services; encoded once for S3), canonical query string, canonical
// headers, canonical request, string to sign, signing-key derivation and the signature itself.
// Pure functions over their arguments; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace tw::auth {

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kSigV4Terminator = "aws4_request";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayloadTrailer =
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingUnsignedPayloadTrailer =
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingEcdsaPayload =
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingEcdsaPayloadTrailer =
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER";

// <date>/<region>/<service>/<terminator>, the credential scope of a signature.
struct CredentialScope {
  std::string date;  // YYYYMMDD
  std::string region;
  std::string service;
  std::string terminator;  // "aws4_request" when well-formed

  std::string ToString() const;
};

// Removes "." and ".." segments and collapses repeated '/', keeping a trailing '/' (what AWS's
// non-S3 services and the SDKs do). An empty path becomes "/".
std::string NormalizePath(std::string_view path);

// CanonicalURI for non-S3 services: UriEncode(NormalizePath(wire_path)). The wire path is already
// percent-encoded, so encoding it again is the documented "encode twice" rule.
std::string CanonicalUriNormalized(std::string_view wire_path);

// CanonicalURI for S3: the wire path decoded then encoded once, so clients that escape more or
// fewer characters than UriEncode still verify. nullopt when the path has a malformed escape.
std::optional<std::string> CanonicalUriSingleEncoded(std::string_view wire_path);

// One decoded query parameter.
struct QueryParam {
  std::string name;
  std::string value;
};

// Splits a raw query string into decoded parameters in arrival order. A parameter without '='
// has an empty value; a malformed escape is kept verbatim rather than failing, so the signature
// check (not the parser) decides. When plus_as_space, '+' decodes to ' ' (form-style encoders).
std::vector<QueryParam> ParseQuery(std::string_view raw_query, bool plus_as_space = false);

// The first value of a parameter, or nullptr.
const std::string* FindQueryParam(const std::vector<QueryParam>& params, std::string_view name);

// CanonicalQueryString: names and values UriEncoded, sorted by name then value, joined with '&'.
// Presigned requests leave out X-Amz-Signature; exclude_token also drops X-Amz-Security-Token
// for clients that add the token after signing.
std::string CanonicalQueryString(const std::vector<QueryParam>& params,
                                 bool exclude_signature = false, bool exclude_token = false);

// A header value as SigV4 canonicalises it: trimmed, runs of whitespace (including obs-fold line
// breaks) collapsed to one space.
std::string CanonicalHeaderValue(std::string_view value);

// "name:value\n" for each signed header name (lower-case), in the given order; duplicates joined
// with ','. `host` falls back to HTTP/2's ":authority". A signed header that is absent
// canonicalises to an empty value (and the signature will then not match).
std::string CanonicalHeaders(const http::Headers& headers,
                             const std::vector<std::string>& signed_names);

std::string BuildCanonicalRequest(std::string_view method, std::string_view canonical_uri,
                                  std::string_view canonical_query,
                                  std::string_view canonical_headers,
                                  std::string_view signed_headers, std::string_view payload_hash);

std::string BuildStringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view canonical_request);

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"),
// raw 32 bytes.
std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service);

// Lower-case hex HMAC-SHA256 of the string to sign.
std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign);

// True for 64 hex digits (either case).
bool IsSha256Hex(std::string_view s);

}  // namespace tw::auth
