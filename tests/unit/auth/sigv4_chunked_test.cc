// SPDX-License-Identifier: Apache-2.0
// aws-chunked uploads: the AWS STREAMING-AWS4-HMAC-SHA256-PAYLOAD example of sigv4.md §4 end to
// end (seed and every chunk signature), tampering, framing errors and the trailer variants.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "auth/sigv4/chunked.h"
#include "auth/sigv4/signer.h"
#include "auth/sigv4/verifier.h"
#include "auth_test_support.h"
#include "common/crypto.h"
#include "common/time_format.h"

namespace tw::auth {
namespace {

using ::testing::ElementsAre;
using testing::FakeCredentialProvider;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr std::string_view kS3Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kSeed =
    "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr std::string_view kChunk1 =
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
constexpr std::string_view kChunk2 =
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
constexpr std::string_view kFinal =
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

class ChunkedTest : public ::testing::Test {
 protected:
  ChunkedTest() : data_(65536 + 1024, 'a') {
    credentials_.Add("AKIAIOSFODNN7EXAMPLE", std::string(kS3Secret));
  }

  // The AWS example request, signed; the body still to be attached.
  http::HttpRequest ExampleRequest(PayloadMode mode = PayloadMode::kStreamingSigned,
                                   std::string content_length = "66824") {
    http::HttpRequest request;
    request.method = "PUT";
    request.path = "/examplebucket/chunkObject.txt";
    request.headers.Add("Host", "s3.amazonaws.com");
    request.headers.Add("x-amz-storage-class", "REDUCED_REDUNDANCY");
    request.headers.Add("Content-Encoding", "aws-chunked");
    request.headers.Add("x-amz-decoded-content-length", "66560");
    request.headers.Add("Content-Length", std::move(content_length));
    SigningParams params;
    params.access_key_id = "AKIAIOSFODNN7EXAMPLE";
    params.secret_access_key = std::string(kS3Secret);
    params.region = "us-east-1";
    params.service = "s3";
    params.s3 = true;
    params.now_millis = now_;
    params.payload_hash = std::string(
        mode == PayloadMode::kStreamingSigned          ? kStreamingSignedPayload
        : mode == PayloadMode::kStreamingSignedTrailer ? kStreamingSignedPayloadTrailer
                                                       : kStreamingUnsignedPayloadTrailer);
    SigningResult result = SignRequest(request, params);
    context_ =
        ChunkSigningContext{result.signing_key, result.amz_date, result.scope, result.signature};
    return request;
  }

  AuthResult<VerifiedRequest> Verify(const http::HttpRequest& request) {
    VerifyOptions options;
    options.s3 = true;
    return verifier_.Verify(request, credentials_, now_, options);
  }

  std::string data_;
  std::int64_t now_ = *ParseAmzDate("20130524T000000Z");
  ChunkSigningContext context_;
  FakeCredentialProvider credentials_;
  Verifier verifier_;
};

TEST_F(ChunkedTest, AwsExample) {
  http::HttpRequest request = ExampleRequest();
  EXPECT_EQ(context_.seed_signature, kSeed);
  EXPECT_THAT(std::string(request.headers.Get("authorization")),
              HasSubstr("SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;"
                        "x-amz-date;x-amz-decoded-content-length;x-amz-storage-class"));
  EXPECT_EQ(ChunkSignature(context_, kSeed, data_.substr(0, 65536)), kChunk1);
  EXPECT_EQ(ChunkSignature(context_, kChunk1, data_.substr(65536)), kChunk2);
  EXPECT_EQ(ChunkSignature(context_, kChunk2, ""), kFinal);

  request.body = EncodeAwsChunked(data_, 65536, &context_);
  EXPECT_EQ(request.body.size(), 66824u);
  EXPECT_EQ(request.body.substr(0, 88), "10000;chunk-signature=" + std::string(kChunk1) + "\r\n");
  EXPECT_THAT(request.body, HasSubstr("\r\n400;chunk-signature=" + std::string(kChunk2) + "\r\n"));
  EXPECT_THAT(request.body,
              ::testing::EndsWith("\r\n0;chunk-signature=" + std::string(kFinal) + "\r\n\r\n"));

  auto verified = Verify(request);
  ASSERT_TRUE(verified.has_value()) << AuthErrorKindName(verified.error().kind);
  EXPECT_EQ(verified->auth.payload_mode, PayloadMode::kStreamingSigned);
  auto decoded = DecodeStreamingBody(request, *verified);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(decoded->data, data_);
  EXPECT_TRUE(decoded->trailers.empty());
}

TEST_F(ChunkedTest, TamperedChunkIsRefused) {
  http::HttpRequest request = ExampleRequest();
  request.body = EncodeAwsChunked(data_, 65536, &context_);
  request.body[40000] = 'b';
  auto verified = Verify(request);
  ASSERT_TRUE(verified.has_value());
  auto decoded = DecodeStreamingBody(request, *verified);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().kind, AuthErrorKind::kChunkSignatureMismatch);
  EXPECT_EQ(ToAwsError(decoded.error(), ErrorFlavor::kS3).code, "SignatureDoesNotMatch");
}

TEST_F(ChunkedTest, ReorderedChunksAreRefused) {
  // Each chunk is individually well signed by someone, but the chain starts from the seed.
  http::HttpRequest request = ExampleRequest();
  ChunkSigningContext other = context_;
  other.seed_signature = std::string(64, '0');
  request.body = EncodeAwsChunked(data_, 65536, &other);
  auto verified = Verify(request);
  ASSERT_TRUE(verified.has_value());
  auto decoded = DecodeStreamingBody(request, *verified);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().kind, AuthErrorKind::kChunkSignatureMismatch);
}

