// SPDX-License-Identifier: Apache-2.0
#include "auth/sigv4/chunked.h"

#include <algorithm>

#include "auth/sigv4/canonical.h"
#include "common/crypto.h"
#include "common/strings.h"

namespace tw::auth {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kChunkSignatureKey = "chunk-signature=";
constexpr std::string_view kTrailerSignatureName = "x-amz-trailer-signature";

AuthError Malformed(std::string message = {}) {
  return MakeAuthError(AuthErrorKind::kMalformedChunkedBody, std::move(message));
}

AuthError ChunkMismatch() {
  AuthError error = MakeAuthError(AuthErrorKind::kChunkSignatureMismatch);
  return error;
}

// Hex chunk size: 1 to 16 digits (larger could not be followed by that much data anyway).
std::optional<std::uint64_t> ParseHexSize(std::string_view text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    value = value * 16 + static_cast<std::uint64_t>(digit);
  }
  return value;
}

std::string HexSize(std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (size == 0) return "0";
  std::string out;
  while (size > 0) {
    out.insert(out.begin(), kHex[size & 0xf]);
    size >>= 4;
  }
  return out;
}

bool IsStreaming(PayloadMode mode) {
  return mode == PayloadMode::kStreamingSigned || mode == PayloadMode::kStreamingSignedTrailer ||
         mode == PayloadMode::kStreamingUnsignedTrailer;
}

}  // namespace

ChunkSigningContext MakeChunkSigningContext(const VerifiedRequest& verified) {
  return ChunkSigningContext{verified.signing_key, verified.auth.amz_date,
                             verified.auth.scope.ToString(), verified.auth.signature};
}

std::string ChunkSignature(const ChunkSigningContext& context, std::string_view previous_signature,
                           std::string_view chunk_data) {
  std::string string_to_sign = "AWS4-HMAC-SHA256-PAYLOAD\n";
  string_to_sign += context.amz_date;
  string_to_sign += '\n';
  string_to_sign += context.scope;
  string_to_sign += '\n';
  string_to_sign += previous_signature;
  string_to_sign += '\n';
  string_to_sign += kEmptyPayloadSha256;
  string_to_sign += '\n';
  string_to_sign += Sha256Hex(chunk_data);
  return SignatureHex(context.signing_key, string_to_sign);
}

std::string TrailerSignature(const ChunkSigningContext& context,
                             std::string_view previous_signature,
                             const std::vector<std::pair<std::string, std::string>>& trailers) {
  std::vector<std::pair<std::string, std::string>> sorted;
  sorted.reserve(trailers.size());
  for (const auto& [name, value] : trailers) {
    sorted.emplace_back(ToLower(name), CanonicalHeaderValue(value));
  }
  std::sort(sorted.begin(), sorted.end());
  std::string canonical;
  for (const auto& [name, value] : sorted) {
    canonical += name;
    canonical += ':';
    canonical += value;
    canonical += '\n';
  }
  std::string string_to_sign = "AWS4-HMAC-SHA256-TRAILER\n";
  string_to_sign += context.amz_date;
  string_to_sign += '\n';
  string_to_sign += context.scope;
  string_to_sign += '\n';
  string_to_sign += previous_signature;
  string_to_sign += '\n';
  string_to_sign += Sha256Hex(canonical);
  return SignatureHex(context.signing_key, string_to_sign);
}

