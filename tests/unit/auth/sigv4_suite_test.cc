// SPDX-License-Identifier: Apache-2.0
// Every case of the AWS SigV4 signing test suite (read from the shared folder at run time):
// the signer reproduces canonical request, string to sign and signature for header and query
// signing; the verifier rebuilds the same canonical request from the signed request and accepts it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "auth/sigv4/canonical.h"
#include "auth/sigv4/parser.h"
#include "auth/sigv4/signer.h"
#include "auth/sigv4/verifier.h"
#include "auth_test_support.h"
#include "testing/fake_clock.h"

namespace tw::auth {
namespace {

using testing::FakeCredentialProvider;
using testing::ParseSuiteRequest;
using testing::ReadFile;

const std::string kSuiteDir = std::string(TW_SHARED_DIR) + "/reference/sigv4-test-suite/v4";
constexpr std::string_view kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

std::vector<std::string> SuiteCases() {
  std::vector<std::string> cases;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(kSuiteDir, ec)) {
    if (entry.is_directory()) cases.push_back(entry.path().filename().string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

struct SuiteContext {
  std::optional<std::string> token;
  bool normalize = true;
  bool sign_body = false;
  bool omit_session_token = false;
};

// The context files are tiny and regular; a string search is enough.
SuiteContext ParseContext(const std::string& json) {
  SuiteContext context;
  auto flag = [&](std::string_view key) {
    auto pos = json.find("\"" + std::string(key) + "\"");
    if (pos == std::string::npos) return false;
    auto colon = json.find(':', pos);
    return json.compare(json.find_first_not_of(" \t", colon + 1), 4, "true") == 0;
  };
  context.normalize = flag("normalize");
  context.sign_body = flag("sign_body");
  context.omit_session_token = flag("omit_session_token");
  auto token = json.find("\"token\"");
  if (token != std::string::npos) {
    auto start = json.find('"', json.find(':', token)) + 1;
    context.token = json.substr(start, json.find('"', start) - start);
  }
  return context;
}

class SigV4SuiteTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = kSuiteDir + "/" + GetParam();
    auto context = ReadFile(dir_ + "/context.json");
    ASSERT_TRUE(context.has_value()) << dir_;
    context_ = ParseContext(*context);
    credentials_.Add("AKIDEXAMPLE", std::string(kSuiteSecret), context_.token);
  }

  std::string File(const std::string& name) {
    auto text = ReadFile(dir_ + "/" + name);
    EXPECT_TRUE(text.has_value()) << dir_ << "/" << name;
    return text.value_or("");
  }

  SigningParams Params() const {
    SigningParams params;
    params.access_key_id = "AKIDEXAMPLE";
    params.secret_access_key = std::string(kSuiteSecret);
    params.session_token = context_.token;
    params.region = "us-east-1";
    params.service = "service";
    params.now_millis = clock_millis_;
    params.normalize_path = context_.normalize;
    params.add_content_sha256 = context_.sign_body;
    params.sign_session_token = !context_.omit_session_token;
    return params;
  }

  VerifyOptions Options(bool s3 = false) const {
    VerifyOptions options;
    options.s3 = s3;
    options.normalize_path = context_.normalize;
    options.expected_region = "us-east-1";
    options.expected_service = "service";
    return options;
  }

  // Rebuilds and verifies one signed request file of the suite.
  void CheckVerifier(const std::string& prefix) {
    http::HttpRequest request = ParseSuiteRequest(File(prefix + "-signed-request.txt"));
    AuthResult<ParsedAuth> parsed = ParseAuth(request, false);
    ASSERT_TRUE(parsed.has_value()) << AuthErrorKindName(parsed.error().kind);
    EXPECT_EQ(parsed->presigned, prefix == "query");
    EXPECT_EQ(parsed->access_key_id, "AKIDEXAMPLE");
    EXPECT_EQ(parsed->scope.ToString(), "20150830/us-east-1/service/aws4_request");
    EXPECT_EQ(parsed->signature, File(prefix + "-signature.txt"));
    std::vector<std::string> candidates =
        CandidateCanonicalRequests(request, *parsed, context_.normalize);
    std::string expected_canonical = File(prefix + "-canonical-request.txt");
    ASSERT_FALSE(candidates.empty());
    if (context_.omit_session_token && prefix == "query") {
      // The token arrived in the query but was not signed: an alternative, not the first guess.
      EXPECT_THAT(candidates, ::testing::Contains(expected_canonical));
    } else {
      EXPECT_EQ(candidates.front(), expected_canonical);
      EXPECT_EQ(BuildStringToSign(parsed->amz_date, parsed->scope.ToString(), candidates.front()),
                File(prefix + "-string-to-sign.txt"));
    }

    Verifier verifier;
    auto verified = verifier.Verify(request, credentials_, EpochMillis(clock_.Now()), Options());
    ASSERT_TRUE(verified.has_value()) << AuthErrorKindName(verified.error().kind) << ": "
                                      << ToAwsError(verified.error(), ErrorFlavor::kQuery).message;
    EXPECT_EQ(verified->credential.access_key_id, "AKIDEXAMPLE");
    EXPECT_EQ(verified->credential.principal.arn, "arn:aws:iam::000000000000:root");

    // The unnormalised cases are S3-style paths: S3 mode must accept the header form as well.
    if (!context_.normalize && prefix == "header") {
      auto s3 = verifier.Verify(request, credentials_, clock_millis_, Options(/*s3=*/true));
      EXPECT_TRUE(s3.has_value()) << AuthErrorKindName(s3.error().kind);
    }

    // One flipped signature digit must fail.
    http::HttpRequest tampered = request;
    std::string signature = File(prefix + "-signature.txt");
    std::string bad = signature;
    bad[10] = bad[10] == '0' ? '1' : '0';
    if (prefix == "header") {
      std::string authorization = *tampered.headers.Find("authorization");
      authorization.replace(authorization.find(signature), signature.size(), bad);
      tampered.headers.Set("Authorization", authorization);
    } else {
      tampered.raw_query.replace(tampered.raw_query.find(signature), signature.size(), bad);
    }
    auto refused = verifier.Verify(tampered, credentials_, clock_millis_, Options());
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().kind, AuthErrorKind::kSignatureMismatch);
  }

