// SPDX-License-Identifier: Apache-2.0
#include "iam_test_fixture.h"

namespace tw::services::iam::testing {
namespace {

std::int64_t Summary(const Value& out, std::string_view key) {
  const Value* v = out.Find("SummaryMap")->Find(key);
  return v ? v->as_integer() : -1;
}

TEST_F(IamServiceTest, AccountSummaryCountsAndQuotas) {
  Ok("CreateUser", In({{"UserName", "s1"}}));
  Ok("CreateGroup", In({{"GroupName", "g1"}}));
  Ok("CreatePolicy", In({{"PolicyName", "p1"}, {"PolicyDocument", std::string(kAllowS3)}}));
  Ok("AttachUserPolicy", In({{"UserName", "s1"}, {"PolicyArn", PolicyArn("p1")}}));
  Value out = Ok("GetAccountSummary");
  EXPECT_EQ(Summary(out, "Users"), 1);
  EXPECT_EQ(Summary(out, "Groups"), 1);
  EXPECT_EQ(Summary(out, "Policies"), 1);
  EXPECT_EQ(Summary(out, "PolicyVersionsInUse"), 1);
  EXPECT_EQ(Summary(out, "AccessKeysPerUserQuota"), 2);
  EXPECT_EQ(Summary(out, "PolicySizeQuota"), 6144);
  EXPECT_EQ(Summary(out, "AccountAccessKeysPresent"), 1);
  EXPECT_EQ(out.Find("SummaryMap")->entries().size(), 33u);
}

TEST_F(IamServiceTest, AccountAlias) {
  EXPECT_EQ(Ok("ListAccountAliases").Find("AccountAliases")->as_list().size(), 0u);
  Ok("CreateAccountAlias", In({{"AccountAlias", "my-corp"}}));
  Ok("CreateAccountAlias", In({{"AccountAlias", "my-corp-2"}}));  // replaces
  Value list = Ok("ListAccountAliases");
  ASSERT_EQ(list.Find("AccountAliases")->as_list().size(), 1u);
  EXPECT_EQ(list.Find("AccountAliases")->as_list()[0].as_string(), "my-corp-2");
  EXPECT_EQ(Err("DeleteAccountAlias", In({{"AccountAlias", "my-corp"}})).code, "NoSuchEntity");
  Ok("DeleteAccountAlias", In({{"AccountAlias", "my-corp-2"}}));
}

TEST_F(IamServiceTest, AuthorizationDetailsCoverEverythingAndPage) {
  Ok("CreateUser", In({{"UserName", "d1"}}));
  Ok("CreateGroup", In({{"GroupName", "dg"}}));
  Ok("AddUserToGroup", In({{"GroupName", "dg"}, {"UserName", "d1"}}));
  Ok("CreateRole", In({{"RoleName", "dr"}, {"AssumeRolePolicyDocument", std::string(kTrustEc2)}}));
  Ok("CreatePolicy", In({{"PolicyName", "dp"}, {"PolicyDocument", std::string(kAllowS3)}}));
  Ok("AttachRolePolicy",
     In({{"RoleName", "dr"}, {"PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}}));
  Ok("PutUserPolicy",
     In({{"UserName", "d1"}, {"PolicyName", "ip"}, {"PolicyDocument", std::string(kAllowS3)}}));
  Value all = Ok("GetAccountAuthorizationDetails");
  ASSERT_EQ(all.Find("UserDetailList")->as_list().size(), 1u);
  const Value& user = all.Find("UserDetailList")->as_list()[0];
  EXPECT_EQ(user.Find("GroupList")->as_list()[0].as_string(), "dg");
  EXPECT_EQ(user.Find("UserPolicyList")->as_list().size(), 1u);
  EXPECT_EQ(all.Find("GroupDetailList")->as_list().size(), 1u);
  EXPECT_EQ(all.Find("RoleDetailList")->as_list().size(), 1u);
  // The customer policy and the one AWS policy in use, with their versions.
  ASSERT_EQ(all.Find("Policies")->as_list().size(), 2u);
  EXPECT_EQ(all.Find("Policies")->as_list()[0].Find("PolicyVersionList")->as_list().size(), 1u);

  Value roles = Ok("GetAccountAuthorizationDetails", In({{"Filter", Strings({"Role"})}}));
  EXPECT_EQ(roles.Find("UserDetailList")->as_list().size(), 0u);
  EXPECT_EQ(roles.Find("RoleDetailList")->as_list().size(), 1u);

  Value first = Ok("GetAccountAuthorizationDetails", In({{"MaxItems", 2}}));
  EXPECT_TRUE(first.Find("IsTruncated")->as_bool());
  Value next = Ok("GetAccountAuthorizationDetails",
                  In({{"MaxItems", 10}, {"Marker", first.GetString("Marker")}}));
  EXPECT_FALSE(next.Find("IsTruncated")->as_bool());
  EXPECT_EQ(next.Find("RoleDetailList")->as_list().size(), 1u);
  EXPECT_EQ(next.Find("Policies")->as_list().size(), 2u);
}

}  // namespace
}  // namespace tw::services::iam::testing
