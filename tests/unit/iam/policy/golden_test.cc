// SPDX-License-Identifier: Apache-2.0
// Table-driven golden cases: tests/golden/policy/validation.json (document -> IAM's error message
// or success) and tests/golden/policy/evaluation.jsonl (policies + request -> decision, in the
// shared case format). Each case names the AWS documentation page or observed response it is
// taken from.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "iam/policy/validate_document.h"
#include "policy_case.h"

namespace tw::iam::policy {
namespace {

const std::string kGoldenDir = std::string(TW_SOURCE_DIR) + "/tests/golden/policy/";

TEST(PolicyGolden, Validation) {
  boost::json::array cases =
      boost::json::parse(testing::ReadFile(kGoldenDir + "validation.json")).as_array();
  ASSERT_GT(cases.size(), 50u);
  for (const auto& value : cases) {
    const boost::json::object& c = value.as_object();
    std::string name(c.at("name").as_string());
    const auto& doc = c.at("document");
    std::string text = doc.is_string() ? std::string(doc.as_string()) : boost::json::serialize(doc);
    std::string kind_text(c.at("kind").as_string());
    PolicyKind kind = kind_text == "trust"      ? PolicyKind::kTrust
                      : kind_text == "resource" ? PolicyKind::kResource
                                                : PolicyKind::kIdentity;
    ValidationOptions options;
    options.require_current_version = c.at("require_current_version").as_bool();
    Status status = ValidatePolicyDocument(text, kind, options);
    if (c.at("error").is_null()) {
      EXPECT_TRUE(status.has_value()) << name << ": " << status.error().message;
    } else {
      ASSERT_FALSE(status.has_value()) << name;
      EXPECT_EQ(status.error().code, "MalformedPolicyDocument") << name;
      EXPECT_EQ(status.error().http_status, 400) << name;
      EXPECT_EQ(status.error().message, std::string(c.at("error").as_string())) << name;
    }
  }
}

TEST(PolicyGolden, Evaluation) {
  std::istringstream in(testing::ReadFile(kGoldenDir + "evaluation.jsonl"));
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++count;
    boost::json::object c = boost::json::parse(line).as_object();
    testing::CaseRunner runner;
    testing::CaseRun run = runner.Run(c);
    std::string name(c.at("name").as_string());
    ASSERT_EQ(run.error, "") << name;
    EXPECT_EQ(testing::DecisionName(run.result.decision), std::string(c.at("expected").as_string()))
        << name << " (" << std::string(c.at("source").as_string()) << ")";
  }
  EXPECT_GT(count, 40);
}

}  // namespace
}  // namespace tw::iam::policy
