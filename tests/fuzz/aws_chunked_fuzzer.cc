// SPDX-License-Identifier: Apache-2.0
// Fuzzes the aws-chunked decoder. The first byte picks the mode (signed, signed with trailer,
// unsigned with trailer) and whether a decoded length is enforced; the rest is the body, decoded
// with a fixed signing context. The input is also encoded and decoded back, which must round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/sigv4/auth_error.h"
#include "auth/sigv4/canonical.h"
#include "auth/sigv4/chunked.h"
#include "auth/sigv4/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tw::auth::ChunkSigningContext context{
      tw::auth::DeriveSigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524",
                                 "us-east-1", "s3"),
      "20130524T000000Z", "20130524/us-east-1/s3/aws4_request",
      "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"};
  if (size == 0) return 0;
  const unsigned selector = data[0];
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  constexpr tw::auth::PayloadMode kModes[] = {tw::auth::PayloadMode::kStreamingSigned,
                                              tw::auth::PayloadMode::kStreamingSignedTrailer,
                                              tw::auth::PayloadMode::kStreamingUnsignedTrailer};
  tw::auth::PayloadMode mode = kModes[selector % 3];
  std::optional<std::uint64_t> length;
  if (selector & 0x4) length = body.size() / 2;
  auto decoded = tw::auth::DecodeAwsChunked(body, mode, &context, length);
  if (!decoded) (void)tw::auth::ToAwsError(decoded.error(), tw::auth::ErrorFlavor::kS3);

  // Round trip: whatever bytes we encode must decode to themselves.
  const bool is_signed = mode != tw::auth::PayloadMode::kStreamingUnsignedTrailer;
  std::vector<std::pair<std::string, std::string>> trailers;
  if (mode != tw::auth::PayloadMode::kStreamingSigned) {
    trailers.emplace_back("x-amz-checksum-crc32", "AAAAAA==");
  }
  std::size_t chunk = 1 + (selector >> 3);
  std::string encoded =
      tw::auth::EncodeAwsChunked(body, chunk, is_signed ? &context : nullptr, trailers);
  auto back =
      tw::auth::DecodeAwsChunked(encoded, mode, is_signed ? &context : nullptr, body.size());
  if (!back || back->data != body) std::abort();
  return 0;
}
