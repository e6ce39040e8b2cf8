// SPDX-License-Identifier: Apache-2.0
#include "auth/sigv4/canonical.h"

#include <algorithm>

#include "common/crypto.h"
#include "common/strings.h"

namespace tw::auth {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

std::string CredentialScope::ToString() const {
  std::string out;
  out.reserve(date.size() + region.size() + service.size() + terminator.size() + 3);
  out += date;
  out += '/';
  out += region;
  out += '/';
  out += service;
  out += '/';
  out += terminator;
  return out;
}

std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> kept;
  for (std::string_view segment : Split(path, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
      continue;
    }
    kept.push_back(segment);
  }
  std::string out;
  out.reserve(path.size());
  if (path.front() == '/') out += '/';
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += '/';
    out += kept[i];
  }
  // A trailing '/' survives only when something precedes it ("/a/" stays, "/a/.." is "/a"...
  // then "/" when nothing is left, matching the SDKs).
  if (path.back() == '/' && !kept.empty()) out += '/';
  if (out.empty())
    return std::string(1, '/');  // not out = "/": GCC 12 -Wrestrict false positive at -O2
  return out;
}

std::string CanonicalUriNormalized(std::string_view wire_path) {
  return UriEncode(NormalizePath(wire_path), /*keep_slash=*/true);
}

std::optional<std::string> CanonicalUriSingleEncoded(std::string_view wire_path) {
  if (wire_path.empty()) return std::string("/");
  auto decoded = UriDecode(wire_path);
  if (!decoded) return std::nullopt;
  return UriEncode(*decoded, /*keep_slash=*/true);
}

std::vector<QueryParam> ParseQuery(std::string_view raw_query, bool plus_as_space) {
  std::vector<QueryParam> params;
  if (raw_query.empty()) return params;
  for (std::string_view part : Split(raw_query, '&')) {
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string_view name = part.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    auto decoded_name = UriDecode(name, plus_as_space);
    auto decoded_value = UriDecode(value, plus_as_space);
    params.push_back({decoded_name ? std::move(*decoded_name) : std::string(name),
                      decoded_value ? std::move(*decoded_value) : std::string(value)});
  }
  return params;
}

const std::string* FindQueryParam(const std::vector<QueryParam>& params, std::string_view name) {
  for (const QueryParam& p : params) {
    if (p.name == name) return &p.value;
  }
  return nullptr;
}

std::string CanonicalQueryString(const std::vector<QueryParam>& params, bool exclude_signature,
                                 bool exclude_token) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const QueryParam& p : params) {
    if (exclude_signature && p.name == "X-Amz-Signature") continue;
    if (exclude_token && p.name == "X-Amz-Security-Token") continue;
    encoded.emplace_back(UriEncode(p.name), UriEncode(p.value));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (i > 0) out += '&';
    out += encoded[i].first;
    out += '=';
    out += encoded[i].second;
  }
  return out;
}

std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string CanonicalHeaders(const http::Headers& headers,
                             const std::vector<std::string>& signed_names) {
  std::string out;
  for (const std::string& name : signed_names) {
    out += name;
    out += ':';
    bool first = true;
    bool found = false;
    for (const auto& [field_name, field_value] : headers) {
      if (!IEquals(field_name, name)) continue;
      if (!first) out += ',';
      out += CanonicalHeaderValue(field_value);
      first = false;
      found = true;
    }
    if (!found && name == "host") {
      if (const std::string* authority = headers.Find(":authority")) {
        out += CanonicalHeaderValue(*authority);
      }
    }
    out += '\n';
  }
  return out;
}

std::string BuildCanonicalRequest(std::string_view method, std::string_view canonical_uri,
                                  std::string_view canonical_query,
                                  std::string_view canonical_headers,
                                  std::string_view signed_headers, std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + canonical_uri.size() + canonical_query.size() +
              canonical_headers.size() + signed_headers.size() + payload_hash.size() + 5);
  out += method;
  out += '\n';
  out += canonical_uri;
  out += '\n';
  out += canonical_query;
  out += '\n';
  out += canonical_headers;
  out += '\n';
  out += signed_headers;
  out += '\n';
  out += payload_hash;
  return out;
}

std::string BuildStringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view canonical_request) {
  std::string out;
  out.reserve(kSigV4Algorithm.size() + amz_date.size() + scope.size() + 64 + 3);
  out += kSigV4Algorithm;
  out += '\n';
  out += amz_date;
  out += '\n';
  out += scope;
  out += '\n';
  out += Sha256Hex(canonical_request);
  return out;
}

std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string seed = "AWS4";
  seed += secret_access_key;
  std::string key = HmacSha256(seed, date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  return HmacSha256(key, kSigV4Terminator);
}

std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign) {
  return HexEncode(HmacSha256(signing_key, string_to_sign));
}

bool IsSha256Hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), IsHexDigit);
}

}  // namespace tw::auth
