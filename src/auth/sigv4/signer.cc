// SPDX-License-Identifier: Apache-2.0
#include "auth/sigv4/signer.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "auth/sigv4/canonical.h"
#include "common/crypto.h"
#include "common/strings.h"
#include "common/time_format.h"

namespace tw::auth {
namespace {

// Headers proxies rewrite or drop, which a signature must not depend on.
bool Unsignable(std::string_view lower_name) {
  static constexpr std::string_view kSkip[] = {
      "authorization", "user-agent",        "x-amzn-trace-id", "expect",
      "connection",    "transfer-encoding", "keep-alive",      "proxy-authorization"};
  return std::find(std::begin(kSkip), std::end(kSkip), lower_name) != std::end(kSkip);
}

std::vector<std::string> SignedHeaderNames(const http::Headers& headers, bool sign_token) {
  std::vector<std::string> names;
  for (const auto& field : headers) {
    std::string name = ToLower(field.first);
    if (Unsignable(name)) continue;
    if (!sign_token && name == "x-amz-security-token") continue;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ';';
    out += name;
  }
  return out;
}

std::string CanonicalUriFor(const http::HttpRequest& request, const SigningParams& params) {
  if (params.normalize_path.value_or(!params.s3)) return CanonicalUriNormalized(request.path);
  return CanonicalUriSingleEncoded(request.path).value_or(request.path);
}

SigningResult Sign(const http::HttpRequest& request, const SigningParams& params,
                   std::string_view canonical_query, const std::vector<std::string>& names,
                   std::string_view payload_hash) {
  SigningResult result;
  result.amz_date = FormatAmzDate(params.now_millis);
  result.scope = result.amz_date.substr(0, 8) + "/" + params.region + "/" + params.service + "/" +
                 std::string(kSigV4Terminator);
  result.canonical_request =
      BuildCanonicalRequest(request.method, CanonicalUriFor(request, params), canonical_query,
                            CanonicalHeaders(request.headers, names), Join(names), payload_hash);
  result.string_to_sign =
      BuildStringToSign(result.amz_date, result.scope, result.canonical_request);
  result.signing_key = DeriveSigningKey(params.secret_access_key, result.amz_date.substr(0, 8),
                                        params.region, params.service);
  result.signature = SignatureHex(result.signing_key, result.string_to_sign);
  return result;
}

void AppendQuery(std::string& raw_query, std::string_view name, std::string_view value) {
  if (!raw_query.empty()) raw_query += '&';
  raw_query += UriEncode(name);
  raw_query += '=';
  raw_query += UriEncode(value);
}

}  // namespace

SigningResult SignRequest(http::HttpRequest& request, const SigningParams& params) {
  request.headers.Remove("authorization");
  request.headers.Set("X-Amz-Date", FormatAmzDate(params.now_millis));
  if (params.session_token) request.headers.Set("X-Amz-Security-Token", *params.session_token);
  std::string payload_hash = params.payload_hash.value_or(Sha256Hex(request.body));
  if (params.s3 || params.add_content_sha256 || params.payload_hash) {
    request.headers.Set("x-amz-content-sha256", payload_hash);
  }
  std::vector<std::string> names = SignedHeaderNames(request.headers, params.sign_session_token);
  SigningResult result = Sign(request, params, CanonicalQueryString(ParseQuery(request.raw_query)),
                              names, payload_hash);
  std::string authorization(kSigV4Algorithm);
  authorization += " Credential=" + params.access_key_id + "/" + result.scope;
  authorization += ", SignedHeaders=" + Join(names);
  authorization += ", Signature=" + result.signature;
  request.headers.Add("Authorization", std::move(authorization));
  return result;
}

SigningResult Presign(http::HttpRequest& request, const SigningParams& params,
                      std::int64_t expires_seconds) {
  std::vector<std::string> names = SignedHeaderNames(request.headers, true);
  std::string amz_date = FormatAmzDate(params.now_millis);
  std::string credential = params.access_key_id + "/" + amz_date.substr(0, 8) + "/" +
                           params.region + "/" + params.service + "/" +
                           std::string(kSigV4Terminator);
  std::vector<std::pair<std::string, std::string>> added = {
      {"X-Amz-Algorithm", std::string(kSigV4Algorithm)},
      {"X-Amz-Credential", credential},
      {"X-Amz-Date", amz_date},
      {"X-Amz-SignedHeaders", Join(names)},
      {"X-Amz-Expires", std::to_string(expires_seconds)},
  };
  if (params.session_token && params.sign_session_token) {
    added.emplace_back("X-Amz-Security-Token", *params.session_token);
  }
  std::vector<QueryParam> query = ParseQuery(request.raw_query);
  for (const auto& [name, value] : added) query.push_back({name, value});
  std::string payload_hash = params.payload_hash.value_or(params.s3 ? std::string(kUnsignedPayload)
                                                                    : Sha256Hex(request.body));
  SigningResult result = Sign(request, params, CanonicalQueryString(query), names, payload_hash);

  for (const auto& [name, value] : added) AppendQuery(request.raw_query, name, value);
  if (params.session_token && !params.sign_session_token) {
    AppendQuery(request.raw_query, "X-Amz-Security-Token", *params.session_token);
  }
  AppendQuery(request.raw_query, "X-Amz-Signature", result.signature);
  return result;
}

}  // namespace tw::auth