AuthResult<DecodedBody> DecodeAwsChunked(std::string_view body, PayloadMode mode,
                                         const ChunkSigningContext* context,
                                         std::optional<std::uint64_t> decoded_length) {
  if (!IsStreaming(mode)) return Malformed("The request is not an aws-chunked upload.");
  const bool is_signed =
      mode == PayloadMode::kStreamingSigned || mode == PayloadMode::kStreamingSignedTrailer;
  const bool has_trailer = mode == PayloadMode::kStreamingSignedTrailer ||
                           mode == PayloadMode::kStreamingUnsignedTrailer;
  if (is_signed && context == nullptr) return Malformed("Chunk signatures cannot be verified.");

  DecodedBody out;
  if (decoded_length && *decoded_length <= body.size()) out.data.reserve(*decoded_length);
  std::string previous = is_signed ? context->seed_signature : std::string();
  std::size_t pos = 0;
  while (true) {
    std::size_t eol = body.find(kCrlf, pos);
    if (eol == std::string_view::npos) return Malformed();
    std::string_view line = body.substr(pos, eol - pos);
    pos = eol + kCrlf.size();
    std::size_t semi = line.find(';');
    std::optional<std::uint64_t> size = ParseHexSize(Trim(line.substr(0, semi)));
    if (!size) return Malformed("Invalid chunk size.");
    std::string_view signature;
    if (is_signed) {
      if (semi == std::string_view::npos) return Malformed("Missing chunk signature.");
      std::string_view extension = Trim(line.substr(semi + 1));
      if (extension.substr(0, kChunkSignatureKey.size()) != kChunkSignatureKey) {
        return Malformed("Missing chunk signature.");
      }
      signature = extension.substr(kChunkSignatureKey.size());
    }
    if (*size > body.size() - pos) return Malformed();
    std::string_view data = body.substr(pos, static_cast<std::size_t>(*size));
    if (*size > 0) {
      pos += data.size();
      if (body.substr(pos, kCrlf.size()) != kCrlf) return Malformed();
      pos += kCrlf.size();
    }
    if (is_signed) {
      std::string expected = ChunkSignature(*context, previous, data);
      if (!ConstantTimeEquals(expected, signature)) return ChunkMismatch();
      previous = std::move(expected);
    }
    if (*size == 0) break;
    out.data.append(data);
  }

  if (has_trailer) {
    std::optional<std::string> trailer_signature;
    while (pos < body.size()) {
      std::size_t eol = body.find(kCrlf, pos);
      std::string_view line =
          body.substr(pos, eol == std::string_view::npos ? body.npos : eol - pos);
      pos = eol == std::string_view::npos ? body.size() : eol + kCrlf.size();
      if (line.empty()) break;  // the blank line that ends the trailer
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) return Malformed("Invalid trailer.");
      std::string name = ToLower(Trim(line.substr(0, colon)));
      std::string value(Trim(line.substr(colon + 1)));
      if (name == kTrailerSignatureName) {
        trailer_signature = std::move(value);
      } else {
        out.trailers.emplace_back(std::move(name), std::move(value));
      }
    }
    if (is_signed) {
      if (!trailer_signature) return Malformed("Missing trailer signature.");
      std::string expected = TrailerSignature(*context, previous, out.trailers);
      if (!ConstantTimeEquals(expected, *trailer_signature)) return ChunkMismatch();
    }
  } else {
    std::string_view rest = body.substr(pos);
    if (!rest.empty() && rest != kCrlf) return Malformed();
    pos = body.size();
  }
  if (pos != body.size()) return Malformed();
  if (decoded_length && out.data.size() != *decoded_length) {
    return Malformed(
        "You did not provide the number of bytes specified by the Content-Length HTTP header.");
  }
  return out;
}

AuthResult<DecodedBody> DecodeStreamingBody(const http::HttpRequest& request,
                                            const VerifiedRequest& verified) {
  const PayloadMode mode = verified.auth.payload_mode;
  std::optional<std::uint64_t> decoded_length;
  if (const std::string* header = request.headers.Find("x-amz-decoded-content-length")) {
    std::string_view text = Trim(*header);
    if (text.empty() || text.size() > 18 ||
        text.find_first_not_of("0123456789") != std::string_view::npos) {
      return Malformed("Invalid x-amz-decoded-content-length.");
    }
    decoded_length = std::stoull(std::string(text));
  } else if (mode == PayloadMode::kStreamingSigned ||
             mode == PayloadMode::kStreamingSignedTrailer) {
    return Malformed("x-amz-decoded-content-length is required for aws-chunked uploads.");
  }
  ChunkSigningContext context = MakeChunkSigningContext(verified);
  return DecodeAwsChunked(request.body, mode, &context, decoded_length);
}

std::string EncodeAwsChunked(std::string_view data, std::size_t chunk_size,
                             const ChunkSigningContext* context,
                             const std::vector<std::pair<std::string, std::string>>& trailers) {
  if (chunk_size == 0) chunk_size = 64 * 1024;
  std::string out;
  out.reserve(data.size() + (data.size() / chunk_size + 2) * 100);
  std::string previous = context ? context->seed_signature : std::string();
  std::size_t pos = 0;
  while (true) {
    std::string_view chunk = data.substr(pos, std::min(chunk_size, data.size() - pos));
    pos += chunk.size();
    out += HexSize(chunk.size());
    if (context) {
      previous = ChunkSignature(*context, previous, chunk);
      out += ';';
      out += kChunkSignatureKey;
      out += previous;
    }
    out += kCrlf;
    if (chunk.empty()) break;
    out += chunk;
    out += kCrlf;
  }
  for (const auto& [name, value] : trailers) {
    out += name;
    out += ':';
    out += value;
    out += kCrlf;
  }
  if (context && !trailers.empty()) {
    out += kTrailerSignatureName;
    out += ':';
    out += TrailerSignature(*context, previous, trailers);
    out += kCrlf;
  }
  out += kCrlf;
  return out;
}

}  // namespace tw::auth
