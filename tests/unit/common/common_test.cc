// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/result.h"
#include "common/strings.h"
#include "common/time_format.h"

namespace tw {
namespace {

TEST(StringsTest, UriEncodeUsesUppercaseHexAndKeepsUnreserved) {
  EXPECT_EQ(UriEncode("a b/c~d"), "a%20b%2Fc~d");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(UriEncode("\xe1\x88\xb4"), "%E1%88%B4");
}

TEST(StringsTest, UriDecodeRejectsMalformedEscapes) {
  EXPECT_EQ(UriDecode("a%20b+c", true).value(), "a b c");
  EXPECT_EQ(UriDecode("a+b").value(), "a+b");
  EXPECT_FALSE(UriDecode("%4").has_value());
  EXPECT_FALSE(UriDecode("%zz").has_value());
}

TEST(StringsTest, ParseFormEncodedDecodesPairsInOrder) {
  auto pairs = ParseFormEncoded("Action=GetCallerIdentity&Version=2011-06-15&Empty=&Flag");
  ASSERT_TRUE(pairs.has_value());
  ASSERT_EQ(pairs->size(), 4u);
  EXPECT_EQ((*pairs)[0].second, "GetCallerIdentity");
  EXPECT_EQ((*pairs)[2].second, "");
  EXPECT_EQ((*pairs)[3].first, "Flag");
}

TEST(TimeFormatTest, RoundTripsTheFormatsOfTheWire) {
  const std::int64_t t = 1440938160000;  // 2015-08-30T12:36:00Z
  EXPECT_EQ(FormatIso8601(t), "2015-08-30T12:36:00Z");
  EXPECT_EQ(FormatIso8601(t + 123), "2015-08-30T12:36:00.123Z");
  EXPECT_EQ(FormatAmzDate(t), "20150830T123600Z");
  EXPECT_EQ(FormatHttpDate(t), "Sun, 30 Aug 2015 12:36:00 GMT");
  EXPECT_EQ(ParseIso8601("2015-08-30T12:36:00Z"), t);
  EXPECT_EQ(ParseIso8601("2015-08-30T12:36:00.5Z"), t + 500);
  EXPECT_EQ(ParseIso8601("2015-08-30T14:36:00+02:00"), t);
  EXPECT_EQ(ParseAmzDate("20150830T123600Z"), t);
  EXPECT_EQ(ParseHttpDate("Sun, 30 Aug 2015 12:36:00 GMT"), t);
  EXPECT_FALSE(ParseIso8601("2015-13-30T12:36:00Z").has_value());
  EXPECT_FALSE(ParseAmzDate("20150830 123600Z").has_value());
}

TEST(CryptoTest, KnownDigestsAndBase64) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(HmacSha256("key", "The quick brown fox jumps over the lazy dog")),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_EQ(Base64Decode("aGVsbG8=").value(), "hello");
  EXPECT_EQ(Base64Decode("aGk=").value(), "hi");
  EXPECT_FALSE(Base64Decode("aGVsbG8").has_value());
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secrets"));
}

TEST(ResultTest, CarriesValueOrRegistryError) {
  Result<int> ok = 5;
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 5);
  Result<int> bad = AwsError::From(ErrorCode::kAccessDenied, "no");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "AccessDenied");
  EXPECT_EQ(bad.error().http_status, 403);
  EXPECT_EQ(ErrorCodeName(ErrorCode::kSignatureDoesNotMatch), "SignatureDoesNotMatch");
}

}  // namespace
}  // namespace tw
