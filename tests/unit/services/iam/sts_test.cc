// SPDX-License-Identifier: Apache-2.0
#include "iam_test_fixture.h"
#include "server/credential_store.h"
#include "services/iam/credential_crypto.h"
#include "services/sts/sts_service.h"

namespace tw::services::iam::testing {
namespace {

class StsTest : public IamServiceTest {
 protected:
  void SetUp() override {
    IamServiceTest::SetUp();
    sts_ = std::make_unique<sts::StsService>(*store_, std::string(kAccount));
    sts_->Register(table_);
    Ok("CreateUser", In({{"UserName", "erin"}}));
    erin_.type = auth::PrincipalType::kIamUser;
    erin_.account_id = kAccount;
    erin_.user_name = "erin";
    erin_.arn = "arn:aws:iam::123456789012:user/erin";
    erin_.user_id = Ok("GetUser", In({{"UserName", "erin"}})).Find("User")->GetString("UserId");
  }

  Result<Value> CallSts(std::string_view operation, const Value& input,
                        const auth::Principal& principal) {
    RequestContext context{"req-1", principal, "us-east-1", clock_, random_, http_};
    return (*table_.Find("sts", operation))(context, input);
  }

  std::unique_ptr<sts::StsService> sts_;
  auth::Principal erin_;
};

TEST_F(StsTest, AssumeRoleFollowsTheTrustPolicy) {
  const std::string trust_user =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/erin"},"Action":"sts:AssumeRole"}]})";
  Ok("CreateRole", In({{"RoleName", "named"}, {"AssumeRolePolicyDocument", trust_user}}));
  Ok("CreateRole", In({{"RoleName", "ec2"}, {"AssumeRolePolicyDocument", std::string(kTrustEc2)}}));

  auto out = CallSts(
      "AssumeRole",
      In({{"RoleArn", "arn:aws:iam::123456789012:role/named"}, {"RoleSessionName", "s1"}}), erin_);
  ASSERT_TRUE(out) << out.error().message;
  std::string key_id(out->Find("Credentials")->GetString("AccessKeyId"));
  EXPECT_TRUE(key_id.starts_with("ASIA"));
  EXPECT_GT(out->Find("Credentials")->GetString("SessionToken").size(), 300u);
  EXPECT_EQ(out->Find("AssumedRoleUser")->GetString("Arn"),
            "arn:aws:sts::123456789012:assumed-role/named/s1");

  server::StoreCredentialProvider provider(*accounts_, db_.get());
  auto credential = provider.Find(key_id);
  ASSERT_TRUE(credential);
  EXPECT_EQ(credential->principal.type, auth::PrincipalType::kAssumedRole);
  EXPECT_EQ(credential->principal.arn, "arn:aws:sts::123456789012:assumed-role/named/s1");
  EXPECT_EQ(*credential->session_token, out->Find("Credentials")->GetString("SessionToken"));
  EXPECT_EQ(*credential->expires_millis, EpochMillis(clock_.Now()) / 1000 * 1000 + 3'600'000);

  auto denied = CallSts(
      "AssumeRole",
      In({{"RoleArn", "arn:aws:iam::123456789012:role/ec2"}, {"RoleSessionName", "s1"}}), erin_);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, "AccessDenied");
  EXPECT_EQ(denied.error().message,
            "User: arn:aws:iam::123456789012:user/erin is not authorized to perform: "
            "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/ec2");
  auto too_long = CallSts("AssumeRole",
                          In({{"RoleArn", "arn:aws:iam::123456789012:role/named"},
                              {"RoleSessionName", "s1"},
                              {"DurationSeconds", 7200}}),
                          erin_);
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, "ValidationError");
  EXPECT_FALSE(CallSts(
      "AssumeRole",
      In({{"RoleArn", "arn:aws:iam::123456789012:role/named"}, {"RoleSessionName", "s1"}}), root_));
}

TEST_F(StsTest, AccountTrustDelegatesToIdentityPolicies) {
  const std::string trust_account =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]})";
  Ok("CreateRole", In({{"RoleName", "acct"}, {"AssumeRolePolicyDocument", trust_account}}));
  Value input = In({{"RoleArn", "arn:aws:iam::123456789012:role/acct"}, {"RoleSessionName", "x"}});
  EXPECT_FALSE(CallSts("AssumeRole", input, erin_));
  Ok("PutUserPolicy",
     In({{"UserName", "erin"},
         {"PolicyName", "assume"},
         {"PolicyDocument",
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]})"}}));
  EXPECT_TRUE(CallSts("AssumeRole", input, erin_));
}

TEST_F(StsTest, GetSessionTokenWithMfa) {
  Value created = Ok("CreateVirtualMFADevice", In({{"VirtualMFADeviceName", "erin"}}));
  std::string serial(created.Find("VirtualMFADevice")->GetString("SerialNumber"));
  auto key =
      Base32Decode(created.Find("VirtualMFADevice")->Find("Base32StringSeed")->as_blob().bytes);
  std::int64_t step = EpochMillis(clock_.Now()) / 1000 / 30;
  Ok("EnableMFADevice", In({{"UserName", "erin"},
                            {"SerialNumber", serial},
                            {"AuthenticationCode1", TotpCode(*key, step - 1)},
                            {"AuthenticationCode2", TotpCode(*key, step)}}));
  // The code of the step already used is refused; the next step's is accepted once.
  auto replay = CallSts("GetSessionToken",
                        In({{"SerialNumber", serial}, {"TokenCode", TotpCode(*key, step)}}), erin_);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().code, "AccessDenied");
  clock_.Advance(30'000);
  auto out =
      CallSts("GetSessionToken",
              In({{"SerialNumber", serial}, {"TokenCode", TotpCode(*key, step + 1)}}), erin_);
  ASSERT_TRUE(out) << out.error().message;
  server::StoreCredentialProvider provider(*accounts_, db_.get());
  auto credential = provider.Find(out->Find("Credentials")->GetString("AccessKeyId"));
  ASSERT_TRUE(credential);
  EXPECT_EQ(credential->principal.type, auth::PrincipalType::kIamUser);
  EXPECT_TRUE(credential->principal.mfa_authenticated);
  EXPECT_EQ(*credential->expires_millis - EpochMillis(clock_.Now()) / 1000 * 1000, 43'200'000);

  auth::Principal session = credential->principal;
  auto again = CallSts("GetSessionToken", Value::MakeStructure(), session);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "Cannot call GetSessionToken with session credentials");
}

}  // namespace
}  // namespace tw::services::iam::testing
