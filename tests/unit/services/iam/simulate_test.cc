// SPDX-License-Identifier: Apache-2.0
// The policy simulator operations over a real store.
#include "iam_test_fixture.h"

namespace tw::services::iam::testing {
namespace {

constexpr std::string_view kMfaDeny = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {
      "Effect": "Deny",
      "Action": "s3:DeleteBucket",
      "Resource": "*",
      "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}
    }
  ]
})";

const Value& Result0(const Value& out, std::size_t i = 0) {
  return out.Find("EvaluationResults")->as_list()[i];
}

TEST_F(IamServiceTest, SimulateCustomPolicyDecisions) {
  Value out = Ok("SimulateCustomPolicy",
                 In({{"PolicyInputList", Strings({std::string(kMfaDeny)})},
                     {"ActionNames", Strings({"s3:GetObject", "s3:DeleteBucket", "sns:Publish"})},
                     {"ContextEntries", [] {
                        Value list = Value::MakeList();
                        list.Push(In({{"ContextKeyName", "aws:MultiFactorAuthPresent"},
                                      {"ContextKeyValues", Strings({"false"})},
                                      {"ContextKeyType", "boolean"}}));
                        return list;
                      }()}}));
  ASSERT_EQ(out.Find("EvaluationResults")->as_list().size(), 3u);
  EXPECT_EQ(Result0(out, 0).GetString("EvalDecision"), "allowed");
  EXPECT_EQ(Result0(out, 0).GetString("EvalResourceName"), "*");
  const Value& matched = Result0(out, 0).Find("MatchedStatements")->as_list()[0];
  EXPECT_EQ(matched.GetString("SourcePolicyId"), "PolicyInputList.1");
  EXPECT_EQ(matched.GetString("SourcePolicyType"), "none");
  EXPECT_EQ(matched.Find("StartPosition")->Find("Line")->as_integer(), 4);
  EXPECT_EQ(matched.Find("StartPosition")->Find("Column")->as_integer(), 5);
  EXPECT_EQ(matched.Find("EndPosition")->Find("Line")->as_integer(), 4);
  EXPECT_EQ(Result0(out, 1).GetString("EvalDecision"), "explicitDeny");
  EXPECT_EQ(Result0(out, 1)
                .Find("MatchedStatements")
                ->as_list()[0]
                .Find("StartPosition")
                ->Find("Line")
                ->as_integer(),
            5);
  EXPECT_EQ(Result0(out, 2).GetString("EvalDecision"), "implicitDeny");
  EXPECT_TRUE(Result0(out, 2).Find("MatchedStatements")->as_list().empty());
  EXPECT_FALSE(out.Find("IsTruncated")->as_bool());
}

TEST_F(IamServiceTest, SimulateReportsMissingContextValuesAsSpelled) {
  Value out = Ok("SimulateCustomPolicy", In({{"PolicyInputList", Strings({std::string(kMfaDeny)})},
                                             {"ActionNames", Strings({"s3:DeleteBucket"})}}));
  const Value& missing = *Result0(out).Find("MissingContextValues");
  ASSERT_EQ(missing.as_list().size(), 1u);
  EXPECT_EQ(missing.as_list()[0].as_string(), "aws:MultiFactorAuthPresent");
}

TEST_F(IamServiceTest, SimulatePrincipalPolicyGathersUserAndGroupPolicies) {
  Ok("CreateUser", In({{"UserName", "alice"}}));
  Ok("CreateGroup", In({{"GroupName", "devs"}}));
  Ok("AddUserToGroup", In({{"GroupName", "devs"}, {"UserName", "alice"}}));
  Ok("PutGroupPolicy", In({{"GroupName", "devs"},
                           {"PolicyName", "s3all"},
                           {"PolicyDocument", std::string(kAllowS3)}}));
  Ok("AttachUserPolicy",
     In({{"UserName", "alice"},
         {"PolicyArn", "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess"}}));
  Value out =
      Ok("SimulatePrincipalPolicy",
         In({{"PolicySourceArn", "arn:aws:iam::123456789012:user/alice"},
             {"ActionNames", Strings({"s3:PutObject", "logs:DescribeLogGroups", "iam:CreateUser"})},
             {"ResourceArns", Strings({"arn:aws:s3:::b/k"})}}));
  EXPECT_EQ(Result0(out, 0).GetString("EvalDecision"), "allowed");
  const Value& m = Result0(out, 0).Find("MatchedStatements")->as_list()[0];
  EXPECT_EQ(m.GetString("SourcePolicyId"), "s3all");
  EXPECT_EQ(m.GetString("SourcePolicyType"), "group");
  EXPECT_EQ(Result0(out, 0).Find("ResourceSpecificResults")->as_list().size(), 1u);
  EXPECT_EQ(Result0(out, 1).GetString("EvalDecision"), "allowed");
  EXPECT_EQ(Result0(out, 1).Find("MatchedStatements")->as_list()[0].GetString("SourcePolicyType"),
            "aws-managed");
  EXPECT_EQ(Result0(out, 2).GetString("EvalDecision"), "implicitDeny");
}

