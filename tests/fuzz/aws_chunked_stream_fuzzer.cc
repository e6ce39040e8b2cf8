// SPDX-License-Identifier: Apache-2.0
// Fuzzes the incremental aws-chunked decoder (auth::ChunkDecoder) against the whole-buffer one
// (DecodeAwsChunked): the first byte picks the mode and whether a decoded length is enforced, the
// second the size of the pieces the body is fed in (1 = byte by byte). Both must accept the same
// bodies with the same payload and trailers; on rejection the incremental decoder must not crash.
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
  if (size < 2) return 0;
  const unsigned selector = data[0];
  const std::size_t piece = 1 + data[1] % 64;
  std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  constexpr tw::auth::PayloadMode kModes[] = {tw::auth::PayloadMode::kStreamingSigned,
                                              tw::auth::PayloadMode::kStreamingSignedTrailer,
                                              tw::auth::PayloadMode::kStreamingUnsignedTrailer};
  tw::auth::PayloadMode mode = kModes[selector % 3];
  std::optional<std::uint64_t> length;
  if (selector & 0x4) length = body.size() / 2;
  auto whole = tw::auth::DecodeAwsChunked(body, mode, &context, length);

  tw::auth::ChunkDecoder decoder(mode, &context, length);
  std::string out;
  auto sink = [&out](std::string_view bytes) -> tw::Status {
    out.append(bytes);
    return {};
  };
  bool ok = true;
  for (std::size_t pos = 0; pos < body.size() && ok; pos += piece) {
    ok = decoder.Feed(body.substr(pos, piece), sink).has_value();
  }
  if (ok) ok = decoder.Finish().has_value();
  if (ok != whole.has_value()) std::abort();
  if (ok && (out != whole->data || decoder.trailers() != whole->trailers)) std::abort();
  if (!ok) (void)tw::auth::ToAwsError(whole.error(), tw::auth::ErrorFlavor::kS3);
  return 0;
}
