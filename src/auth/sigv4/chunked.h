// SPDX-License-Identifier: Apache-2.0
// S3 aws-chunked bodies: decoding (with every chunk signature verified, chained from the seed
// signature of the request, for STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]; unsigned chunks for
// STREAMING-UNSIGNED-PAYLOAD-TRAILER, whose trailing checksum lines are parsed and returned but not
// checked here) and encoding, which tests and benchmarks use to build uploads. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4/auth_error.h"
#include "auth/sigv4/parser.h"
#include "auth/sigv4/verifier.h"
#include "common/crypto.h"
#include "common/result.h"
#include "http/message.h"

namespace tw::auth {

// What chains the chunk signatures of one upload.
struct ChunkSigningContext {
  std::string signing_key;     // raw derived key
  std::string amz_date;        // RequestDateTime, "20130524T000000Z"
  std::string scope;           // "20130524/us-east-1/s3/aws4_request"
  std::string seed_signature;  // the request's own signature
};

ChunkSigningContext MakeChunkSigningContext(const VerifiedRequest& verified);

// Hex signature of one chunk: HMAC over "AWS4-HMAC-SHA256-PAYLOAD\n<date>\n<scope>\n<previous>\n
// <sha256("")>\n<sha256(chunk)>".
std::string ChunkSignature(const ChunkSigningContext& context, std::string_view previous_signature,
                           std::string_view chunk_data);

// Hex signature of the trailer: HMAC over "AWS4-HMAC-SHA256-TRAILER\n<date>\n<scope>\n<previous>\n
// <sha256(trailer)>", where the trailer is "name:value\n" per trailing header, sorted by name.
std::string TrailerSignature(const ChunkSigningContext& context,
                             std::string_view previous_signature,
                             const std::vector<std::pair<std::string, std::string>>& trailers);

struct DecodedBody {
  std::string data;
  // Trailing headers (x-amz-checksum-crc32, ...) in arrival order, names lower-cased; the
  // x-amz-trailer-signature line is consumed, not listed.
  std::vector<std::pair<std::string, std::string>> trailers;
};

// Decodes an aws-chunked body. `mode` must be one of the streaming modes; `context` is required
// for the signed ones. When `decoded_length` is set the decoded size must equal it.
// Errors: kMalformedChunkedBody, kChunkSignatureMismatch.
AuthResult<DecodedBody> DecodeAwsChunked(std::string_view body, PayloadMode mode,
                                         const ChunkSigningContext* context,
                                         std::optional<std::uint64_t> decoded_length);

// The incremental aws-chunked decoder behind streamed uploads: Feed() takes the encoded body in
// pieces of any size (byte by byte works) and passes decoded payload bytes to `out` as they
// arrive; Finish() is called at the end of the body. It holds no chunk in memory: each chunk's
// SHA-256 is computed as its bytes pass, and its signature is checked when the chunk ends, so a
// bad chunk stops the upload there (bytes already passed to `out` belong to an upload that will
// fail, and the caller discards them). Accepts and rejects exactly what DecodeAwsChunked does
// for the same bytes. Not thread-safe; one per request.
class ChunkDecoder {
 public:
  // Receives decoded payload bytes; an error from it stops decoding and is returned by Feed.
  using Output = std::function<Status(std::string_view)>;

  // `mode` must be a streaming mode; `context` (copied) is required for the signed ones.
  ChunkDecoder(PayloadMode mode, const ChunkSigningContext* context,
               std::optional<std::uint64_t> decoded_length);

  // The first error sticks: later calls return it again.
  AuthResult<bool> Feed(std::string_view bytes, const Output& out);
  // End of input: the body must be complete, the trailer signature valid and the length right.
  AuthResult<bool> Finish();

  std::uint64_t decoded_size() const { return decoded_; }
  // Trailing headers after Finish() (names lower-cased; x-amz-trailer-signature consumed).
  const std::vector<std::pair<std::string, std::string>>& trailers() const { return trailers_; }
  // A Status from `out` that stopped decoding, if any.
  const std::optional<AwsError>& output_error() const { return output_error_; }

 private:
  enum class State { kSizeLine, kData, kDataEnd, kFinalRest, kTrailer, kAfterTrailer, kFailed };
  AuthResult<bool> Fail(AuthError error);
  AuthResult<bool> EndSizeLine();
  AuthResult<bool> EndChunk();
  AuthResult<bool> EndTrailerLine(std::string_view line);

  bool signed_;
  bool has_trailer_;
  std::optional<ChunkSigningContext> context_;
  std::optional<std::uint64_t> decoded_length_;
  State state_ = State::kSizeLine;
  std::string line_;  // the line being read (size line, trailer line, or final CRLF)
  std::uint64_t remaining_ = 0;
  std::uint64_t chunk_size_ = 0;
  std::string chunk_signature_;
  std::string previous_;
  StreamingDigest chunk_hash_{StreamingDigest::Algorithm::kSha256};
  std::uint64_t decoded_ = 0;
  std::optional<std::string> trailer_signature_;
  std::vector<std::pair<std::string, std::string>> trailers_;
  std::optional<AuthError> error_;
  std::optional<AwsError> output_error_;
};

// The payload mode and x-amz-decoded-content-length of a streamed S3 upload, checked as
// DecodeStreamingBody checks them.
AuthResult<std::optional<std::uint64_t>> DecodedContentLength(const http::HttpRequest& request,
                                                              PayloadMode mode);

// DecodeAwsChunked for a verified request: mode from x-amz-content-sha256, length from
// x-amz-decoded-content-length (required for the signed modes).
AuthResult<DecodedBody> DecodeStreamingBody(const http::HttpRequest& request,
                                            const VerifiedRequest& verified);

// Builds an aws-chunked body of `chunk_size`-byte chunks (the last may be shorter), each signed
// when `context` is given (signed mode) or bare (unsigned-trailer mode, with `trailers` appended).
std::string EncodeAwsChunked(std::string_view data, std::size_t chunk_size,
                             const ChunkSigningContext* context,
                             const std::vector<std::pair<std::string, std::string>>& trailers = {});

}  // namespace tw::auth
