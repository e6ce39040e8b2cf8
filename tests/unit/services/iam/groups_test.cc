// SPDX-License-Identifier: Apache-2.0
#include "iam_test_fixture.h"

namespace tw::services::iam::testing {
namespace {

TEST_F(IamServiceTest, GroupLifecycle) {
  Value out = Ok("CreateGroup", In({{"GroupName", "Admins"}, {"Path", "/ops/"}}));
  const Value& group = *out.Find("Group");
  EXPECT_EQ(group.GetString("Arn"), "arn:aws:iam::123456789012:group/ops/Admins");
  EXPECT_TRUE(std::string(group.GetString("GroupId")).starts_with("AGPA"));
  EXPECT_EQ(group.GetString("GroupId").size(), 21u);

  AwsError dup = Err("CreateGroup", In({{"GroupName", "admins"}}));
  EXPECT_EQ(dup.code, "EntityAlreadyExists");
  EXPECT_EQ(dup.message, "Group with name admins already exists.");

  for (const char* user : {"a", "b", "c"}) {
    Ok("CreateUser", In({{"UserName", user}}));
    Ok("AddUserToGroup", In({{"GroupName", "Admins"}, {"UserName", user}}));
  }
  // Adding twice is accepted.
  Ok("AddUserToGroup", In({{"GroupName", "Admins"}, {"UserName", "a"}}));

  Value page = Ok("GetGroup", In({{"GroupName", "Admins"}, {"MaxItems", 2}}));
  EXPECT_EQ(page.Find("Users")->as_list().size(), 2u);
  EXPECT_TRUE(page.Find("IsTruncated")->as_bool());
  Value rest = Ok("GetGroup", In({{"GroupName", "Admins"}, {"Marker", page.GetString("Marker")}}));
  ASSERT_EQ(rest.Find("Users")->as_list().size(), 1u);
  EXPECT_EQ(rest.Find("Users")->as_list()[0].GetString("UserName"), "c");

  Value for_user = Ok("ListGroupsForUser", In({{"UserName", "b"}}));
  ASSERT_EQ(for_user.Find("Groups")->as_list().size(), 1u);

  AwsError conflict = Err("DeleteGroup", In({{"GroupName", "Admins"}}));
  EXPECT_EQ(conflict.code, "DeleteConflict");
  EXPECT_EQ(conflict.message, "Cannot delete entity, must remove users from group first.");
  for (const char* user : {"a", "b", "c"}) {
    Ok("RemoveUserFromGroup", In({{"GroupName", "Admins"}, {"UserName", user}}));
  }
  EXPECT_EQ(Err("RemoveUserFromGroup", In({{"GroupName", "Admins"}, {"UserName", "a"}})).code,
            "NoSuchEntity");
  Ok("AttachGroupPolicy",
     In({{"GroupName", "Admins"}, {"PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"}}));
  EXPECT_EQ(Err("DeleteGroup", In({{"GroupName", "Admins"}})).message,
            "Cannot delete entity, must detach all policies first.");
  Ok("DetachGroupPolicy",
     In({{"GroupName", "Admins"}, {"PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"}}));
  Ok("UpdateGroup", In({{"GroupName", "Admins"}, {"NewGroupName", "Operators"}}));
  Ok("DeleteGroup", In({{"GroupName", "operators"}}));
  EXPECT_EQ(Ok("ListGroups").Find("Groups")->as_list().size(), 0u);
}

TEST_F(IamServiceTest, MissingGroupAndMemberAreNoSuchEntity) {
  Ok("CreateGroup", In({{"GroupName", "g"}}));
  AwsError e = Err("AddUserToGroup", In({{"GroupName", "nope"}, {"UserName", "x"}}));
  EXPECT_EQ(e.message, "The group with name nope cannot be found.");
  e = Err("AddUserToGroup", In({{"GroupName", "g"}, {"UserName", "x"}}));
  EXPECT_EQ(e.message, "The user with name x cannot be found.");
}

TEST_F(IamServiceTest, AUserBelongsToAtMostTenGroups) {
  Ok("CreateUser", In({{"UserName", "joiner"}}));
  for (int i = 0; i < 10; ++i) {
    std::string name = "g" + std::to_string(i);
    Ok("CreateGroup", In({{"GroupName", name}}));
    Ok("AddUserToGroup", In({{"GroupName", name}, {"UserName", "joiner"}}));
  }
  Ok("CreateGroup", In({{"GroupName", "g10"}}));
  AwsError e = Err("AddUserToGroup", In({{"GroupName", "g10"}, {"UserName", "joiner"}}));
  EXPECT_EQ(e.code, "LimitExceeded");
  EXPECT_EQ(e.message, "Cannot exceed quota for GroupsPerUser: 10");
}

}  // namespace
}  // namespace tw::services::iam::testing
