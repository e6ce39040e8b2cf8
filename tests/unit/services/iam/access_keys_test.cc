// SPDX-License-Identifier: Apache-2.0
#include <regex>

#include "iam_test_fixture.h"
#include "server/credential_store.h"

namespace tw::services::iam::testing {
namespace {

TEST_F(IamServiceTest, AccessKeysHaveAwsShapesAndAQuotaOfTwo) {
  Ok("CreateUser", In({{"UserName", "keyed"}, {"Path", "/svc/"}}));
  Value first = Ok("CreateAccessKey", In({{"UserName", "KEYED"}}));
  const Value& key = *first.Find("AccessKey");
  EXPECT_EQ(key.GetString("UserName"), "keyed");
  EXPECT_TRUE(
      std::regex_match(std::string(key.GetString("AccessKeyId")), std::regex("AKIA[A-Z2-7]{16}")));
  EXPECT_EQ(key.GetString("SecretAccessKey").size(), 40u);
  EXPECT_EQ(key.GetString("Status"), "Active");
  Ok("CreateAccessKey", In({{"UserName", "keyed"}}));
  AwsError e = Err("CreateAccessKey", In({{"UserName", "keyed"}}));
  EXPECT_EQ(e.code, "LimitExceeded");
  EXPECT_EQ(e.http_status, 409);
  EXPECT_EQ(e.message, "Cannot exceed quota for AccessKeysPerUser: 2");
  EXPECT_EQ(Err("CreateAccessKey", In({{"UserName", "nobody"}})).code, "NoSuchEntity");

  Value list = Ok("ListAccessKeys", In({{"UserName", "keyed"}}));
  ASSERT_EQ(list.Find("AccessKeyMetadata")->as_list().size(), 2u);
  EXPECT_EQ(list.Find("AccessKeyMetadata")->as_list()[0].Find("SecretAccessKey"), nullptr);
}

TEST_F(IamServiceTest, KeysAuthenticateAsTheirUserUntilInactive) {
  Value user = Ok("CreateUser", In({{"UserName", "signer"}, {"Path", "/svc/"}}));
  Value created = Ok("CreateAccessKey", In({{"UserName", "signer"}}));
  std::string key_id(created.Find("AccessKey")->GetString("AccessKeyId"));
  std::string secret(created.Find("AccessKey")->GetString("SecretAccessKey"));

  server::StoreCredentialProvider provider(*accounts_);
  auto credential = provider.Find(key_id);
  ASSERT_TRUE(credential);
  EXPECT_EQ(credential->secret_access_key, secret);
  EXPECT_TRUE(credential->active);
  EXPECT_EQ(credential->principal.type, auth::PrincipalType::kIamUser);
  EXPECT_EQ(credential->principal.arn, "arn:aws:iam::123456789012:user/svc/signer");
  EXPECT_EQ(credential->principal.user_id, user.Find("User")->GetString("UserId"));
  EXPECT_EQ(credential->principal.user_name, "signer");

  Ok("UpdateAccessKey",
     In({{"UserName", "signer"}, {"AccessKeyId", key_id}, {"Status", "Inactive"}}));
  EXPECT_FALSE(provider.Find(key_id)->active);
  Value list = Ok("ListAccessKeys", In({{"UserName", "signer"}}));
  EXPECT_EQ(list.Find("AccessKeyMetadata")->as_list()[0].GetString("Status"), "Inactive");

  AwsError other = Err(
      "UpdateAccessKey",
      In({{"UserName", "signer"}, {"AccessKeyId", "AKIAROOTROOTROOTROOT"}, {"Status", "Active"}}));
  EXPECT_EQ(other.code, "NoSuchEntity");
  EXPECT_EQ(other.message, "The Access Key with id AKIAROOTROOTROOTROOT cannot be found.");
  Ok("DeleteAccessKey", In({{"UserName", "signer"}, {"AccessKeyId", key_id}}));
  EXPECT_FALSE(provider.Find(key_id));
}

TEST_F(IamServiceTest, KeyUseIsRecordedAtMostOncePerMinute) {
  Ok("CreateUser", In({{"UserName", "user1"}}));
  Value created = Ok("CreateAccessKey", In({{"UserName", "user1"}}));
  std::string key_id(created.Find("AccessKey")->GetString("AccessKeyId"));

  Value never = Ok("GetAccessKeyLastUsed", In({{"AccessKeyId", key_id}}));
  EXPECT_EQ(never.GetString("UserName"), "user1");
  const Value* last = never.Find("AccessKeyLastUsed");
  EXPECT_EQ(last->GetString("ServiceName"), "N/A");
  EXPECT_EQ(last->GetString("Region"), "N/A");
  EXPECT_EQ(last->Find("LastUsedDate"), nullptr);

  server::StoreCredentialProvider provider(*accounts_);
  provider.RecordUse(key_id, 1'500'000'000'000, "sts", "eu-west-1");
  provider.RecordUse(key_id, 1'500'000'030'000, "iam", "us-east-1");  // within the minute: dropped
  Value used = Ok("GetAccessKeyLastUsed", In({{"AccessKeyId", key_id}}));
  last = used.Find("AccessKeyLastUsed");
  EXPECT_EQ(last->GetString("ServiceName"), "sts");
  EXPECT_EQ(last->GetString("Region"), "eu-west-1");
  EXPECT_EQ(last->Find("LastUsedDate")->as_timestamp().epoch_millis, 1'500'000'000'000);
  provider.RecordUse(key_id, 1'500'000'061'000, "iam", "us-east-1");
  used = Ok("GetAccessKeyLastUsed", In({{"AccessKeyId", key_id}}));
  EXPECT_EQ(used.Find("AccessKeyLastUsed")->GetString("ServiceName"), "iam");

  EXPECT_EQ(Err("GetAccessKeyLastUsed", In({{"AccessKeyId", "AKIANOTAKEY000000000"}})).code,
            "AccessDenied");
}

TEST_F(IamServiceTest, KeysWithoutUserNameBelongToTheCaller) {
  Ok("CreateUser", In({{"UserName", "self"}}));
  auth::Principal self;
  self.type = auth::PrincipalType::kIamUser;
  self.account_id = kAccount;
  self.user_name = "self";
  auto created = Call("CreateAccessKey", Value::MakeStructure(), &self);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->Find("AccessKey")->GetString("UserName"), "self");
  // The root user's listing is its own key.
  Value root_keys = Ok("ListAccessKeys");
  ASSERT_EQ(root_keys.Find("AccessKeyMetadata")->as_list().size(), 1u);
  EXPECT_EQ(root_keys.Find("AccessKeyMetadata")->as_list()[0].GetString("AccessKeyId"),
            "AKIAROOTROOTROOTROOT");
}

}  // namespace
}  // namespace tw::services::iam::testing
