// SPDX-License-Identifier: Apache-2.0
#include "common/strings.h"
#include "iam_test_fixture.h"

namespace tw::services::iam::testing {
namespace {

TEST_F(IamServiceTest, RoleLifecycle) {
  Value out = Ok("CreateRole", In({{"RoleName", "Ec2Role"},
                                   {"Path", "/app/"},
                                   {"AssumeRolePolicyDocument", std::string(kTrustEc2)},
                                   {"Description", "for instances"},
                                   {"Tags", Tags({{"app", "web"}})}}));
  const Value& role = *out.Find("Role");
  EXPECT_EQ(role.GetString("Arn"), "arn:aws:iam::123456789012:role/app/Ec2Role");
  EXPECT_TRUE(std::string(role.GetString("RoleId")).starts_with("AROA"));
  EXPECT_EQ(role.Find("MaxSessionDuration")->as_integer(), 3600);
  EXPECT_EQ(UriDecode(role.GetString("AssumeRolePolicyDocument")).value_or(""), kTrustEc2);

  EXPECT_EQ(Err("CreateRole",
                In({{"RoleName", "ec2role"}, {"AssumeRolePolicyDocument", std::string(kTrustEc2)}}))
                .message,
            "Role with name ec2role already exists.");
  // A trust policy needs a principal; an identity policy is malformed here.
  EXPECT_EQ(Err("CreateRole",
                In({{"RoleName", "bad"}, {"AssumeRolePolicyDocument", std::string(kAllowS3)}}))
                .code,
            "MalformedPolicyDocument");

  Ok("UpdateRole", In({{"RoleName", "Ec2Role"}, {"MaxSessionDuration", 7200}}));
  Value described =
      Ok("UpdateRoleDescription", In({{"RoleName", "Ec2Role"}, {"Description", "new"}}));
  EXPECT_EQ(described.Find("Role")->GetString("Description"), "new");
  Value got = Ok("GetRole", In({{"RoleName", "Ec2Role"}}));
  EXPECT_EQ(got.Find("Role")->Find("MaxSessionDuration")->as_integer(), 7200);
  EXPECT_NE(got.Find("Role")->Find("RoleLastUsed"), nullptr);
  EXPECT_EQ(got.Find("Role")->Find("Tags")->as_list().size(), 1u);
  Ok("TagRole", In({{"RoleName", "Ec2Role"}, {"Tags", Tags({{"tier", "1"}})}}));
  EXPECT_EQ(Ok("ListRoleTags", In({{"RoleName", "Ec2Role"}})).Find("Tags")->as_list().size(), 2u);
  Ok("UntagRole", In({{"RoleName", "Ec2Role"}, {"TagKeys", Strings({"app"})}}));

  std::string lambda_trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
  Ok("UpdateAssumeRolePolicy", In({{"RoleName", "Ec2Role"}, {"PolicyDocument", lambda_trust}}));
  Value roles = Ok("ListRoles", In({{"PathPrefix", "/app/"}}));
  ASSERT_EQ(roles.Find("Roles")->as_list().size(), 1u);
  EXPECT_EQ(UriDecode(roles.Find("Roles")->as_list()[0].GetString("AssumeRolePolicyDocument"))
                .value_or(""),
            lambda_trust);

  Ok("PutRolePolicy", In({{"RoleName", "Ec2Role"},
                          {"PolicyName", "inline"},
                          {"PolicyDocument", std::string(kAllowS3)}}));
  EXPECT_EQ(Err("DeleteRole", In({{"RoleName", "Ec2Role"}})).message,
            "Cannot delete entity, must delete policies first.");
  Ok("DeleteRolePolicy", In({{"RoleName", "Ec2Role"}, {"PolicyName", "inline"}}));
  Ok("DeleteRole", In({{"RoleName", "Ec2Role"}}));
  EXPECT_EQ(Err("GetRole", In({{"RoleName", "Ec2Role"}})).message,
            "The role with name Ec2Role cannot be found.");
}

TEST_F(IamServiceTest, TrustPolicySizeQuota) {
  std::string big = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < 30; ++i) {
    big +=
        (i ? "," : "") +
        std::string(
            R"({"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"})");
  }
  big += "]}";
  AwsError e = Err("CreateRole", In({{"RoleName", "big"}, {"AssumeRolePolicyDocument", big}}));
  EXPECT_EQ(e.code, "LimitExceeded");
  EXPECT_EQ(e.message, "Cannot exceed quota for ACLSizePerRole: 2048");
}

}  // namespace
}  // namespace tw::services::iam::testing