TEST_F(ChunkedTest, FramingErrors) {
  std::string good = [&] {
    ExampleRequest();
    return EncodeAwsChunked(data_, 65536, &context_);
  }();
  const std::optional<std::uint64_t> length = 66560;
  struct Case {
    std::string name;
    std::string body;
  };
  std::vector<Case> cases = {
      {"truncated", good.substr(0, 1000)},
      {"no final chunk", good.substr(0, good.size() - 86)},
      {"trailing garbage", good + "xyz"},
      {"bad size", "zz;chunk-signature=" + std::string(kChunk1) + "\r\n"},
      {"missing signature", "10000\r\n" + data_.substr(0, 65536) + "\r\n"},
      {"empty", ""},
  };
  for (const Case& c : cases) {
    auto decoded = DecodeAwsChunked(c.body, PayloadMode::kStreamingSigned, &context_, length);
    ASSERT_FALSE(decoded.has_value()) << c.name;
    EXPECT_EQ(decoded.error().kind, AuthErrorKind::kMalformedChunkedBody) << c.name;
    EXPECT_EQ(ToAwsError(decoded.error(), ErrorFlavor::kS3).code, "IncompleteBody") << c.name;
  }
  auto wrong_length = DecodeAwsChunked(good, PayloadMode::kStreamingSigned, &context_, 66559);
  ASSERT_FALSE(wrong_length.has_value());
  EXPECT_EQ(ToAwsError(wrong_length.error(), ErrorFlavor::kS3).message,
            "You did not provide the number of bytes specified by the Content-Length HTTP "
            "header.");
  EXPECT_TRUE(DecodeAwsChunked(good, PayloadMode::kStreamingSigned, &context_, length));
  EXPECT_FALSE(DecodeAwsChunked(good, PayloadMode::kLiteralHash, &context_, length));
  EXPECT_FALSE(DecodeAwsChunked(good, PayloadMode::kStreamingSigned, nullptr, length));
}

TEST_F(ChunkedTest, MissingDecodedLength) {
  http::HttpRequest request = ExampleRequest();
  request.body = EncodeAwsChunked(data_, 65536, &context_);
  auto verified = Verify(request);
  ASSERT_TRUE(verified.has_value());
  request.headers.Remove("x-amz-decoded-content-length");
  auto decoded = DecodeStreamingBody(request, *verified);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().kind, AuthErrorKind::kMalformedChunkedBody);
}

