// SPDX-License-Identifier: Apache-2.0
// The verifier's refusals and their exact AWS renderings per protocol family (sigv4.md §6),
// the S3 examples of the spec, session tokens, clock skew and presign expiry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "auth/sigv4/auth_error.h"
#include "auth/sigv4/canonical.h"
#include "auth/sigv4/parser.h"
#include "auth/sigv4/signer.h"
#include "auth/sigv4/signing_key_cache.h"
#include "auth/sigv4/verifier.h"
#include "auth_test_support.h"
#include "common/crypto.h"
#include "common/time_format.h"
#include "testing/fake_clock.h"

namespace tw::auth {
namespace {

using ::testing::ElementsAre;
using testing::FakeCredentialProvider;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::StartsWith;

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kS3Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::int64_t kT0 = 1'440'938'160'000;  // 2015-08-30T12:36:00Z
constexpr std::int64_t kMinute = 60'000;
constexpr std::string_view kMismatchText =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

class VerifierTest : public ::testing::Test {
 protected:
  VerifierTest() {
    credentials_.Add("AKIDEXAMPLE", std::string(kSecret));
    credentials_.Add("ASIAEXAMPLE", std::string(kSecret), "session-token-1");
    Credential inactive;
    inactive.access_key_id = "AKIDINACTIVE";
    inactive.secret_access_key = std::string(kSecret);
    inactive.active = false;
    credentials_.Add(inactive);
    Credential expiring;
    expiring.access_key_id = "ASIAEXPIRING";
    expiring.secret_access_key = std::string(kSecret);
    expiring.session_token = "session-token-2";
    expiring.expires_millis = kT0 + 5 * kMinute;
    credentials_.Add(expiring);
  }

  static http::HttpRequest Request(std::string method = "POST", std::string body = "") {
    http::HttpRequest request;
    request.method = std::move(method);
    request.path = "/";
    request.headers.Add("Host", "iam.amazonaws.com");
    request.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    request.body = std::move(body);
    return request;
  }

  static SigningParams Params(std::string akid = "AKIDEXAMPLE",
                              std::optional<std::string> token = std::nullopt) {
    SigningParams params;
    params.access_key_id = std::move(akid);
    params.secret_access_key = std::string(kSecret);
    params.session_token = std::move(token);
    params.region = "us-east-1";
    params.service = "iam";
    params.now_millis = kT0;
    return params;
  }

  AuthResult<VerifiedRequest> Verify(const http::HttpRequest& request, std::int64_t now = kT0,
                                     VerifyOptions options = {}) {
    return verifier_.Verify(request, credentials_, now, options);
  }

  AuthError Refused(const http::HttpRequest& request, std::int64_t now = kT0,
                    VerifyOptions options = {}) {
    auto result = Verify(request, now, options);
    EXPECT_FALSE(result.has_value());
    if (result.has_value()) return AuthError{};
    return result.error();
  }

