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

namespace {

std::string ChunkSignatureOfHash(const ChunkSigningContext& context,
                                 std::string_view previous_signature, std::string_view data_hash) {
  std::string string_to_sign = "AWS4-HMAC-SHA256-PAYLOAD\n";
  string_to_sign += context.amz_date;
  string_to_sign += '\n';
  string_to_sign += context.scope;
  string_to_sign += '\n';
  string_to_sign += previous_signature;
  string_to_sign += '\n';
  string_to_sign += kEmptyPayloadSha256;
  string_to_sign += '\n';
  string_to_sign += data_hash;
  return SignatureHex(context.signing_key, string_to_sign);
}

}  // namespace

std::string ChunkSignature(const ChunkSigningContext& context, std::string_view previous_signature,
                           std::string_view chunk_data) {
  return ChunkSignatureOfHash(context, previous_signature, Sha256Hex(chunk_data));
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

AuthResult<std::optional<std::uint64_t>> DecodedContentLength(const http::HttpRequest& request,
                                                              PayloadMode mode) {
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
  return decoded_length;
}

AuthResult<DecodedBody> DecodeStreamingBody(const http::HttpRequest& request,
                                            const VerifiedRequest& verified) {
  const PayloadMode mode = verified.auth.payload_mode;
  auto decoded_length = DecodedContentLength(request, mode);
  if (!decoded_length) return std::move(decoded_length).error();
  ChunkSigningContext context = MakeChunkSigningContext(verified);
  return DecodeAwsChunked(request.body, mode, &context, *decoded_length);
}

// ChunkDecoder

namespace {
// Longest size or trailer line accepted (the CLI's are under 100 bytes).
constexpr std::size_t kMaxLine = 64 * 1024;
constexpr std::string_view kIncompleteLength =
    "You did not provide the number of bytes specified by the Content-Length HTTP header.";
}  // namespace

ChunkDecoder::ChunkDecoder(PayloadMode mode, const ChunkSigningContext* context,
                           std::optional<std::uint64_t> decoded_length)
    : signed_(mode == PayloadMode::kStreamingSigned ||
              mode == PayloadMode::kStreamingSignedTrailer),
      has_trailer_(mode == PayloadMode::kStreamingSignedTrailer ||
                   mode == PayloadMode::kStreamingUnsignedTrailer),
      decoded_length_(decoded_length) {
  if (context) context_ = *context;
  if (!IsStreaming(mode)) {
    error_ = Malformed("The request is not an aws-chunked upload.");
  } else if (signed_ && !context_) {
    error_ = Malformed("Chunk signatures cannot be verified.");
  }
  if (error_) state_ = State::kFailed;
  if (context_) previous_ = context_->seed_signature;
}

AuthResult<bool> ChunkDecoder::Fail(AuthError error) {
  state_ = State::kFailed;
  error_ = error;
  return error;
}

AuthResult<bool> ChunkDecoder::EndSizeLine() {
  std::string_view line = line_;
  line.remove_suffix(kCrlf.size());
  std::size_t semi = line.find(';');
  std::optional<std::uint64_t> size = ParseHexSize(Trim(line.substr(0, semi)));
  if (!size) return Fail(Malformed("Invalid chunk size."));
  if (signed_) {
    if (semi == std::string_view::npos) return Fail(Malformed("Missing chunk signature."));
    std::string_view extension = Trim(line.substr(semi + 1));
    if (extension.substr(0, kChunkSignatureKey.size()) != kChunkSignatureKey) {
      return Fail(Malformed("Missing chunk signature."));
    }
    chunk_signature_ = std::string(extension.substr(kChunkSignatureKey.size()));
  }
  line_.clear();
  chunk_size_ = *size;
  remaining_ = *size;
  if (*size == 0) {
    if (AuthResult<bool> ended = EndChunk(); !ended) return ended;
    state_ = has_trailer_ ? State::kTrailer : State::kFinalRest;
  } else {
    state_ = State::kData;
  }
  return true;
}

AuthResult<bool> ChunkDecoder::EndChunk() {
  if (signed_) {
    std::string hash = HexEncode(chunk_hash_.Final());
    std::string expected = ChunkSignatureOfHash(*context_, previous_, hash);
    if (!ConstantTimeEquals(expected, chunk_signature_)) return Fail(ChunkMismatch());
    previous_ = std::move(expected);
  }
  state_ = State::kSizeLine;
  return true;
}

AuthResult<bool> ChunkDecoder::EndTrailerLine(std::string_view line) {
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return Fail(Malformed("Invalid trailer."));
  std::string name = ToLower(Trim(line.substr(0, colon)));
  std::string value(Trim(line.substr(colon + 1)));
  if (name == kTrailerSignatureName) {
    trailer_signature_ = std::move(value);
  } else {
    trailers_.emplace_back(std::move(name), std::move(value));
  }
  return true;
}

AuthResult<bool> ChunkDecoder::Feed(std::string_view bytes, const Output& out) {
  while (!bytes.empty()) {
    switch (state_) {
      case State::kFailed:
        return *error_;
      case State::kSizeLine:
      case State::kTrailer: {
        // Up to and including the next '\n'; a line ends at the first CRLF.
        std::size_t newline = bytes.find('\n');
        std::size_t take = newline == std::string_view::npos ? bytes.size() : newline + 1;
        line_.append(bytes.substr(0, take));
        bytes.remove_prefix(take);
        if (line_.size() > kMaxLine) return Fail(Malformed("Chunk line too long."));
        if (!line_.ends_with(kCrlf)) break;
        if (state_ == State::kSizeLine) {
          if (AuthResult<bool> ended = EndSizeLine(); !ended) return ended;
        } else {
          std::string line = std::move(line_);
          line_.clear();
          line.resize(line.size() - kCrlf.size());
          if (line.empty()) {
            state_ = State::kAfterTrailer;
          } else if (AuthResult<bool> ended = EndTrailerLine(line); !ended) {
            return ended;
          }
        }
        break;
      }
      case State::kData: {
        std::string_view piece = bytes.substr(
            0, static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size())));
        bytes.remove_prefix(piece.size());
        remaining_ -= piece.size();
        decoded_ += piece.size();
        if (signed_) chunk_hash_.Update(piece);
        if (Status st = out(piece); !st) {
          output_error_ = st.error();
          return Fail(Malformed("The body could not be stored."));
        }
        if (remaining_ == 0) state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd: {
        if (bytes.front() != kCrlf[line_.size()]) return Fail(Malformed());
        line_ += bytes.front();
        bytes.remove_prefix(1);
        if (line_.size() == kCrlf.size()) {
          line_.clear();
          if (AuthResult<bool> ended = EndChunk(); !ended) return ended;
        }
        break;
      }
      case State::kFinalRest: {
        if (line_.size() >= kCrlf.size() || bytes.front() != kCrlf[line_.size()]) {
          return Fail(Malformed());
        }
        line_ += bytes.front();
        bytes.remove_prefix(1);
        break;
      }
      case State::kAfterTrailer:
        return Fail(Malformed());
    }
  }
  if (error_) return *error_;
  return true;
}

AuthResult<bool> ChunkDecoder::Finish() {
  switch (state_) {
    case State::kFailed:
      return *error_;
    case State::kSizeLine:
    case State::kData:
    case State::kDataEnd:
      return Fail(Malformed());
    case State::kFinalRest:
      if (!line_.empty() && line_ != kCrlf) return Fail(Malformed());
      break;
    case State::kTrailer:
      if (!line_.empty()) {
        std::string line = std::move(line_);
        line_.clear();
        if (AuthResult<bool> ended = EndTrailerLine(line); !ended) return ended;
      }
      [[fallthrough]];
    case State::kAfterTrailer:
      if (signed_) {
        if (!trailer_signature_) return Fail(Malformed("Missing trailer signature."));
        std::string expected = TrailerSignature(*context_, previous_, trailers_);
        if (!ConstantTimeEquals(expected, *trailer_signature_)) return Fail(ChunkMismatch());
      }
      break;
  }
  if (decoded_length_ && decoded_ != *decoded_length_) {
    return Fail(Malformed(std::string(kIncompleteLength)));
  }
  state_ = State::kFailed;  // nothing may follow
  error_ = Malformed();
  return true;
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
