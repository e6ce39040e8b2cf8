// SPDX-License-Identifier: Apache-2.0
// Canonicalisation rules of sigv4.md §2 one by one.
#include <gtest/gtest.h>

#include "auth/sigv4/canonical.h"
#include "http/message.h"

namespace tw::auth {
namespace {

TEST(CanonicalTest, NormalizePath) {
  EXPECT_EQ(NormalizePath(""), "/");
  EXPECT_EQ(NormalizePath("/"), "/");
  EXPECT_EQ(NormalizePath("/example1/example2/../.."), "/");
  EXPECT_EQ(NormalizePath("//example//"), "/example/");
  EXPECT_EQ(NormalizePath("/./example"), "/example");
  EXPECT_EQ(NormalizePath("/example/.."), "/");
  EXPECT_EQ(NormalizePath("/a/b/../c/"), "/a/c/");
  EXPECT_EQ(NormalizePath("/../../a"), "/a");
}

TEST(CanonicalTest, UriModes) {
  EXPECT_EQ(CanonicalUriNormalized("/a%20b"), "/a%2520b");
  EXPECT_EQ(CanonicalUriNormalized("/example space/"), "/example%20space/");
  EXPECT_EQ(CanonicalUriNormalized("/\xE1\x88\xB4"), "/%E1%88%B4");
  EXPECT_EQ(CanonicalUriSingleEncoded("/a%20b"), "/a%20b");
  EXPECT_EQ(CanonicalUriSingleEncoded("/a b//c/../d"), "/a%20b//c/../d");
  EXPECT_EQ(CanonicalUriSingleEncoded("/key%2Bplus%3D"), "/key%2Bplus%3D");
  EXPECT_EQ(CanonicalUriSingleEncoded("/a+b"), "/a%2Bb");
  EXPECT_EQ(CanonicalUriSingleEncoded(""), "/");
  EXPECT_FALSE(CanonicalUriSingleEncoded("/bad%zz").has_value());
}

TEST(CanonicalTest, QueryString) {
  EXPECT_EQ(CanonicalQueryString(ParseQuery("Param-3=Value3&Param=Value2&%E1%88%B4=Value1")),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3");
  EXPECT_EQ(CanonicalQueryString(ParseQuery("\xE1\x88\xB4=bar")), "%E1%88%B4=bar");
  EXPECT_EQ(CanonicalQueryString(ParseQuery("b=2&a&c=&a=1")), "a=&a=1&b=2&c=");
  EXPECT_EQ(CanonicalQueryString(ParseQuery("k=a/b c=d")), "k=a%2Fb%20c%3Dd");
  EXPECT_EQ(CanonicalQueryString(ParseQuery("a=1&X-Amz-Signature=x&X-Amz-Security-Token=t"), true),
            "X-Amz-Security-Token=t&a=1");
  EXPECT_EQ(
      CanonicalQueryString(ParseQuery("a=1&X-Amz-Signature=x&X-Amz-Security-Token=t"), true, true),
      "a=1");
  EXPECT_EQ(CanonicalQueryString(ParseQuery("")), "");
  EXPECT_EQ(CanonicalQueryString(ParseQuery("a=b+c")), "a=b%2Bc");
  EXPECT_EQ(CanonicalQueryString(ParseQuery("a=b+c", true)), "a=b%20c");
  EXPECT_EQ(CanonicalQueryString(ParseQuery("a=%zz")), "a=%25zz");
  EXPECT_EQ(CanonicalQueryString(ParseQuery("B=1&a=2")), "B=1&a=2");
}

TEST(CanonicalTest, Headers) {
  EXPECT_EQ(CanonicalHeaderValue("  value1\n  value2\n     value3 "), "value1 value2 value3");
  EXPECT_EQ(CanonicalHeaderValue("\"a   b   c\""), "\"a b c\"");
  http::Headers headers;
  headers.Add("My-Header1", "value2");
  headers.Add("Host", "example.amazonaws.com");
  headers.Add("my-header1", " value2 ");
  headers.Add("MY-HEADER1", "value1");
  EXPECT_EQ(CanonicalHeaders(headers, {"host", "my-header1", "absent"}),
            "host:example.amazonaws.com\nmy-header1:value2,value2,value1\nabsent:\n");
  http::Headers h2;
  h2.Add(":authority", "example.com");
  EXPECT_EQ(CanonicalHeaders(h2, {"host"}), "host:example.com\n");
}

TEST(CanonicalTest, RequestAndStringToSign) {
  std::string canonical = BuildCanonicalRequest("GET", "/", "",
                                                "host:example.amazonaws.com\n"
                                                "x-amz-date:20150830T123600Z\n",
                                                "host;x-amz-date", kEmptyPayloadSha256);
  EXPECT_EQ(
      BuildStringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical),
      "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
      "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_TRUE(IsSha256Hex(kEmptyPayloadSha256));
  EXPECT_FALSE(IsSha256Hex("UNSIGNED-PAYLOAD"));
}

}  // namespace
}  // namespace tw::auth
