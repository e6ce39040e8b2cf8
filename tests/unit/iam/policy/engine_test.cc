// SPDX-License-Identifier: Apache-2.0
// Unit tests of the engine's parts: wildcard and ARN matching, condition operator names, IP and
// date parsing, diagnostics (matched statements, missing context keys) and AWS's AccessDenied text.
#include <gtest/gtest.h>

#include "iam/policy/access_denied.h"
#include "iam/policy/compiler.h"
#include "iam/policy/conditions.h"
#include "iam/policy/evaluator.h"
#include "iam/policy/pattern.h"

namespace tw::iam::policy {
namespace {

bool Glob(std::string_view pattern, std::string_view subject) {
  return Pattern::Compile(pattern, PatternOptions{}).Matches(subject, nullptr);
}

TEST(PolicyPattern, Wildcards) {
  EXPECT_TRUE(Glob("*", ""));
  EXPECT_TRUE(Glob("s3:Get*", "s3:GetObject"));
  EXPECT_FALSE(Glob("s3:Get*", "s3:PutObject"));
  EXPECT_TRUE(Glob("s3:*Object*", "s3:GetObjectAcl"));
  EXPECT_TRUE(Glob("a*b*c", "axxbyyc"));
  EXPECT_FALSE(Glob("a*b*c", "axxbyy"));
  EXPECT_TRUE(Glob("a?c", "abc"));
  EXPECT_FALSE(Glob("a?c", "ac"));
  EXPECT_TRUE(Glob("*a", "aaa"));
  EXPECT_FALSE(Glob("abc", "abcd"));
  EXPECT_TRUE(Glob("", ""));
}

TEST(PolicyPattern, ArnSegments) {
  auto arn = [](std::string_view p, std::string_view s) {
    return ArnPattern::Compile(p, false).Matches(s, nullptr);
  };
  EXPECT_TRUE(arn("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/x/y"));
  EXPECT_FALSE(arn("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket"));
  EXPECT_TRUE(
      arn("arn:aws:logs:*:*:log-group:g:*", "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s"));
  // '*' in the region segment does not swallow the account segment (a whole-string glob would).
  EXPECT_FALSE(arn("arn:aws:logs:*:1:x", "arn:aws:logs:us-east-1:2:1:x"));
  EXPECT_TRUE(arn("arn:aws:logs:*:1:x", "arn:aws:logs:us-east-1:1:x"));
  EXPECT_TRUE(arn("*", "anything"));
}

TEST(PolicyConditionOperator, Names) {
  auto op = ParseConditionOperator("ForAnyValue:StringLikeIfExists");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->base, BaseOperator::kStringLike);
  EXPECT_EQ(op->qualifier, SetQualifier::kForAnyValue);
  EXPECT_TRUE(op->if_exists);
  EXPECT_FALSE(ParseConditionOperator("NullIfExists"));
  EXPECT_FALSE(ParseConditionOperator("stringequals"));
  EXPECT_FALSE(ParseConditionOperator("StringEqualsX"));
}

TEST(PolicyConditions, IpAndDates) {
  auto net = ParseIpNetwork("203.0.113.0/24");
  ASSERT_TRUE(net);
  EXPECT_TRUE(NetworkContains(*net, *ParseIpNetwork("203.0.113.77")));
  EXPECT_FALSE(NetworkContains(*net, *ParseIpNetwork("203.0.114.1")));
  EXPECT_FALSE(NetworkContains(*net, *ParseIpNetwork("::1")));
  EXPECT_FALSE(ParseIpNetwork("10.0.0.0/33"));
  EXPECT_EQ(*ParsePolicyDate("1970-01-02"), 86'400'000);
  EXPECT_EQ(*ParsePolicyDate("86400"), 86'400'000);
  EXPECT_FALSE(ParsePolicyDate("yesterday"));
}

Request UserRequest(std::string action, std::string resource) {
  Request r;
  r.action = std::move(action);
  r.resource = std::move(resource);
  r.principal.kind = CallerKind::kIamUser;
  r.principal.arn = "arn:aws:iam::123456789012:user/bob";
  r.principal.account_id = "123456789012";
  r.principal.user_name = "bob";
  AddPrincipalContextKeys(r);
  return r;
}

TEST(PolicyEvaluator, DiagnosticsAndMessages) {
  auto policy = CompilePolicy(R"({"Version":"2012-10-17","Statement":[
      {"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*",
       "Condition":{"Bool":{"aws:SecureTransport":"true"}}},
      {"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]})");
  ASSERT_TRUE(policy);
  PolicySet set;
  set.identity.push_back(PolicyRef{&*policy, "arn:aws:iam::123456789012:policy/p"});

  Request get = UserRequest("s3:GetObject", "arn:aws:s3:::b/k");
  EvalResult r = Evaluate(set, get);
  EXPECT_EQ(r.decision, Decision::kImplicitDeny);
  ASSERT_EQ(r.missing_context_keys.size(), 1u);
  EXPECT_EQ(r.missing_context_keys[0], "aws:securetransport");
  EXPECT_EQ(AccessDeniedMessage(r, get.principal.arn, get.action, get.resource),
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: s3:GetObject "
            "on resource: arn:aws:s3:::b/k because no identity-based policy allows the "
            "s3:GetObject action");

  get.context.Set("aws:SecureTransport", "true");
  r = Evaluate(set, get);
  EXPECT_EQ(r.decision, Decision::kAllow);
  ASSERT_EQ(r.matched.size(), 1u);
  EXPECT_EQ(r.matched[0].sid, "Read");
  EXPECT_EQ(AccessDeniedMessage(r, "x", "y", "z"), "");

  Request del = UserRequest("s3:DeleteObject", "arn:aws:s3:::b/k");
  r = Evaluate(set, del);
  EXPECT_EQ(r.decision, Decision::kExplicitDeny);
  ASSERT_EQ(r.matched.size(), 1u);
  EXPECT_EQ(r.matched[0].index, 1);
  EXPECT_EQ(r.matched[0].policy_id, "arn:aws:iam::123456789012:policy/p");
  EXPECT_EQ(AccessDeniedMessage(r, del.principal.arn, del.action, del.resource),
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: "
            "s3:DeleteObject on resource: arn:aws:s3:::b/k with an explicit deny in an "
            "identity-based policy");
}

TEST(PolicyEvaluator, CrossAccountNeedsBothSides) {
  auto identity = CompilePolicy(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})");
  auto bucket = CompilePolicy(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",
      "Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}})");
  ASSERT_TRUE(identity && bucket);
  Request r = UserRequest("s3:GetObject", "arn:aws:s3:::b/k");
  r.resource_account = "999999999999";
  PolicySet set;
  set.identity.push_back(PolicyRef{&*identity, "id"});
  EvalResult only_identity = Evaluate(set, r);
  EXPECT_EQ(only_identity.decision, Decision::kImplicitDeny);
  EXPECT_EQ(only_identity.decided_by, PolicyType::kResource);
  EXPECT_NE(AccessDeniedMessage(only_identity, r.principal.arn, r.action, r.resource)
                .find("because no resource-based policy allows the s3:GetObject action"),
            std::string::npos);
  set.resource.push_back(PolicyRef{&*bucket, "bucket"});
  EXPECT_EQ(Evaluate(set, r).decision, Decision::kAllow);
}

}  // namespace
}  // namespace tw::iam::policy
