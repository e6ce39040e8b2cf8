// SPDX-License-Identifier: Apache-2.0
#include <regex>

#include "iam_test_fixture.h"

namespace tw::services::iam::testing {
namespace {

TEST_F(IamServiceTest, CreateUserReturnsArnIdAndDate) {
  Value out = Ok("CreateUser", In({{"UserName", "Alice"}, {"Path", "/eng/"}}));
  const Value& user = *out.Find("User");
  EXPECT_EQ(user.GetString("UserName"), "Alice");
  EXPECT_EQ(user.GetString("Path"), "/eng/");
  EXPECT_EQ(user.GetString("Arn"), "arn:aws:iam::123456789012:user/eng/Alice");
  EXPECT_TRUE(
      std::regex_match(std::string(user.GetString("UserId")), std::regex("AIDA[A-Z2-7]{17}")));
  // Whole seconds, as IAM reports dates.
  EXPECT_EQ(user.Find("CreateDate")->as_timestamp().epoch_millis, 1'440'938'160'000);
  EXPECT_EQ(user.Find("Tags"), nullptr);
}

TEST_F(IamServiceTest, UserNamesAreUniqueIgnoringCase) {
  Ok("CreateUser", In({{"UserName", "alice"}}));
  AwsError e = Err("CreateUser", In({{"UserName", "ALICE"}}));
  EXPECT_EQ(e.code, "EntityAlreadyExists");
  EXPECT_EQ(e.http_status, 409);
  EXPECT_EQ(e.message, "User with name ALICE already exists.");
  // Lookups ignore case too and answer with the stored name.
  Value got = Ok("GetUser", In({{"UserName", "Alice"}}));
  EXPECT_EQ(got.Find("User")->GetString("UserName"), "alice");
}

TEST_F(IamServiceTest, MissingUserIsNoSuchEntity) {
  AwsError e = Err("GetUser", In({{"UserName", "ghost"}}));
  EXPECT_EQ(e.code, "NoSuchEntity");
  EXPECT_EQ(e.http_status, 404);
  EXPECT_EQ(e.message, "The user with name ghost cannot be found.");
  EXPECT_EQ(Err("DeleteUser", In({{"UserName", "ghost"}})).code, "NoSuchEntity");
}

TEST_F(IamServiceTest, GetUserWithoutNameAsRootDescribesTheRootUser) {
  Value out = Ok("GetUser");
  const Value& user = *out.Find("User");
  EXPECT_EQ(user.GetString("UserId"), "123456789012");
  EXPECT_EQ(user.GetString("Arn"), "arn:aws:iam::123456789012:root");
  EXPECT_EQ(user.Find("UserName"), nullptr);
}

TEST_F(IamServiceTest, GetUserWithoutNameAsAUserDescribesTheCaller) {
  Ok("CreateUser", In({{"UserName", "bob"}}));
  auth::Principal bob;
  bob.type = auth::PrincipalType::kIamUser;
  bob.account_id = kAccount;
  bob.user_name = "bob";
  auto out = Call("GetUser", Value::MakeStructure(), &bob);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->Find("User")->GetString("UserName"), "bob");
}

TEST_F(IamServiceTest, ListUsersFiltersByPathAndPages) {
  for (const char* name : {"u1", "u2", "u3"}) Ok("CreateUser", In({{"UserName", name}}));
  Ok("CreateUser", In({{"UserName", "ops1"}, {"Path", "/ops/"}}));
  Value all = Ok("ListUsers");
  EXPECT_EQ(all.Find("Users")->as_list().size(), 4u);
  EXPECT_FALSE(all.Find("IsTruncated")->as_bool());
  EXPECT_EQ(all.Find("Marker"), nullptr);
  // ListUsers leaves tags out.
  Value ops = Ok("ListUsers", In({{"PathPrefix", "/ops/"}}));
  ASSERT_EQ(ops.Find("Users")->as_list().size(), 1u);

  Value first = Ok("ListUsers", In({{"MaxItems", 3}}));
  EXPECT_EQ(first.Find("Users")->as_list().size(), 3u);
  EXPECT_TRUE(first.Find("IsTruncated")->as_bool());
  std::string marker(first.GetString("Marker"));
  Value second = Ok("ListUsers", In({{"MaxItems", 3}, {"Marker", marker}}));
  ASSERT_EQ(second.Find("Users")->as_list().size(), 1u);
  EXPECT_EQ(second.Find("Users")->as_list()[0].GetString("UserName"), "u3");
  EXPECT_FALSE(second.Find("IsTruncated")->as_bool());
  EXPECT_EQ(Err("ListUsers", In({{"Marker", "garbage"}})).code, "InvalidInput");
}

TEST_F(IamServiceTest, UpdateUserRenamesAndMoves) {
  Ok("CreateUser", In({{"UserName", "carol"}}));
  Ok("CreateUser", In({{"UserName", "dave"}}));
  AwsError taken = Err("UpdateUser", In({{"UserName", "carol"}, {"NewUserName", "Dave"}}));
  EXPECT_EQ(taken.code, "EntityAlreadyExists");
  Ok("CreateAccessKey", In({{"UserName", "carol"}}));
  Ok("UpdateUser", In({{"UserName", "carol"}, {"NewUserName", "caroline"}, {"NewPath", "/x/"}}));
  Value got = Ok("GetUser", In({{"UserName", "caroline"}}));
  EXPECT_EQ(got.Find("User")->GetString("Arn"), "arn:aws:iam::123456789012:user/x/caroline");
  // The access keys follow the user.
  Value keys = Ok("ListAccessKeys", In({{"UserName", "caroline"}}));
  EXPECT_EQ(keys.Find("AccessKeyMetadata")->as_list().size(), 1u);
  EXPECT_EQ(Err("GetUser", In({{"UserName", "carol"}})).code, "NoSuchEntity");
}

TEST_F(IamServiceTest, DeleteUserConflictsUntilEverythingIsGone) {
  Ok("CreateUser", In({{"UserName", "erin"}}));
  Ok("CreateGroup", In({{"GroupName", "devs"}}));
  Ok("AddUserToGroup", In({{"GroupName", "devs"}, {"UserName", "erin"}}));
  Ok("AttachUserPolicy",
     In({{"UserName", "erin"}, {"PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}}));
  Ok("PutUserPolicy", In({{"UserName", "erin"},
                          {"PolicyName", "inline"},
                          {"PolicyDocument", std::string(kAllowS3)}}));
  Value key = Ok("CreateAccessKey", In({{"UserName", "erin"}}));
  std::string key_id(key.Find("AccessKey")->GetString("AccessKeyId"));

  auto conflict = [&] {
    AwsError e = Err("DeleteUser", In({{"UserName", "erin"}}));
    EXPECT_EQ(e.code, "DeleteConflict");
    EXPECT_EQ(e.http_status, 409);
    return e.message;
  };
  EXPECT_EQ(conflict(), "Cannot delete entity, must delete access keys first.");
  Ok("DeleteAccessKey", In({{"UserName", "erin"}, {"AccessKeyId", key_id}}));
  EXPECT_EQ(conflict(), "Cannot delete entity, must delete policies first.");
  Ok("DeleteUserPolicy", In({{"UserName", "erin"}, {"PolicyName", "inline"}}));
  EXPECT_EQ(conflict(), "Cannot delete entity, must detach all policies first.");
  Ok("DetachUserPolicy",
     In({{"UserName", "erin"}, {"PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}}));
  EXPECT_EQ(conflict(), "Cannot delete entity, must remove users from group first.");
  Ok("RemoveUserFromGroup", In({{"GroupName", "devs"}, {"UserName", "erin"}}));
  Ok("DeleteUser", In({{"UserName", "erin"}}));
  EXPECT_EQ(Err("GetUser", In({{"UserName", "erin"}})).code, "NoSuchEntity");
}

TEST_F(IamServiceTest, UserTagsMergeAndUntag) {
  Value out = Ok("CreateUser", In({{"UserName", "frank"}, {"Tags", Tags({{"team", "a"}})}}));
  EXPECT_EQ(out.Find("User")->Find("Tags")->as_list().size(), 1u);
  Ok("TagUser", In({{"UserName", "frank"}, {"Tags", Tags({{"TEAM", "b"}, {"env", "dev"}})}}));
  Value tags = Ok("ListUserTags", In({{"UserName", "frank"}}));
  ASSERT_EQ(tags.Find("Tags")->as_list().size(), 2u);
  Ok("UntagUser", In({{"UserName", "frank"}, {"TagKeys", Strings({"team"})}}));
  tags = Ok("ListUserTags", In({{"UserName", "frank"}}));
  ASSERT_EQ(tags.Find("Tags")->as_list().size(), 1u);
  EXPECT_EQ(tags.Find("Tags")->as_list()[0].GetString("Key"), "env");
  AwsError dup =
      Err("TagUser", In({{"UserName", "frank"}, {"Tags", Tags({{"k", "1"}, {"K", "2"}})}}));
  EXPECT_EQ(dup.code, "InvalidInput");
  EXPECT_EQ(Err("ListUserTags", In({{"UserName", "nobody"}})).code, "NoSuchEntity");
}

TEST_F(IamServiceTest, TooManyTagsIsLimitExceededAndChangesNothing) {
  Ok("CreateUser", In({{"UserName", "gina"}}));
  Value many = Value::MakeList();
  for (int i = 0; i < 50; ++i) many.Push(In({{"Key", "k" + std::to_string(i)}, {"Value", "v"}}));
  Ok("TagUser", In({{"UserName", "gina"}, {"Tags", many}}));
  AwsError e = Err("TagUser", In({{"UserName", "gina"}, {"Tags", Tags({{"one-more", "v"}})}}));
  EXPECT_EQ(e.code, "LimitExceeded");
  EXPECT_EQ(Ok("ListUserTags", In({{"UserName", "gina"}})).Find("Tags")->as_list().size(), 50u);
}

TEST_F(IamServiceTest, PermissionsBoundaryMustExist) {
  AwsError e =
      Err("CreateUser", In({{"UserName", "h"}, {"PermissionsBoundary", PolicyArn("missing")}}));
  EXPECT_EQ(e.code, "NoSuchEntity");
  Value out = Ok(
      "CreateUser",
      In({{"UserName", "h"}, {"PermissionsBoundary", "arn:aws:iam::aws:policy/ReadOnlyAccess"}}));
  EXPECT_EQ(out.Find("User")->Find("PermissionsBoundary")->GetString("PermissionsBoundaryArn"),
            "arn:aws:iam::aws:policy/ReadOnlyAccess");
  Value policy = Ok("GetPolicy", In({{"PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}}));
  EXPECT_EQ(policy.Find("Policy")->Find("PermissionsBoundaryUsageCount")->as_integer(), 1);
  Ok("DeleteUserPermissionsBoundary", In({{"UserName", "h"}}));
  EXPECT_EQ(Ok("GetUser", In({{"UserName", "h"}})).Find("User")->Find("PermissionsBoundary"),
            nullptr);
}

}  // namespace
}  // namespace tw::services::iam::testing
