// SPDX-License-Identifier: Apache-2.0
#include "common/strings.h"
#include "iam_test_fixture.h"

namespace tw::services::iam::testing {
namespace {

TEST_F(IamServiceTest, InlinePoliciesPutGetListDelete) {
  Ok("CreateGroup", In({{"GroupName", "grp"}}));
  Ok("PutGroupPolicy",
     In({{"GroupName", "grp"}, {"PolicyName", "b"}, {"PolicyDocument", std::string(kAllowS3)}}));
  Ok("PutGroupPolicy",
     In({{"GroupName", "grp"}, {"PolicyName", "a"}, {"PolicyDocument", std::string(kAllowS3)}}));
  // Putting again replaces.
  Ok("PutGroupPolicy",
     In({{"GroupName", "grp"}, {"PolicyName", "a"}, {"PolicyDocument", std::string(kAllowS3)}}));
  Value names = Ok("ListGroupPolicies", In({{"GroupName", "grp"}}));
  ASSERT_EQ(names.Find("PolicyNames")->as_list().size(), 2u);
  EXPECT_EQ(names.Find("PolicyNames")->as_list()[0].as_string(), "a");
  Value got = Ok("GetGroupPolicy", In({{"GroupName", "grp"}, {"PolicyName", "a"}}));
  EXPECT_EQ(got.GetString("GroupName"), "grp");
  EXPECT_EQ(UriDecode(got.GetString("PolicyDocument")).value_or(""), kAllowS3);
  AwsError missing = Err("GetGroupPolicy", In({{"GroupName", "grp"}, {"PolicyName", "zzz"}}));
  EXPECT_EQ(missing.code, "NoSuchEntity");
  EXPECT_EQ(missing.message, "The group policy with name zzz cannot be found.");
  Ok("DeleteGroupPolicy", In({{"GroupName", "grp"}, {"PolicyName", "a"}}));
  EXPECT_EQ(Err("DeleteGroupPolicy", In({{"GroupName", "grp"}, {"PolicyName", "a"}})).code,
            "NoSuchEntity");
  EXPECT_EQ(Err("PutUserPolicy", In({{"UserName", "none"},
                                     {"PolicyName", "a"},
                                     {"PolicyDocument", std::string(kAllowS3)}}))
                .code,
            "NoSuchEntity");
  EXPECT_EQ(Err("PutGroupPolicy", In({{"GroupName", "grp"},
                                      {"PolicyName", "bad"},
                                      {"PolicyDocument", R"({"Version":"2012-10-17"})"}}))
                .code,
            "MalformedPolicyDocument");
}

TEST_F(IamServiceTest, UserInlinePoliciesShareA2048CharacterQuota) {
  Ok("CreateUser", In({{"UserName", "quota"}}));
  // About 1,100 characters each: one fits, two do not.
  std::string doc = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[)";
  for (int i = 0; i < 40; ++i)
    doc += (i ? "," : "") + std::string(R"("s3:GetObjectVersion)") + std::to_string(i) + "\"";
  doc += R"(],"Resource":"*"}]})";
  Ok("PutUserPolicy", In({{"UserName", "quota"}, {"PolicyName", "one"}, {"PolicyDocument", doc}}));
  Ok("PutUserPolicy", In({{"UserName", "quota"}, {"PolicyName", "one"}, {"PolicyDocument", doc}}));
  AwsError e = Err("PutUserPolicy",
                   In({{"UserName", "quota"}, {"PolicyName", "two"}, {"PolicyDocument", doc}}));
  EXPECT_EQ(e.code, "LimitExceeded");
  EXPECT_EQ(e.message, "Maximum policy size of 2048 bytes exceeded for user quota");
}

}  // namespace
}  // namespace tw::services::iam::testing