TEST_F(ChunkedTest, UnsignedTrailer) {
  http::HttpRequest request = ExampleRequest(PayloadMode::kStreamingUnsignedTrailer);
  request.headers.Add("x-amz-trailer", "x-amz-checksum-crc32");
  // Hand-written as SDKs send it: bare sizes, then the checksum trailer and a blank line.
  request.body = "10000\r\n" + data_.substr(0, 65536) + "\r\n400\r\n" + data_.substr(65536) +
                 "\r\n0\r\nx-amz-checksum-crc32:sOO8/Q==\r\n\r\n";
  EXPECT_EQ(request.body,
            EncodeAwsChunked(data_, 65536, nullptr, {{"x-amz-checksum-crc32", "sOO8/Q=="}}));
  auto verified = Verify(request);
  ASSERT_TRUE(verified.has_value()) << AuthErrorKindName(verified.error().kind);
  EXPECT_EQ(verified->auth.payload_mode, PayloadMode::kStreamingUnsignedTrailer);
  auto decoded = DecodeStreamingBody(request, *verified);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(decoded->data, data_);
  EXPECT_THAT(decoded->trailers, ElementsAre(Pair("x-amz-checksum-crc32", "sOO8/Q==")));

  // Without the decoded length header the unsigned variant still decodes.
  request.headers.Remove("x-amz-decoded-content-length");
  EXPECT_TRUE(DecodeStreamingBody(request, *verified).has_value());
  // A trailer line without a colon is malformed.
  auto bad = DecodeAwsChunked("0\r\nnot-a-header\r\n\r\n", PayloadMode::kStreamingUnsignedTrailer,
                              nullptr, std::nullopt);
  EXPECT_FALSE(bad.has_value());
}

TEST_F(ChunkedTest, SignedTrailerRoundTrip) {
  http::HttpRequest request = ExampleRequest(PayloadMode::kStreamingSignedTrailer);
  std::vector<std::pair<std::string, std::string>> trailers = {
      {"x-amz-checksum-crc32c", "sOO8/Q=="}};
  request.body = EncodeAwsChunked(data_, 65536, &context_, trailers);
  auto verified = Verify(request);
  ASSERT_TRUE(verified.has_value());
  auto decoded = DecodeStreamingBody(request, *verified);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(decoded->data, data_);
  EXPECT_THAT(decoded->trailers, ElementsAre(Pair("x-amz-checksum-crc32c", "sOO8/Q==")));

  std::string tampered = request.body;
  tampered.replace(tampered.find("sOO8/Q=="), 8, "AAAAAA==");
  auto refused = DecodeAwsChunked(tampered, PayloadMode::kStreamingSignedTrailer, &context_, 66560);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, AuthErrorKind::kChunkSignatureMismatch);
}

TEST_F(ChunkedTest, EmptyObject) {
  ExampleRequest();
  std::string body = EncodeAwsChunked("", 65536, &context_);
  auto decoded = DecodeAwsChunked(body, PayloadMode::kStreamingSigned, &context_, 0);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(decoded->data.empty());
}

// The incremental decoder, fed in pieces of `piece` bytes: the payload, or the error.
struct Streamed {
  std::optional<AuthError> error;
  std::string data;
  std::vector<std::pair<std::string, std::string>> trailers;
};

Streamed DecodeInPieces(std::string_view body, PayloadMode mode, const ChunkSigningContext* context,
                        std::optional<std::uint64_t> length, std::size_t piece) {
  Streamed result;
  ChunkDecoder decoder(mode, context, length);
  auto out = [&result](std::string_view bytes) -> Status {
    result.data.append(bytes);
    return {};
  };
  for (std::size_t pos = 0; pos < body.size(); pos += piece) {
    auto fed = decoder.Feed(body.substr(pos, piece), out);
    if (!fed) {
      result.error = fed.error();
      return result;
    }
  }
  auto finished = decoder.Finish();
  if (!finished) result.error = finished.error();
  EXPECT_EQ(decoder.decoded_size(), result.data.size());
  result.trailers = decoder.trailers();
  return result;
}

