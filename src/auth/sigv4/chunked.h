// SPDX-License-Identifier: Apache-2.0
// S3 aws-chunked bodies: decoding (with every chunk signature verified, chained from the seed
// signature of the request, for STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]; unsigned chunks for
// STREAMING-UNSIGNED-PAYLOAD-TRAILER, whose trailing checksum lines are parsed and returned but not
// checked here) and encoding, which tests and benchmarks use to build uploads. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4/auth_error.h"
#include "auth/sigv4/parser.h"
#include "auth/sigv4/verifier.h"
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
