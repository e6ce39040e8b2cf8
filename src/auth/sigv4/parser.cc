// SPDX-License-Identifier: Apache-2.0
#include "auth/sigv4/parser.h"

#include "common/crypto.h"
#include "common/strings.h"
#include "common/time_format.h"

namespace tw::auth {
namespace {

constexpr std::string_view kMalformedCredentialS3 =
    "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";

bool IsSeparator(char c) { return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Splits on runs of ',' and whitespace: clients differ in how they space the components.
std::vector<std::string_view> Tokenize(std::string_view s) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSeparator(s[i])) ++i;
    std::size_t start = i;
    while (i < s.size() && !IsSeparator(s[i])) ++i;
    if (i > start) tokens.push_back(s.substr(start, i - start));
  }
  return tokens;
}

// "AKID/date/region/service/terminator" into its parts; false unless there are five non-empty
// ones (access key ids never contain '/').
bool ParseCredential(std::string_view credential, ParsedAuth& out) {
  std::vector<std::string_view> parts = Split(credential, '/');
  if (parts.size() != 5) return false;
  for (std::string_view part : parts) {
    if (part.empty()) return false;
  }
  out.credential = std::string(credential);
  out.access_key_id = std::string(parts[0]);
  out.scope.date = std::string(parts[1]);
  out.scope.region = std::string(parts[2]);
  out.scope.service = std::string(parts[3]);
  out.scope.terminator = std::string(parts[4]);
  return true;
}

void SetSignedHeaders(std::string_view text, ParsedAuth& out) {
  out.signed_headers.clear();
  out.signed_headers_text = ToLower(text);
  for (std::string_view name : Split(out.signed_headers_text, ';')) {
    out.signed_headers.emplace_back(name);
  }
}

AuthError InvalidDate(std::string_view value, bool presigned) {
  AuthError error =
      MakeAuthError(AuthErrorKind::kInvalidDate,
                    "Date must be in ISO-8601 'basic format'. Got '" + std::string(value) +
                        "'. See http://en.wikipedia.org/wiki/ISO_8601");
  error.presigned = presigned;
  return error;
}