TEST_F(ChunkedTest, IncrementalDecoderMatchesWholeBuffer) {
  ExampleRequest();
  const std::vector<std::pair<std::string, std::string>> trailers = {
      {"x-amz-checksum-crc32", "sOO8/Q=="}};
  struct Case {
    std::string name;
    PayloadMode mode;
    std::string body;
    std::optional<std::uint64_t> length;
  };
  const std::string signed_body = EncodeAwsChunked(data_, 65536, &context_);
  const std::string trailer_body = EncodeAwsChunked(data_, 8192, &context_, trailers);
  const std::string unsigned_body = EncodeAwsChunked(data_, 65536, nullptr, trailers);
  std::string tampered = signed_body;
  tampered[tampered.size() / 2] ^= 1;
  std::vector<Case> cases = {
      {"signed", PayloadMode::kStreamingSigned, signed_body, 66560},
      {"signed trailer", PayloadMode::kStreamingSignedTrailer, trailer_body, 66560},
      {"unsigned trailer", PayloadMode::kStreamingUnsignedTrailer, unsigned_body, 66560},
      {"unsigned no length", PayloadMode::kStreamingUnsignedTrailer, unsigned_body, std::nullopt},
      {"empty object", PayloadMode::kStreamingSigned, EncodeAwsChunked("", 65536, &context_), 0},
      {"tampered", PayloadMode::kStreamingSigned, tampered, 66560},
      {"truncated", PayloadMode::kStreamingSigned, signed_body.substr(0, 1000), 66560},
      {"no final chunk", PayloadMode::kStreamingSigned,
       signed_body.substr(0, signed_body.size() - 86), 66560},
      {"trailing garbage", PayloadMode::kStreamingSigned, signed_body + "xyz", 66560},
      {"final CRLF", PayloadMode::kStreamingSigned, signed_body + "\r\n", 66560},
      {"half CRLF", PayloadMode::kStreamingSigned, signed_body + "\r", 66560},
      {"after trailer", PayloadMode::kStreamingUnsignedTrailer, unsigned_body + "x", 66560},
      {"wrong length", PayloadMode::kStreamingSigned, signed_body, 66559},
      {"bad size", PayloadMode::kStreamingSigned, "zz;chunk-signature=abc\r\n", 66560},
      {"missing signature", PayloadMode::kStreamingSigned,
       "10000\r\n" + data_.substr(0, 65536) + "\r\n", 66560},
      {"trailer without CRLF", PayloadMode::kStreamingUnsignedTrailer,
       "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:AAAAAA==", 3},
      {"bad trailer", PayloadMode::kStreamingUnsignedTrailer, "0\r\n:x\r\n\r\n", 0},
      {"empty", PayloadMode::kStreamingSigned, "", 0},
  };
  for (const Case& c : cases) {
    const ChunkSigningContext* context =
        c.mode == PayloadMode::kStreamingUnsignedTrailer ? nullptr : &context_;
    auto whole = DecodeAwsChunked(c.body, c.mode, context, c.length);
    for (std::size_t piece :
         {std::size_t{1}, std::size_t{7}, std::size_t{4096}, c.body.size() + 1}) {
      Streamed streamed = DecodeInPieces(c.body, c.mode, context, c.length, piece);
      ASSERT_EQ(whole.has_value(), !streamed.error.has_value()) << c.name << " piece " << piece;
      if (whole) {
        EXPECT_EQ(streamed.data, whole->data) << c.name;
        EXPECT_EQ(streamed.trailers, whole->trailers) << c.name;
      } else {
        EXPECT_EQ(streamed.error->kind, whole.error().kind) << c.name << " piece " << piece;
        EXPECT_EQ(ToAwsError(*streamed.error, ErrorFlavor::kS3).code,
                  ToAwsError(whole.error(), ErrorFlavor::kS3).code)
            << c.name;
      }
    }
  }
}

TEST_F(ChunkedTest, IncrementalDecoderStopsOnOutputError) {
  ExampleRequest();
  const std::string body = EncodeAwsChunked(data_, 65536, &context_);
  ChunkDecoder decoder(PayloadMode::kStreamingSigned, &context_, 66560);
  auto fed = decoder.Feed(body, [](std::string_view) -> Status {
    return AwsError::From(ErrorCode::kInternalError, "disk full");
  });
  ASSERT_FALSE(fed.has_value());
  ASSERT_TRUE(decoder.output_error().has_value());
  EXPECT_EQ(decoder.output_error()->message, "disk full");
  EXPECT_FALSE(decoder.Finish().has_value());
}

TEST(StreamingChecksums, KnownValues) {
  auto crc = [](StreamingCrc::Algorithm algorithm, std::string_view text, std::size_t piece) {
    StreamingCrc c(algorithm);
    for (std::size_t pos = 0; pos < text.size(); pos += piece) c.Update(text.substr(pos, piece));
    return HexEncode(c.Value());
  };
  for (std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{100}}) {
    EXPECT_EQ(crc(StreamingCrc::Algorithm::kCrc32, "123456789", piece), "cbf43926");
    EXPECT_EQ(crc(StreamingCrc::Algorithm::kCrc32c, "123456789", piece), "e3069283");
    EXPECT_EQ(crc(StreamingCrc::Algorithm::kCrc64Nvme, "123456789", piece), "ae8b14860a799888");
  }
  EXPECT_EQ(crc(StreamingCrc::Algorithm::kCrc32, "", 1), "00000000");
  StreamingDigest sha(StreamingDigest::Algorithm::kSha256);
  sha.Update("ab");
  sha.Update("c");
  EXPECT_EQ(HexEncode(sha.Final()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace tw::auth
