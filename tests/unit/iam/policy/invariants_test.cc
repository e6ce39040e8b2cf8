// SPDX-License-Identifier: Apache-2.0
// Properties the evaluation logic must keep whatever the policies: adding a Deny statement never
// turns a denial into an Allow; the order of statements and of policies never changes a decision.
// Randomised policies and requests from a fixed seed, so failures reproduce.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "iam/policy/compiler.h"
#include "iam/policy/evaluator.h"

namespace tw::iam::policy {
namespace {

const std::vector<std::string> kActions = {"s3:GetObject", "s3:PutObject", "iam:GetUser",
                                           "ec2:RunInstances"};
const std::vector<std::string> kActionPatterns = {"s3:*", "s3:Get*",          "iam:GetUser",
                                                  "*",    "ec2:Run?nstances", "iam:*User"};
const std::vector<std::string> kResources = {"arn:aws:s3:::b/k", "arn:aws:s3:::b/x/y",
                                             "arn:aws:iam::123456789012:user/bob", "*"};
const std::vector<std::string> kResourcePatterns = {
    "*", "arn:aws:s3:::b/*", "arn:aws:iam::*:user/${aws:username}", "arn:aws:s3:::other/*"};
const std::vector<std::string> kConditions = {
    "", R"(,"Condition":{"StringEquals":{"aws:username":"bob"}})",
    R"(,"Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}})",
    R"(,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}})",
    R"(,"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}})"};

std::string RandomStatement(std::mt19937& rng, const char* effect) {
  auto pick = [&rng](const std::vector<std::string>& v) -> const std::string& {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
  };
  bool not_action = rng() % 5 == 0;
  bool not_resource = rng() % 6 == 0;
  return std::string("{\"Effect\":\"") + effect + "\",\"" + (not_action ? "NotAction" : "Action") +
         "\":\"" + pick(kActionPatterns) + "\",\"" + (not_resource ? "NotResource" : "Resource") +
         "\":\"" + pick(kResourcePatterns) + "\"" + pick(kConditions) + "}";
}

std::string Document(const std::vector<std::string>& statements) {
  std::string doc = R"({"Version":"2012-10-17","Statement":[)";
  for (std::size_t i = 0; i < statements.size(); ++i) doc += (i ? "," : "") + statements[i];
  return doc + "]}";
}

Request RandomRequest(std::mt19937& rng) {
  Request r;
  r.action = kActions[rng() % kActions.size()];
  r.resource = kResources[rng() % kResources.size()];
  r.resource_account = "123456789012";
  r.principal.kind = CallerKind::kIamUser;
  r.principal.arn = "arn:aws:iam::123456789012:user/bob";
  r.principal.account_id = "123456789012";
  r.principal.user_name = "bob";
  if (rng() % 2) r.context.Set("aws:username", "bob");
  if (rng() % 2) r.context.Set("aws:MultiFactorAuthPresent", rng() % 2 ? "true" : "false");
  if (rng() % 2) r.context.Set("aws:SourceIp", rng() % 2 ? "10.1.2.3" : "192.0.2.1");
  if (rng() % 2) r.context.SetMulti("aws:TagKeys", {"a"});
  return r;
}

Decision Decide(const std::vector<std::vector<std::string>>& policies, const Request& request) {
  std::vector<CompiledPolicy> compiled;
  compiled.reserve(policies.size());
  for (const auto& statements : policies) {
    Result<CompiledPolicy> p = CompilePolicy(Document(statements));
    EXPECT_TRUE(p.has_value()) << Document(statements);
    compiled.push_back(std::move(*p));
  }
  PolicySet set;
  for (const auto& p : compiled) set.identity.push_back(PolicyRef{&p, "p"});
  return Evaluate(set, request).decision;
}

TEST(PolicyInvariants, AddingDenyNeverAllows) {
  std::mt19937 rng(20240601);
  for (int round = 0; round < 400; ++round) {
    std::vector<std::vector<std::string>> policies(1 + rng() % 3);
    for (auto& p : policies) {
      for (int i = 0, n = 1 + rng() % 4; i < n; ++i) {
        p.push_back(RandomStatement(rng, rng() % 4 == 0 ? "Deny" : "Allow"));
      }
    }
    Request request = RandomRequest(rng);
    Decision before = Decide(policies, request);
    policies[rng() % policies.size()].push_back(RandomStatement(rng, "Deny"));
    Decision after = Decide(policies, request);
    if (before != Decision::kAllow) {
      EXPECT_NE(after, Decision::kAllow) << "round " << round;
    }
    if (before == Decision::kExplicitDeny) {
      EXPECT_EQ(after, Decision::kExplicitDeny) << "round " << round;
    }
  }
}

TEST(PolicyInvariants, OrderDoesNotMatter) {
  std::mt19937 rng(7);
  for (int round = 0; round < 400; ++round) {
    std::vector<std::vector<std::string>> policies(1 + rng() % 3);
    for (auto& p : policies) {
      for (int i = 0, n = 1 + rng() % 5; i < n; ++i) {
        p.push_back(RandomStatement(rng, rng() % 3 == 0 ? "Deny" : "Allow"));
      }
    }
    Request request = RandomRequest(rng);
    Decision expected = Decide(policies, request);
    for (int shuffle = 0; shuffle < 3; ++shuffle) {
      auto shuffled = policies;
      for (auto& p : shuffled) std::shuffle(p.begin(), p.end(), rng);
      std::shuffle(shuffled.begin(), shuffled.end(), rng);
      EXPECT_EQ(Decide(shuffled, request), expected) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace tw::iam::policy