AuthResult<bool> ParseHeaderAuth(const http::HttpRequest& request, std::string_view header,
                                 ParsedAuth& out) {
  std::string_view value = Trim(header);
  std::size_t space = value.find_first_of(" \t");
  std::string_view algorithm = value.substr(0, space);
  if (algorithm != kSigV4Algorithm) {
    return MakeAuthError(AuthErrorKind::kUnsupportedAlgorithm,
                         "Unsupported AWS 'algorithm': '" + std::string(algorithm) + "'",
                         "Unsupported Authorization Type")
        .With("ArgumentName", "Authorization")
        .With("ArgumentValue", std::string(header));
  }
  std::string_view rest =
      space == std::string_view::npos ? std::string_view() : value.substr(space);
  std::optional<std::string_view> credential, signed_headers, signature;
  for (std::string_view token : Tokenize(rest)) {
    auto eq = token.find('=');
    if (eq == std::string_view::npos) {
      return MakeAuthError(AuthErrorKind::kIncompleteSignature,
                           "'" + std::string(token) +
                               "' not a valid key=value pair (missing equal-sign) in "
                               "Authorization header: '" +
                               std::string(header) + "'.",
                           "The authorization header is malformed; the authorization component "
                           "\"" +
                               std::string(token) + "\" is malformed.");
    }
    std::string_view key = token.substr(0, eq);
    std::string_view component = token.substr(eq + 1);
    if (IEquals(key, "Credential")) {
      if (!credential) credential = component;
    } else if (IEquals(key, "SignedHeaders")) {
      if (!signed_headers) signed_headers = component;
    } else if (IEquals(key, "Signature")) {
      if (!signature) signature = component;
    }
  }
  const std::string* amz_date = request.headers.Find("x-amz-date");
  const std::string* date = amz_date ? amz_date : request.headers.Find("date");

  std::string missing;
  auto require = [&](bool present, std::string_view text) {
    if (present) return;
    if (!missing.empty()) missing += ' ';
    missing += text;
  };
  require(credential.has_value(), "Authorization header requires 'Credential' parameter.");
  require(signature.has_value(), "Authorization header requires 'Signature' parameter.");
  require(signed_headers.has_value(), "Authorization header requires 'SignedHeaders' parameter.");
  bool components_missing = !missing.empty();
  require(date != nullptr,
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (!missing.empty()) {
    missing += " Authorization=";
    missing += header;
    // Only a missing date is S3's "requires a valid Date" error; anything else is malformed.
    return MakeAuthError(
        components_missing ? AuthErrorKind::kIncompleteSignature : AuthErrorKind::kInvalidDate,
        std::move(missing),
        "The authorization header is malformed; the authorization header "
        "requires three components: Credential, SignedHeaders, and Signature.");
  }
  if (!ParseCredential(*credential, out)) {
    return MakeAuthError(
        AuthErrorKind::kIncompleteSignature,
        "Incorrect credential scope '" + std::string(*credential) +
            "'; expecting \"<AccessKeyId>/<YYYYMMDD>/<region>/<service>/"
            "aws4_request\".",
        "The authorization header is malformed; " + std::string(kMalformedCredentialS3));
  }
  SetSignedHeaders(*signed_headers, out);
  out.signature = std::string(*signature);

  out.request_date_text = *date;
  std::optional<std::int64_t> time =
      amz_date ? ParseAmzDate(Trim(*amz_date)) : ParseHttpDate(Trim(*date));
  if (!time) return InvalidDate(*date, false);
  out.request_time_millis = *time;
  out.amz_date = FormatAmzDate(*time);
  if (const std::string* token = request.headers.Find("x-amz-security-token")) {
    out.session_token = *token;
  }
  return true;
}

AuthResult<bool> ParseQueryAuth(bool s3, ParsedAuth& out) {
  out.presigned = true;
  const std::vector<QueryParam>& q = out.query;
  const std::string* algorithm = FindQueryParam(q, "X-Amz-Algorithm");
  const std::string* credential = FindQueryParam(q, "X-Amz-Credential");
  const std::string* signature = FindQueryParam(q, "X-Amz-Signature");
  const std::string* date = FindQueryParam(q, "X-Amz-Date");
  const std::string* signed_headers = FindQueryParam(q, "X-Amz-SignedHeaders");
  const std::string* expires = FindQueryParam(q, "X-Amz-Expires");

  std::string missing;
  auto require = [&](const std::string* present, std::string_view name) {
    if (present) return;
    if (!missing.empty()) missing += ' ';
    missing += "AWS query-string parameters must include '";
    missing += name;
    missing += "'.";
  };
  require(algorithm, "X-Amz-Algorithm");
  require(credential, "X-Amz-Credential");
  require(signature, "X-Amz-Signature");
  require(date, "X-Amz-Date");
  require(signed_headers, "X-Amz-SignedHeaders");
  if (s3) require(expires, "X-Amz-Expires");
  auto query_error = [](std::string message, std::string s3_message) {
    AuthError error = MakeAuthError(AuthErrorKind::kInvalidQueryParameters, std::move(message),
                                    std::move(s3_message));
    error.presigned = true;
    return error;
  };
  if (!missing.empty()) {
    missing += " Re-examine the query-string parameters.";
    return query_error(std::move(missing),
                       "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                       "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
                       "X-Amz-Expires parameters.");
  }
  if (*algorithm != kSigV4Algorithm) {
    return query_error("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"",
                       "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }
  if (expires) {
    std::string_view text = *expires;
    bool negative = !text.empty() && text.front() == '-';
    std::string_view digits = negative ? text.substr(1) : text;
    bool numeric = !digits.empty() && digits.size() <= 12 &&
                   digits.find_first_not_of("0123456789") == std::string_view::npos;
    if (!numeric) {
      return query_error("X-Amz-Expires should be a number", "X-Amz-Expires should be a number");
    }
    if (negative) {
      return query_error("X-Amz-Expires must be non-negative",
                         "X-Amz-Expires must be non-negative");
    }
    std::int64_t seconds = std::stoll(std::string(digits));
    if (seconds < 1) {
      return query_error("X-Amz-Expires must be at least 1 second",
                         "X-Amz-Expires must be at least 1 second");
    }
    if (seconds > 604800) {
      return query_error("X-Amz-Expires must be less than a week (in seconds) that is 604800",
                         "X-Amz-Expires must be less than a week (in seconds) that is 604800");
    }
    out.expires_seconds = seconds;
  }
  if (!ParseCredential(*credential, out)) {
    return query_error(
        "Incorrect credential scope '" + *credential +
            "'; expecting \"<AccessKeyId>/<YYYYMMDD>/<region>/<service>/"
            "aws4_request\".",
        "Error parsing the X-Amz-Credential parameter; " + std::string(kMalformedCredentialS3));
  }
  SetSignedHeaders(*signed_headers, out);
  out.signature = *signature;
  out.request_date_text = *date;
  std::optional<std::int64_t> time = ParseAmzDate(*date);
  if (!time) return InvalidDate(*date, true);
  out.request_time_millis = *time;
  out.amz_date = FormatAmzDate(*time);
  if (const std::string* token = FindQueryParam(q, "X-Amz-Security-Token")) {
    out.session_token = *token;
  }
  return true;
}

bool HasPresignParams(const std::vector<QueryParam>& q) {
  return FindQueryParam(q, "X-Amz-Algorithm") || FindQueryParam(q, "X-Amz-Credential") ||
         FindQueryParam(q, "X-Amz-Signature");
}

}  // namespace

PayloadMode ClassifyPayloadHash(std::string_view value) {
  if (IsSha256Hex(value)) return PayloadMode::kLiteralHash;
  if (value == kUnsignedPayload) return PayloadMode::kUnsigned;
  if (value == kStreamingSignedPayload) return PayloadMode::kStreamingSigned;
  if (value == kStreamingSignedPayloadTrailer) return PayloadMode::kStreamingSignedTrailer;
  if (value == kStreamingUnsignedPayloadTrailer) return PayloadMode::kStreamingUnsignedTrailer;
  if (value == kStreamingEcdsaPayload || value == kStreamingEcdsaPayloadTrailer) {
    return PayloadMode::kStreamingEcdsa;
  }
  return PayloadMode::kInvalid;
}

AuthResult<ParsedAuth> ParseAuth(const http::HttpRequest& request, bool s3) {
  ParsedAuth out;
  out.query = ParseQuery(request.raw_query);
  const std::string* header = request.headers.Find("authorization");
  bool presign = HasPresignParams(out.query);
  if (header && presign) {
    return MakeAuthError(AuthErrorKind::kConflictingAuth,
                         "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                         "parameter, Signature query string parameter or the Authorization header "
                         "should be specified")
        .With("ArgumentName", "Authorization")
        .With("ArgumentValue", *header);
  }
  if (!header && !presign) return MakeAuthError(AuthErrorKind::kMissingAuthentication);

  AuthResult<bool> parsed =
      header ? ParseHeaderAuth(request, *header, out) : ParseQueryAuth(s3, out);
  if (!parsed) return std::move(parsed).error();

  if (const std::string* content_sha = request.headers.Find("x-amz-content-sha256")) {
    out.payload_hash = std::string(Trim(*content_sha));
    out.payload_mode = ClassifyPayloadHash(out.payload_hash);
    if (s3 && (out.payload_mode == PayloadMode::kInvalid ||
               out.payload_mode == PayloadMode::kStreamingEcdsa)) {
      AuthError error = MakeAuthError(
          AuthErrorKind::kInvalidContentSha256,
          "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
          "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a "
          "valid sha256 value.");
      error.presigned = out.presigned;
      return std::move(error)
          .With("ArgumentName", "x-amz-content-sha256")
          .With("ArgumentValue", out.payload_hash);
    }
  } else if (s3 && out.presigned) {
    out.payload_mode = PayloadMode::kUnsigned;
    out.payload_hash = std::string(kUnsignedPayload);
  } else {
    out.payload_mode = PayloadMode::kBodyHash;
    out.payload_hash = Sha256Hex(request.body);
  }
  return out;
}

std::optional<ScopeHint> PeekCredentialScope(const http::HttpRequest& request) {
  std::string credential;
  if (const std::string* header = request.headers.Find("authorization")) {
    std::string_view h = *header;
    auto pos = h.find("Credential=");
    if (pos == std::string_view::npos) return std::nullopt;
    pos += 11;
    auto end = h.find_first_of(", \t", pos);
    credential = std::string(h.substr(pos, end == std::string_view::npos ? h.npos : end - pos));
  } else {
    std::string_view q = request.raw_query;
    std::size_t pos = 0;
    while (true) {
      pos = q.find("X-Amz-Credential=", pos);
      if (pos == std::string_view::npos) return std::nullopt;
      if (pos == 0 || q[pos - 1] == '&') break;
      ++pos;
    }
    pos += 17;
    auto end = q.find('&', pos);
    auto decoded = UriDecode(q.substr(pos, end == std::string_view::npos ? q.npos : end - pos));
    if (!decoded) return std::nullopt;
    credential = std::move(*decoded);
  }
  std::vector<std::string_view> parts = Split(credential, '/');
  if (parts.size() < 5) return std::nullopt;
  std::size_t n = parts.size();
  return ScopeHint{std::string(parts[n - 3]), std::string(parts[n - 2])};
}

}  // namespace tw::auth