TEST_F(IamServiceTest, SimulatePrincipalPolicyPaginates) {
  Ok("CreateUser", In({{"UserName", "alice"}}));
  Value first = Ok("SimulatePrincipalPolicy",
                   In({{"PolicySourceArn", "arn:aws:iam::123456789012:user/alice"},
                       {"ActionNames", Strings({"s3:GetObject", "s3:PutObject", "s3:ListBucket"})},
                       {"MaxItems", 2}}));
  EXPECT_EQ(first.Find("EvaluationResults")->as_list().size(), 2u);
  ASSERT_TRUE(first.Find("IsTruncated")->as_bool());
  Value second = Ok("SimulatePrincipalPolicy",
                    In({{"PolicySourceArn", "arn:aws:iam::123456789012:user/alice"},
                        {"ActionNames", Strings({"s3:GetObject", "s3:PutObject", "s3:ListBucket"})},
                        {"MaxItems", 2},
                        {"Marker", std::string(first.GetString("Marker"))}}));
  ASSERT_EQ(second.Find("EvaluationResults")->as_list().size(), 1u);
  EXPECT_EQ(Result0(second).GetString("EvalActionName"), "s3:ListBucket");
}

TEST_F(IamServiceTest, SimulatePrincipalPolicyUnknownSourceIsNoSuchEntity) {
  AwsError e = Err("SimulatePrincipalPolicy",
                   In({{"PolicySourceArn", "arn:aws:iam::123456789012:user/ghost"},
                       {"ActionNames", Strings({"s3:GetObject"})}}));
  EXPECT_EQ(e.code, "NoSuchEntity");
}

TEST_F(IamServiceTest, SimulateWithResourcePolicyAndBoundary) {
  constexpr std::string_view kBucketPolicy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})";
  Value out = Ok(
      "SimulateCustomPolicy",
      In({{"PolicyInputList",
           Strings(
               {R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]})"})},
          {"ActionNames", Strings({"s3:GetObject"})},
          {"ResourceArns", Strings({"arn:aws:s3:::b/k"})},
          {"ResourcePolicy", std::string(kBucketPolicy)},
          {"CallerArn", "arn:aws:iam::123456789012:user/bob"}}));
  EXPECT_EQ(Result0(out).GetString("EvalDecision"), "allowed");
  EXPECT_EQ(Result0(out).Find("MatchedStatements")->as_list()[0].GetString("SourcePolicyType"),
            "resource");
}

TEST_F(IamServiceTest, GetContextKeysForPolicies) {
  Value out = Ok(
      "GetContextKeysForCustomPolicy",
      In({{"PolicyInputList",
           Strings(
               {std::string(kMfaDeny),
                R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"StringEquals":{"s3:prefix":"x"}}}]})"})}}));
  std::vector<std::string> keys;
  for (const auto& k : out.Find("ContextKeyNames")->as_list()) keys.push_back(k.as_string());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"aws:MultiFactorAuthPresent", "aws:username", "s3:prefix"}));
  Ok("CreateUser", In({{"UserName", "alice"}}));
  Ok("PutUserPolicy",
     In({{"UserName", "alice"}, {"PolicyName", "mfa"}, {"PolicyDocument", std::string(kMfaDeny)}}));
  Value principal = Ok("GetContextKeysForPrincipalPolicy",
                       In({{"PolicySourceArn", "arn:aws:iam::123456789012:user/alice"}}));
  ASSERT_EQ(principal.Find("ContextKeyNames")->as_list().size(), 1u);
}

}  // namespace
}  // namespace tw::services::iam::testing