  std::string dir_;
  SuiteContext context_;
  FakeCredentialProvider credentials_;
  tw::testing::FakeClock clock_;  // 2015-08-30T12:36:00Z, the suite's signing time
  std::int64_t clock_millis_ = 1'440'938'160'000;
};

TEST(SigV4SuiteTest, SuiteIsPresent) { EXPECT_EQ(SuiteCases().size(), 38u) << kSuiteDir; }

TEST_P(SigV4SuiteTest, SignerHeaderForm) {
  http::HttpRequest request = ParseSuiteRequest(File("request.txt"));
  SigningResult result = SignRequest(request, Params());
  EXPECT_EQ(result.canonical_request, File("header-canonical-request.txt"));
  EXPECT_EQ(result.string_to_sign, File("header-string-to-sign.txt"));
  EXPECT_EQ(result.signature, File("header-signature.txt"));
  http::HttpRequest expected = ParseSuiteRequest(File("header-signed-request.txt"));
  EXPECT_EQ(request.headers.Get("authorization"), expected.headers.Get("authorization"));
}

TEST_P(SigV4SuiteTest, SignerQueryForm) {
  http::HttpRequest request = ParseSuiteRequest(File("request.txt"));
  SigningResult result = Presign(request, Params(), 3600);
  EXPECT_EQ(result.canonical_request, File("query-canonical-request.txt"));
  EXPECT_EQ(result.string_to_sign, File("query-string-to-sign.txt"));
  EXPECT_EQ(result.signature, File("query-signature.txt"));
  // Same parameters as the suite's signed URL (order aside).
  http::HttpRequest expected = ParseSuiteRequest(File("query-signed-request.txt"));
  EXPECT_EQ(CanonicalQueryString(ParseQuery(request.raw_query)),
            CanonicalQueryString(ParseQuery(expected.raw_query)));
}

TEST_P(SigV4SuiteTest, VerifierHeaderForm) { CheckVerifier("header"); }

TEST_P(SigV4SuiteTest, VerifierQueryForm) { CheckVerifier("query"); }

INSTANTIATE_TEST_SUITE_P(AwsSuite, SigV4SuiteTest, ::testing::ValuesIn(SuiteCases()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace tw::auth
