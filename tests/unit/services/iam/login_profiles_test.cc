// SPDX-License-Identifier: Apache-2.0
#include "iam_test_fixture.h"

namespace tw::services::iam::testing {
namespace {

TEST_F(IamServiceTest, LoginProfileLifecycleAndPolicy) {
  Ok("CreateUser", In({{"UserName", "carol"}}));
  AwsError weak = Err("CreateLoginProfile", In({{"UserName", "carol"}, {"Password", "short"}}));
  EXPECT_EQ(weak.code, "PasswordPolicyViolation");
  EXPECT_EQ(weak.http_status, 400);
  Value created = Ok(
      "CreateLoginProfile",
      In({{"UserName", "CAROL"}, {"Password", "Corr3ct-Horse"}, {"PasswordResetRequired", true}}));
  EXPECT_EQ(created.Find("LoginProfile")->GetString("UserName"), "carol");
  EXPECT_EQ(
      Err("CreateLoginProfile", In({{"UserName", "carol"}, {"Password", "Corr3ct-Horse"}})).message,
      "Login Profile for user carol already exists.");
  Value got = Ok("GetLoginProfile", In({{"UserName", "carol"}}));
  EXPECT_TRUE(got.Find("LoginProfile")->Find("PasswordResetRequired")->as_bool());
  EXPECT_TRUE(service_->VerifyConsolePassword("carol", "Corr3ct-Horse", 1'500'000'000'000));
  EXPECT_FALSE(service_->VerifyConsolePassword("carol", "wrong", 1'500'000'000'000));

  AwsError conflict = Err("DeleteUser", In({{"UserName", "carol"}}));
  EXPECT_EQ(conflict.message, "Cannot delete entity, must delete login profile first.");

  AwsError missing = Err("GetAccountPasswordPolicy", Value::MakeStructure());
  EXPECT_EQ(missing.message, "The Password Policy with domain name 123456789012 cannot be found.");
  Ok("UpdateAccountPasswordPolicy", In({{"MinimumPasswordLength", 12},
                                        {"RequireUppercaseCharacters", true},
                                        {"RequireSymbols", true},
                                        {"MaxPasswordAge", 90},
                                        {"PasswordReusePrevention", 2}}));
  Value policy = Ok("GetAccountPasswordPolicy", Value::MakeStructure());
  EXPECT_TRUE(policy.Find("PasswordPolicy")->Find("ExpirePasswords")->as_bool());
  EXPECT_EQ(Err("UpdateLoginProfile", In({{"UserName", "carol"}, {"Password", "alllowercase12"}}))
                .message,
            "Password should have at least one uppercase letter");
  EXPECT_EQ(Err("UpdateLoginProfile", In({{"UserName", "carol"}, {"Password", "Upper"}})).message,
            "Password should have a minimum length of 12");

  // ChangePassword as the user: the old password is checked, reuse is refused.
  auth::Principal carol;
  carol.type = auth::PrincipalType::kIamUser;
  carol.account_id = kAccount;
  carol.user_name = "carol";
  carol.arn = "arn:aws:iam::123456789012:user/carol";
  EXPECT_FALSE(Call("ChangePassword",
                    In({{"OldPassword", "nope"}, {"NewPassword", "Another-Passw0rd"}}), &carol));
  EXPECT_TRUE(Call("ChangePassword",
                   In({{"OldPassword", "Corr3ct-Horse"}, {"NewPassword", "Another-Passw0rd"}}),
                   &carol));
  auto reuse =
      Call("ChangePassword",
           In({{"OldPassword", "Another-Passw0rd"}, {"NewPassword", "Corr3ct-Horse"}}), &carol);
  ASSERT_FALSE(reuse);
  EXPECT_EQ(reuse.error().code, "PasswordPolicyViolation");
  EXPECT_FALSE(Ok("GetLoginProfile", In({{"UserName", "carol"}}))
                   .Find("LoginProfile")
                   ->Find("PasswordResetRequired")
                   ->as_bool());
  EXPECT_EQ(Err("ChangePassword", In({{"OldPassword", "a"}, {"NewPassword", "b"}})).code,
            "InvalidUserType");

  Ok("DeleteLoginProfile", In({{"UserName", "carol"}}));
  EXPECT_EQ(Err("DeleteLoginProfile", In({{"UserName", "carol"}})).code, "NoSuchEntity");
  Ok("DeleteAccountPasswordPolicy", Value::MakeStructure());
  Ok("DeleteUser", In({{"UserName", "carol"}}));
}

}  // namespace
}  // namespace tw::services::iam::testing