  FakeCredentialProvider credentials_;
  Verifier verifier_;
};

void ExpectAws(const AuthError& error, ErrorFlavor flavor, std::string_view code, int status,
               std::string_view message) {
  AwsError aws = ToAwsError(error, flavor);
  EXPECT_EQ(aws.code, code);
  EXPECT_EQ(aws.http_status, status);
  EXPECT_EQ(aws.message, message);
}

TEST_F(VerifierTest, AcceptsSignedRequest) {
  http::HttpRequest request = Request("POST", "Action=ListUsers&Version=2010-05-08");
  SignRequest(request, Params());
  auto result = Verify(request);
  ASSERT_TRUE(result.has_value()) << AuthErrorKindName(result.error().kind);
  EXPECT_EQ(result->credential.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(result->auth.scope.service, "iam");
  EXPECT_EQ(result->auth.payload_mode, PayloadMode::kBodyHash);
  EXPECT_EQ(result->signing_key, DeriveSigningKey(kSecret, "20150830", "us-east-1", "iam"));
}

TEST_F(VerifierTest, SigningKeyExampleFromSpec) {
  EXPECT_EQ(HexEncode(DeriveSigningKey(kSecret, "20150830", "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

TEST_F(VerifierTest, MissingAuthentication) {
  AuthError error = Refused(Request());
  EXPECT_EQ(error.kind, AuthErrorKind::kMissingAuthentication);
  ExpectAws(error, ErrorFlavor::kQuery, "MissingAuthenticationToken", 403,
            "Request is missing Authentication Token");
  ExpectAws(error, ErrorFlavor::kJson, "MissingAuthenticationTokenException", 400,
            "Missing Authentication Token");
  ExpectAws(error, ErrorFlavor::kS3, "AccessDenied", 403, "Access Denied");
}

TEST_F(VerifierTest, IncompleteSignatureListsEveryMissingPart) {
  http::HttpRequest request = Request();
  request.headers.Add("Authorization", "AWS4-HMAC-SHA256");
  AuthError error = Refused(request);
  EXPECT_EQ(error.kind, AuthErrorKind::kIncompleteSignature);
  const std::string text =
      "Authorization header requires 'Credential' parameter. Authorization header requires "
      "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
      "Authorization=AWS4-HMAC-SHA256";
  ExpectAws(error, ErrorFlavor::kQuery, "IncompleteSignature", 400, text);
  ExpectAws(error, ErrorFlavor::kJson, "IncompleteSignatureException", 400, text);
  ExpectAws(error, ErrorFlavor::kS3, "AuthorizationHeaderMalformed", 400,
            "The authorization header is malformed; the authorization header requires three "
            "components: Credential, SignedHeaders, and Signature.");
}

TEST_F(VerifierTest, IncompleteSignatureOnlySignatureMissing) {
  http::HttpRequest request = Request();
  request.headers.Add("X-Amz-Date", "20150830T123600Z");
  std::string header =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
      "SignedHeaders=host;x-amz-date";
  request.headers.Add("Authorization", header);
  AuthError error = Refused(request);
  ExpectAws(error, ErrorFlavor::kQuery, "IncompleteSignature", 400,
            "Authorization header requires 'Signature' parameter. Authorization=" + header);
}

TEST_F(VerifierTest, MissingDateIsInvalidDate) {
  http::HttpRequest request = Request();
  std::string header =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
      "SignedHeaders=host, Signature=abc";
  request.headers.Add("Authorization", header);
  AuthError error = Refused(request);
  EXPECT_EQ(error.kind, AuthErrorKind::kInvalidDate);
  ExpectAws(error, ErrorFlavor::kQuery, "IncompleteSignature", 400,
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
            "Authorization=" +
                header);
  ExpectAws(error, ErrorFlavor::kS3, "AccessDenied", 403,
            "AWS authentication requires a valid Date or x-amz-date header");
}

TEST_F(VerifierTest, UnparseableDate) {
  http::HttpRequest request = Request();
  SignRequest(request, Params());
  request.headers.Set("X-Amz-Date", "2015-08-30T12:36:00Z");
  AuthError error = Refused(request);
  EXPECT_EQ(error.kind, AuthErrorKind::kInvalidDate);
  ExpectAws(error, ErrorFlavor::kJson, "IncompleteSignatureException", 400,
            "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See "
            "http://en.wikipedia.org/wiki/ISO_8601");
}

TEST_F(VerifierTest, ComponentWithoutEqualSign) {
  http::HttpRequest request = Request();
  request.headers.Add("X-Amz-Date", "20150830T123600Z");
  request.headers.Add("Authorization", "AWS4-HMAC-SHA256 Credential");
  AuthError error = Refused(request);
  ExpectAws(error, ErrorFlavor::kQuery, "IncompleteSignature", 400,
            "'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: "
            "'AWS4-HMAC-SHA256 Credential'.");
}

TEST_F(VerifierTest, TolerantHeaderParsing) {
  http::HttpRequest request = Request();
  SignRequest(request, Params());
  std::string header = *request.headers.Find("authorization");
  // No spaces after commas, extra spaces elsewhere.
  std::string compact = header;
  for (std::size_t p; (p = compact.find(", ")) != std::string::npos;) compact.erase(p + 1, 1);
  request.headers.Set("Authorization", "  " + compact + "  ");
  EXPECT_TRUE(Verify(request).has_value());
  std::string spaced = header;
  for (std::size_t p = 0; (p = spaced.find(", ", p)) != std::string::npos; p += 3) {
    spaced.replace(p, 2, " ,  ");
  }
  request.headers.Set("Authorization", spaced);
  EXPECT_TRUE(Verify(request).has_value());
}

TEST_F(VerifierTest, UnsupportedAlgorithm) {
  http::HttpRequest request = Request();
  request.headers.Add("Authorization", "AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=");
  AuthError error = Refused(request);
  EXPECT_EQ(error.kind, AuthErrorKind::kUnsupportedAlgorithm);
  AwsError s3 = ToAwsError(error, ErrorFlavor::kS3);
  EXPECT_EQ(s3.code, "InvalidArgument");
  EXPECT_EQ(s3.message, "Unsupported Authorization Type");
  EXPECT_THAT(s3.extra, ::testing::Contains(Pair("ArgumentName", "Authorization")));
  ExpectAws(error, ErrorFlavor::kQuery, "IncompleteSignature", 400,
            "Unsupported AWS 'algorithm': 'AWS'");
}

TEST_F(VerifierTest, ConflictingAuthMechanisms) {
  http::HttpRequest request = Request();
  SignRequest(request, Params());
  request.raw_query = "X-Amz-Algorithm=AWS4-HMAC-SHA256";
  AuthError error = Refused(request);
  EXPECT_EQ(error.kind, AuthErrorKind::kConflictingAuth);
  EXPECT_EQ(ToAwsError(error, ErrorFlavor::kS3).code, "InvalidArgument");
}

TEST_F(VerifierTest, UnknownAndInactiveKeys) {
  for (std::string akid : {"AKIDUNKNOWN", "AKIDINACTIVE"}) {
    http::HttpRequest request = Request();
    SignRequest(request, Params(akid));
    AuthError error = Refused(request);
    EXPECT_EQ(error.kind, AuthErrorKind::kUnknownAccessKey) << akid;
    ExpectAws(error, ErrorFlavor::kQuery, "InvalidClientTokenId", 403,
              "The security token included in the request is invalid.");
    ExpectAws(error, ErrorFlavor::kJson, "UnrecognizedClientException", 400,
              "The security token included in the request is invalid.");
    ExpectAws(error, ErrorFlavor::kS3, "InvalidAccessKeyId", 403,
              "The AWS Access Key Id you provided does not exist in our records.");
    EXPECT_THAT(ToAwsError(error, ErrorFlavor::kS3).extra,
                ElementsAre(Pair("AWSAccessKeyId", akid)));
  }
}

TEST_F(VerifierTest, SessionTokenSignedOrAddedAfterSigning) {
  http::HttpRequest signed_token = Request();
  SignRequest(signed_token, Params("ASIAEXAMPLE", "session-token-1"));
  EXPECT_THAT(std::string(signed_token.headers.Get("authorization")),
              HasSubstr("x-amz-security-token"));
  EXPECT_TRUE(Verify(signed_token).has_value());

  http::HttpRequest unsigned_token = Request();
  SigningParams params = Params("ASIAEXAMPLE", "session-token-1");
  params.sign_session_token = false;
  SignRequest(unsigned_token, params);
  EXPECT_THAT(std::string(unsigned_token.headers.Get("authorization")),
              ::testing::Not(HasSubstr("x-amz-security-token")));
  EXPECT_TRUE(Verify(unsigned_token).has_value());
}

TEST_F(VerifierTest, TemporaryKeyWithoutOrWithWrongToken) {
  http::HttpRequest missing = Request();
  SignRequest(missing, Params("ASIAEXAMPLE"));
  AuthError error = Refused(missing);
  EXPECT_EQ(error.kind, AuthErrorKind::kInvalidToken);
  ExpectAws(error, ErrorFlavor::kQuery, "InvalidClientTokenId", 403,
            "The security token included in the request is invalid.");
  ExpectAws(error, ErrorFlavor::kJson, "UnrecognizedClientException", 400,
            "The security token included in the request is invalid.");
  ExpectAws(error, ErrorFlavor::kS3, "InvalidToken", 400,
            "The provided token is malformed or otherwise invalid.");

  http::HttpRequest wrong = Request();
  SignRequest(wrong, Params("ASIAEXAMPLE", "session-token-X"));
  EXPECT_EQ(Refused(wrong).kind, AuthErrorKind::kInvalidToken);

  // A long-term key does not take a token.
  http::HttpRequest spurious = Request();
  SignRequest(spurious, Params("AKIDEXAMPLE", "session-token-1"));
  EXPECT_EQ(Refused(spurious).kind, AuthErrorKind::kInvalidToken);
}

TEST_F(VerifierTest, ExpiredSessionToken) {
  http::HttpRequest request = Request();
  SigningParams params = Params("ASIAEXPIRING", "session-token-2");
  params.now_millis = kT0 + 6 * kMinute;
  SignRequest(request, params);
  AuthError error = Refused(request, kT0 + 6 * kMinute);
  EXPECT_EQ(error.kind, AuthErrorKind::kExpiredToken);
  ExpectAws(error, ErrorFlavor::kQuery, "ExpiredToken", 403,
            "The security token included in the request is expired");
  ExpectAws(error, ErrorFlavor::kJson, "ExpiredTokenException", 400,
            "The security token included in the request is expired");
  ExpectAws(error, ErrorFlavor::kS3, "ExpiredToken", 400, "The provided token has expired.");
  params.now_millis = kT0 + 4 * kMinute;
  http::HttpRequest fresh = Request();
  SignRequest(fresh, params);
  EXPECT_TRUE(Verify(fresh, kT0 + 4 * kMinute).has_value());
}

TEST_F(VerifierTest, ClockSkewBothWays) {
  http::HttpRequest request = Request();
  SignRequest(request, Params());
  EXPECT_TRUE(Verify(request, kT0 + 15 * kMinute).has_value());
  EXPECT_TRUE(Verify(request, kT0 - 15 * kMinute).has_value());

  AuthError old = Refused(request, kT0 + 15 * kMinute + 1000);
  EXPECT_EQ(old.kind, AuthErrorKind::kRequestTimeTooSkewed);
  const std::string old_text =
      "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
      "(20150830T125101Z - 15 min.)";
  ExpectAws(old, ErrorFlavor::kQuery, "SignatureDoesNotMatch", 403, old_text);
  ExpectAws(old, ErrorFlavor::kJson, "InvalidSignatureException", 400, old_text);
  ExpectAws(old, ErrorFlavor::kS3, "RequestTimeTooSkewed", 403,
            "The difference between the request time and the current time is too large.");
  EXPECT_THAT(ToAwsError(old, ErrorFlavor::kS3).extra,
              ElementsAre(Pair("RequestTime", "20150830T123600Z"),
                          Pair("ServerTime", "2015-08-30T12:51:01Z"),
                          Pair("MaxAllowedSkewMilliseconds", "900000")));

  AuthError future = Refused(request, kT0 - 15 * kMinute - 1000);
  ExpectAws(future, ErrorFlavor::kQuery, "SignatureDoesNotMatch", 403,
            "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z "
            "(20150830T122059Z + 15 min.)");
}

TEST_F(VerifierTest, DateHeaderInsteadOfAmzDate) {
  http::HttpRequest request = Request();
  request.headers.Add("Date", FormatHttpDate(kT0));
  SignRequest(request, Params());
  request.headers.Remove("X-Amz-Date");
  // Re-sign without X-Amz-Date: build the Authorization by hand from the Date header.
  std::vector<std::string> names = {"content-type", "date", "host"};
  std::string canonical =
      BuildCanonicalRequest("POST", "/", "", CanonicalHeaders(request.headers, names),
                            "content-type;date;host", Sha256Hex(""));
  std::string scope = "20150830/us-east-1/iam/aws4_request";
  std::string signature = SignatureHex(DeriveSigningKey(kSecret, "20150830", "us-east-1", "iam"),
                                       BuildStringToSign("20150830T123600Z", scope, canonical));
  request.headers.Set("Authorization",
                      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + scope +
                          ", SignedHeaders=content-type;date;host, Signature=" + signature);
  auto result = Verify(request);
  ASSERT_TRUE(result.has_value()) << AuthErrorKindName(result.error().kind);
  EXPECT_EQ(result->auth.request_date_text, FormatHttpDate(kT0));
}

TEST_F(VerifierTest, ScopeChecks) {
  {
    http::HttpRequest request = Request();
    SignRequest(request, Params());
    std::string h = *request.headers.Find("authorization");
    h.replace(h.find("aws4_request"), 12, "aws4_requestx");
    request.headers.Set("Authorization", h);
    AuthError error = Refused(request);
    EXPECT_EQ(error.kind, AuthErrorKind::kInvalidScope);
    ExpectAws(error, ErrorFlavor::kQuery, "SignatureDoesNotMatch", 403,
              "Credential should be scoped with a valid terminator: 'aws4_request', not "
              "'aws4_requestx'.");
  }
  {
    http::HttpRequest request = Request();
    SignRequest(request, Params());
    request.headers.Set("X-Amz-Date", "20150831T123600Z");
    AuthError error = Refused(request, kT0 + 24 * 60 * kMinute);
    ExpectAws(error, ErrorFlavor::kJson, "InvalidSignatureException", 400,
              "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
              "HTTP: '20150830' != '20150831', from '20150831T123600Z'.");
    ExpectAws(error, ErrorFlavor::kS3, "AuthorizationHeaderMalformed", 400,
              "The authorization header is malformed; Invalid credential date. Date is not the "
              "same as X-Amz-Date.");
  }
  {
    http::HttpRequest request = Request();
    SignRequest(request, Params());
    VerifyOptions options;
    options.expected_region = "us-west-2";
    AuthError error = Refused(request, kT0, options);
    ExpectAws(error, ErrorFlavor::kQuery, "SignatureDoesNotMatch", 403,
              "Credential should be scoped to a valid region, not 'us-east-1'.");
    AwsError s3 = ToAwsError(error, ErrorFlavor::kS3);
    EXPECT_EQ(s3.code, "AuthorizationHeaderMalformed");
    EXPECT_EQ(s3.message,
              "The authorization header is malformed; the region 'us-east-1' is wrong; expecting "
              "'us-west-2'");
    EXPECT_THAT(s3.extra, ElementsAre(Pair("Region", "us-west-2")));
    options.expected_region = "us-east-1";
    EXPECT_TRUE(Verify(request, kT0, options).has_value());
  }
  {
    http::HttpRequest request = Request();
    SignRequest(request, Params());
    VerifyOptions options;
    options.expected_service = "sns";
    ExpectAws(Refused(request, kT0, options), ErrorFlavor::kQuery, "SignatureDoesNotMatch", 403,
              "Credential should be scoped to correct service: 'sns'.");
  }
  {
    http::HttpRequest request = Request();
    SignRequest(request, Params());
    std::string h = *request.headers.Find("authorization");
    h.replace(h.find("AKIDEXAMPLE/"), 12, "AKIDEXAMPLE/us-east-1/");
    request.headers.Set("Authorization", h);
    EXPECT_EQ(Refused(request).kind, AuthErrorKind::kIncompleteSignature);
  }
}

TEST_F(VerifierTest, HostMustBeSigned) {
  http::HttpRequest request = Request();
  request.headers.Remove("Host");
  SignRequest(request, Params());
  request.headers.Add("Host", "iam.amazonaws.com");
  AuthError error = Refused(request);
  ExpectAws(error, ErrorFlavor::kQuery, "IncompleteSignature", 400,
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
}

TEST_F(VerifierTest, SignatureMismatchPerFlavor) {
  http::HttpRequest request = Request("POST", "Action=ListUsers");
  SignRequest(request, Params());
  request.body = "Action=DeleteUser";
  AuthError error = Refused(request);
  EXPECT_EQ(error.kind, AuthErrorKind::kSignatureMismatch);
  AwsError query = ToAwsError(error, ErrorFlavor::kQuery);
  EXPECT_EQ(query.code, "SignatureDoesNotMatch");
  EXPECT_EQ(query.http_status, 403);
  EXPECT_THAT(query.message, StartsWith(std::string(kMismatchText) +
                                        "\n\nThe Canonical String for this request should have "
                                        "been\n'POST\n/\n\n"));
  EXPECT_THAT(query.message,
              HasSubstr("'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n"
                        "20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"));
  ExpectAws(error, ErrorFlavor::kJson, "InvalidSignatureException", 400, kMismatchText);
  AwsError s3 = ToAwsError(error, ErrorFlavor::kS3);
  EXPECT_EQ(s3.code, "SignatureDoesNotMatch");
  EXPECT_EQ(s3.http_status, 403);
  EXPECT_EQ(s3.message, kMismatchText);
  std::vector<std::string> names;
  for (const auto& [name, value] : s3.extra) names.push_back(name);
  EXPECT_THAT(names, ElementsAre("AWSAccessKeyId", "StringToSign", "SignatureProvided",
                                 "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes"));
  EXPECT_EQ(error.Extra("AWSAccessKeyId"), "AKIDEXAMPLE");
  EXPECT_THAT(std::string(error.Extra("StringToSignBytes")), StartsWith("41 57 53 34 2d"));
}

TEST_F(VerifierTest, WrongSecret) {
  http::HttpRequest request = Request();
  SigningParams params = Params();
  params.secret_access_key = "not-the-secret";
  SignRequest(request, params);
  EXPECT_EQ(Refused(request).kind, AuthErrorKind::kSignatureMismatch);
}

TEST_F(VerifierTest, ContentSha256) {
  VerifyOptions s3;
  s3.s3 = true;
  http::HttpRequest request = Request("PUT", "hello");
  SigningParams params = Params();
  params.service = "s3";
  params.s3 = true;
  SignRequest(request, params);
  EXPECT_TRUE(Verify(request, kT0, s3).has_value());

  // Header signed over a different body: the signature holds but the body does not match.
  http::HttpRequest other = Request("PUT", "hello");
  params.payload_hash = Sha256Hex("goodbye");
  SignRequest(other, params);
  AuthError error = Refused(other, kT0, s3);
  EXPECT_EQ(error.kind, AuthErrorKind::kContentSha256Mismatch);
  AwsError aws = ToAwsError(error, ErrorFlavor::kS3);
  EXPECT_EQ(aws.code, "XAmzContentSHA256Mismatch");
  EXPECT_EQ(aws.http_status, 400);
  EXPECT_EQ(aws.message,
            "The provided 'x-amz-content-sha256' header does not match what was computed.");
  EXPECT_THAT(aws.extra, ElementsAre(Pair("ClientComputedContentSHA256", Sha256Hex("goodbye")),
                                     Pair("S3ComputedContentSHA256", Sha256Hex("hello"))));
  EXPECT_EQ(ToAwsError(error, ErrorFlavor::kQuery).code, "SignatureDoesNotMatch");

  http::HttpRequest unsigned_payload = Request("PUT", "anything");
  params.payload_hash = std::string(kUnsignedPayload);
  SignRequest(unsigned_payload, params);
  auto ok = Verify(unsigned_payload, kT0, s3);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->auth.payload_mode, PayloadMode::kUnsigned);

  http::HttpRequest invalid = Request("PUT", "x");
  params.payload_hash = "NOT-A-HASH";
  SignRequest(invalid, params);
  AuthError bad = Refused(invalid, kT0, s3);
  EXPECT_EQ(bad.kind, AuthErrorKind::kInvalidContentSha256);
  EXPECT_EQ(ToAwsError(bad, ErrorFlavor::kS3).code, "InvalidArgument");
  // Outside S3 an unknown mode is simply not a verifiable body.
  EXPECT_EQ(Refused(invalid).kind, AuthErrorKind::kInvalidContentSha256);
}

TEST_F(VerifierTest, NonS3LiteralHashMustMatchBody) {
  http::HttpRequest request = Request("POST", "Action=ListUsers");
  SigningParams params = Params();
  params.add_content_sha256 = true;
  SignRequest(request, params);
  EXPECT_TRUE(Verify(request).has_value());
  http::HttpRequest lying = Request("POST", "Action=ListUsers");
  params.payload_hash = Sha256Hex("Action=Other");
  SignRequest(lying, params);
  EXPECT_EQ(Refused(lying).kind, AuthErrorKind::kContentSha256Mismatch);
}

// S3 header example of sigv4.md §4 (GET /test.txt with Range).
TEST_F(VerifierTest, S3HeaderExample) {
  credentials_.Add("AKIAIOSFODNN7EXAMPLE", std::string(kS3Secret));
  http::HttpRequest request;
  request.method = "GET";
  request.path = "/test.txt";
  request.headers.Add("Host", "examplebucket.s3.amazonaws.com");
  request.headers.Add("Range", "bytes=0-9");
  SigningParams params;
  params.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  params.secret_access_key = std::string(kS3Secret);
  params.region = "us-east-1";
  params.service = "s3";
  params.s3 = true;
  params.now_millis = *ParseAmzDate("20130524T000000Z");
  SigningResult result = SignRequest(request, params);
  EXPECT_EQ(Sha256Hex(result.canonical_request),
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(result.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  VerifyOptions options;
  options.s3 = true;
  options.expected_region = "us-east-1";
  EXPECT_TRUE(verifier_.Verify(request, credentials_, params.now_millis, options).has_value());
}

class PresignTest : public VerifierTest {
 protected:
  PresignTest() { credentials_.Add("AKIAIOSFODNN7EXAMPLE", std::string(kS3Secret)); }

  static http::HttpRequest S3Get() {
    http::HttpRequest request;
    request.method = "GET";
    request.path = "/test.txt";
    request.headers.Add("Host", "examplebucket.s3.amazonaws.com");
    return request;
  }
  static SigningParams S3Params() {
    SigningParams params;
    params.access_key_id = "AKIAIOSFODNN7EXAMPLE";
    params.secret_access_key = std::string(kS3Secret);
    params.region = "us-east-1";
    params.service = "s3";
    params.s3 = true;
    params.now_millis = *ParseAmzDate("20130524T000000Z");
    return params;
  }
  static VerifyOptions S3() {
    VerifyOptions options;
    options.s3 = true;
    return options;
  }
};

TEST_F(PresignTest, S3ExampleFromSpec) {
  http::HttpRequest request = S3Get();
  SigningResult result = Presign(request, S3Params(), 86400);
  EXPECT_EQ(result.signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  const std::int64_t t = S3Params().now_millis;
  // Valid for the whole day, long after the 15-minute skew window.
  EXPECT_TRUE(Verify(request, t + 23 * 60 * kMinute, S3()).has_value());
  auto ok = Verify(request, t, S3());
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(ok->auth.presigned);
  EXPECT_EQ(ok->auth.expires_seconds, 86400);
  EXPECT_EQ(ok->auth.payload_mode, PayloadMode::kUnsigned);

  AuthError expired = Refused(request, t + 86400 * 1000 + 1000, S3());
  EXPECT_EQ(expired.kind, AuthErrorKind::kPresignedExpired);
  AwsError aws = ToAwsError(expired, ErrorFlavor::kS3);
  EXPECT_EQ(aws.code, "AccessDenied");
  EXPECT_EQ(aws.http_status, 403);
  EXPECT_EQ(aws.message, "Request has expired");
  EXPECT_THAT(aws.extra,
              ElementsAre(Pair("X-Amz-Expires", "86400"), Pair("Expires", "2013-05-25T00:00:00Z"),
                          Pair("ServerTime", "2013-05-25T00:00:01Z")));

  AuthError early = Refused(request, t - 16 * kMinute, S3());
  EXPECT_EQ(early.kind, AuthErrorKind::kPresignedNotYetValid);
  EXPECT_EQ(ToAwsError(early, ErrorFlavor::kS3).message, "Request is not valid yet");
}

TEST_F(PresignTest, NonS3PresignUsesSkewWindow) {
  http::HttpRequest request = Request("GET");
  request.raw_query = "Action=GetCallerIdentity&Version=2011-06-15";
  Presign(request, Params(), 60);
  EXPECT_TRUE(Verify(request, kT0 + 30 * 1000).has_value());
  EXPECT_EQ(Refused(request, kT0 + 2 * kMinute).kind, AuthErrorKind::kPresignedExpired);
  http::HttpRequest long_lived = Request("GET");
  Presign(long_lived, Params(), 3600);
  EXPECT_EQ(Refused(long_lived, kT0 + 20 * kMinute).kind, AuthErrorKind::kRequestTimeTooSkewed);
}

TEST_F(PresignTest, ExpiresRange) {
  for (std::string expires : {"604801", "0", "-5", "abc"}) {
    http::HttpRequest request = S3Get();
    Presign(request, S3Params(), 3600);
    std::string& q = request.raw_query;
    q.replace(q.find("X-Amz-Expires=3600"), 18, "X-Amz-Expires=" + expires);
    AuthError error = Refused(request, S3Params().now_millis, S3());
    EXPECT_EQ(error.kind, AuthErrorKind::kInvalidQueryParameters) << expires;
    EXPECT_EQ(ToAwsError(error, ErrorFlavor::kS3).code, "AuthorizationQueryParametersError");
    if (expires == "604801") {
      EXPECT_EQ(ToAwsError(error, ErrorFlavor::kS3).message,
                "X-Amz-Expires must be less than a week (in seconds) that is 604800");
    }
  }
  http::HttpRequest week = S3Get();
  Presign(week, S3Params(), 604800);
  EXPECT_TRUE(Verify(week, S3Params().now_millis, S3()).has_value());
}

TEST_F(PresignTest, MissingParameters) {
  http::HttpRequest request = S3Get();
  request.raw_query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc";
  AuthError error = Refused(request, S3Params().now_millis, S3());
  ExpectAws(error, ErrorFlavor::kS3, "AuthorizationQueryParametersError", 400,
            "Query-string authentication version 4 requires the X-Amz-Algorithm, "
            "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
            "X-Amz-Expires parameters.");
  ExpectAws(error, ErrorFlavor::kQuery, "IncompleteSignature", 400,
            "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string "
            "parameters must include 'X-Amz-Date'. AWS query-string parameters must include "
            "'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Expires'. "
            "Re-examine the query-string parameters.");
}

TEST_F(PresignTest, PresignedSessionToken) {
  http::HttpRequest request = Request("GET");
  Presign(request, Params("ASIAEXAMPLE", "session-token-1"), 300);
  EXPECT_TRUE(Verify(request).has_value());
  http::HttpRequest after = Request("GET");
  SigningParams params = Params("ASIAEXAMPLE", "session-token-1");
  params.sign_session_token = false;
  Presign(after, params, 300);
  EXPECT_TRUE(Verify(after).has_value());
  http::HttpRequest missing = Request("GET");
  Presign(missing, Params("ASIAEXAMPLE"), 300);
  EXPECT_EQ(Refused(missing).kind, AuthErrorKind::kInvalidToken);
}

TEST_F(PresignTest, S3WrongRegionPresigned) {
  http::HttpRequest request = S3Get();
  Presign(request, S3Params(), 3600);
  VerifyOptions options = S3();
  options.expected_region = "us-west-2";
  AuthError error = Refused(request, S3Params().now_millis, options);
  ExpectAws(error, ErrorFlavor::kS3, "AuthorizationQueryParametersError", 400,
            "Error parsing the X-Amz-Credential parameter; the region 'us-east-1' is wrong; "
            "expecting 'us-west-2'");
}

TEST(PeekCredentialScopeTest, HeaderAndQuery) {
  http::HttpRequest request;
  request.headers.Add("Authorization",
                      "AWS4-HMAC-SHA256 Credential=AKID/20150830/eu-west-1/sns/aws4_request, "
                      "SignedHeaders=host, Signature=x");
  auto hint = PeekCredentialScope(request);
  ASSERT_TRUE(hint.has_value());
  EXPECT_EQ(hint->region, "eu-west-1");
  EXPECT_EQ(hint->service, "sns");

  http::HttpRequest presigned;
  presigned.raw_query =
      "a=1&X-Amz-Credential=AKID%2F20150830%2Fus-east-2%2Fs3%2Faws4_request&X-Amz-Date=x";
  hint = PeekCredentialScope(presigned);
  ASSERT_TRUE(hint.has_value());
  EXPECT_EQ(hint->region, "us-east-2");
  EXPECT_EQ(hint->service, "s3");

  EXPECT_FALSE(PeekCredentialScope(http::HttpRequest{}).has_value());
  http::HttpRequest bogus;
  bogus.headers.Add("Authorization", "AWS4-HMAC-SHA256 Credential=nothing");
  EXPECT_FALSE(PeekCredentialScope(bogus).has_value());
}

TEST(SigningKeyCacheTest, CachesAndBounds) {
  SigningKeyCache cache(2);
  std::string k1 = cache.Get("AKID", kSecret, "20150830", "us-east-1", "iam");
  EXPECT_EQ(HexEncode(k1), "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  EXPECT_EQ(cache.Get("AKID", kSecret, "20150830", "us-east-1", "iam"), k1);
  EXPECT_EQ(cache.size(), 1u);
  // A rotated secret under the same key id is a different entry.
  EXPECT_NE(cache.Get("AKID", "other", "20150830", "us-east-1", "iam"), k1);
  cache.Get("AKID", kSecret, "20150831", "us-east-1", "iam");
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Get("AKID", kSecret, "20150830", "us-east-1", "iam"), k1);
  EXPECT_EQ(cache.size(), 2u);
}

}  // namespace
}  // namespace tw::auth
