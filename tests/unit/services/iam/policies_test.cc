// SPDX-License-Identifier: Apache-2.0
#include "common/strings.h"
#include "iam/policy/validate_document.h"
#include "iam_test_fixture.h"

namespace tw::services::iam::testing {
namespace {

std::string Decode(std::string_view encoded) { return UriDecode(encoded).value_or("<bad>"); }

TEST_F(IamServiceTest, CreateAndGetCustomerPolicy) {
  Value out = Ok("CreatePolicy", In({{"PolicyName", "S3All"},
                                     {"Path", "/team/"},
                                     {"PolicyDocument", std::string(kAllowS3)},
                                     {"Description", "all of S3"}}));
  const Value& policy = *out.Find("Policy");
  EXPECT_EQ(policy.GetString("Arn"), PolicyArn("S3All", "/team/"));
  EXPECT_TRUE(std::string(policy.GetString("PolicyId")).starts_with("ANPA"));
  EXPECT_EQ(policy.GetString("DefaultVersionId"), "v1");
  EXPECT_EQ(policy.Find("AttachmentCount")->as_integer(), 0);
  EXPECT_EQ(policy.Find("Description"), nullptr);  // CreatePolicy's answer leaves it out

  Value got = Ok("GetPolicy", In({{"PolicyArn", PolicyArn("S3All", "/team/")}}));
  EXPECT_EQ(got.Find("Policy")->GetString("Description"), "all of S3");
  Value version = Ok("GetPolicyVersion",
                     In({{"PolicyArn", PolicyArn("S3All", "/team/")}, {"VersionId", "v1"}}));
  EXPECT_EQ(Decode(version.Find("PolicyVersion")->GetString("Document")), kAllowS3);
  EXPECT_TRUE(version.Find("PolicyVersion")->Find("IsDefaultVersion")->as_bool());

  AwsError dup =
      Err("CreatePolicy", In({{"PolicyName", "s3all"}, {"PolicyDocument", std::string(kAllowS3)}}));
  EXPECT_EQ(dup.code, "EntityAlreadyExists");
  EXPECT_EQ(dup.message, "A policy called s3all already exists. Duplicate names are not allowed.");
  AwsError missing = Err("GetPolicy", In({{"PolicyArn", PolicyArn("nope")}}));
  EXPECT_EQ(missing.code, "NoSuchEntity");
  EXPECT_EQ(missing.message, "Policy " + PolicyArn("nope") + " was not found.");
  EXPECT_EQ(Err("GetPolicy", In({{"PolicyArn", "arn:aws:s3:::not-a-policy"}})).code,
            "InvalidInput");
}

TEST_F(IamServiceTest, PolicyDocumentsAreValidatedAndSized) {
  AwsError bad = Err("CreatePolicy", In({{"PolicyName", "bad"}, {"PolicyDocument", "{not json"}}));
  EXPECT_EQ(bad.code, "MalformedPolicyDocument");
  EXPECT_EQ(bad.http_status, 400);
  std::string big = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[)";
  for (int i = 0; i < 400; ++i)
    big += (i ? "," : "") + std::string(R"("s3:GetObjectNumber)") + std::to_string(i) + "\"";
  big += R"(],"Resource":"*"}]})";
  AwsError large = Err("CreatePolicy", In({{"PolicyName", "big"}, {"PolicyDocument", big}}));
  EXPECT_EQ(large.code, "LimitExceeded");
  EXPECT_EQ(large.message, "Cannot exceed quota for PolicySize: 6144");
  // Whitespace does not count.
  std::string spaced(kAllowS3);
  spaced.append(7000, ' ');
  Ok("CreatePolicy", In({{"PolicyName", "spaced"}, {"PolicyDocument", spaced}}));
}

TEST_F(IamServiceTest, PolicyVersionsFollowIamRules) {
  std::string arn = PolicyArn("versioned");
  Ok("CreatePolicy", In({{"PolicyName", "versioned"}, {"PolicyDocument", std::string(kAllowS3)}}));
  for (int i = 2; i <= 5; ++i) {
    Value v = Ok("CreatePolicyVersion", In({{"PolicyArn", arn},
                                            {"PolicyDocument", std::string(kAllowS3)},
                                            {"SetAsDefault", i == 3}}));
    EXPECT_EQ(v.Find("PolicyVersion")->GetString("VersionId"), "v" + std::to_string(i));
  }
  AwsError limit = Err("CreatePolicyVersion",
                       In({{"PolicyArn", arn}, {"PolicyDocument", std::string(kAllowS3)}}));
  EXPECT_EQ(limit.code, "LimitExceeded");
  EXPECT_EQ(limit.message,
            "A managed policy can have up to 5 versions. Before you create a new version, you "
            "must delete an existing version.");
  EXPECT_EQ(Ok("GetPolicy", In({{"PolicyArn", arn}})).Find("Policy")->GetString("DefaultVersionId"),
            "v3");
  AwsError default_delete =
      Err("DeletePolicyVersion", In({{"PolicyArn", arn}, {"VersionId", "v3"}}));
  EXPECT_EQ(default_delete.code, "DeleteConflict");
  EXPECT_EQ(default_delete.message, "Cannot delete the default version of a policy.");
  Ok("DeletePolicyVersion", In({{"PolicyArn", arn}, {"VersionId", "v5"}}));
  // Ids are not reused.
  Value v6 = Ok("CreatePolicyVersion",
                In({{"PolicyArn", arn}, {"PolicyDocument", std::string(kAllowS3)}}));
  EXPECT_EQ(v6.Find("PolicyVersion")->GetString("VersionId"), "v6");
  Value list = Ok("ListPolicyVersions", In({{"PolicyArn", arn}}));
  ASSERT_EQ(list.Find("Versions")->as_list().size(), 5u);
  EXPECT_EQ(list.Find("Versions")->as_list()[0].GetString("VersionId"), "v6");
  Ok("SetDefaultPolicyVersion", In({{"PolicyArn", arn}, {"VersionId", "v1"}}));
  EXPECT_EQ(Err("SetDefaultPolicyVersion", In({{"PolicyArn", arn}, {"VersionId", "v9"}})).code,
            "NoSuchEntity");
  AwsError versions = Err("DeletePolicy", In({{"PolicyArn", arn}}));
  EXPECT_EQ(versions.code, "DeleteConflict");
  for (const char* v : {"v2", "v3", "v4", "v6"}) {
    Ok("DeletePolicyVersion", In({{"PolicyArn", arn}, {"VersionId", v}}));
  }
  Ok("DeletePolicy", In({{"PolicyArn", arn}}));
  EXPECT_EQ(Err("GetPolicy", In({{"PolicyArn", arn}})).code, "NoSuchEntity");
}

TEST_F(IamServiceTest, AttachmentsCountAndBlockDeletion) {
  std::string arn = PolicyArn("attached");
  Ok("CreatePolicy", In({{"PolicyName", "attached"}, {"PolicyDocument", std::string(kAllowS3)}}));
  Ok("CreateUser", In({{"UserName", "u"}}));
  Ok("CreateGroup", In({{"GroupName", "g"}}));
  Ok("CreateRole", In({{"RoleName", "r"}, {"AssumeRolePolicyDocument", std::string(kTrustEc2)}}));
  Ok("AttachUserPolicy", In({{"UserName", "u"}, {"PolicyArn", arn}}));
  Ok("AttachUserPolicy", In({{"UserName", "u"}, {"PolicyArn", arn}}));  // idempotent
  Ok("AttachGroupPolicy", In({{"GroupName", "g"}, {"PolicyArn", arn}}));
  Ok("AttachRolePolicy", In({{"RoleName", "r"}, {"PolicyArn", arn}}));
  EXPECT_EQ(Ok("GetPolicy", In({{"PolicyArn", arn}}))
                .Find("Policy")
                ->Find("AttachmentCount")
                ->as_integer(),
            3);
  Value entities = Ok("ListEntitiesForPolicy", In({{"PolicyArn", arn}}));
  EXPECT_EQ(entities.Find("PolicyUsers")->as_list().size(), 1u);
  EXPECT_EQ(entities.Find("PolicyGroups")->as_list().size(), 1u);
  EXPECT_EQ(entities.Find("PolicyRoles")->as_list().size(), 1u);
  Value only_roles =
      Ok("ListEntitiesForPolicy", In({{"PolicyArn", arn}, {"EntityFilter", "Role"}}));
  EXPECT_EQ(only_roles.Find("PolicyUsers")->as_list().size(), 0u);

  Value attached = Ok("ListAttachedUserPolicies", In({{"UserName", "u"}}));
  ASSERT_EQ(attached.Find("AttachedPolicies")->as_list().size(), 1u);
  EXPECT_EQ(attached.Find("AttachedPolicies")->as_list()[0].GetString("PolicyName"), "attached");

  AwsError e = Err("DeletePolicy", In({{"PolicyArn", arn}}));
  EXPECT_EQ(e.code, "DeleteConflict");
  EXPECT_EQ(e.message, "Cannot delete a policy attached to entities.");

  AwsError not_attachable = Err(
      "AttachUserPolicy", In({{"UserName", "u"}, {"PolicyArn", "arn:aws:iam::aws:policy/Nope"}}));
  EXPECT_EQ(not_attachable.code, "NoSuchEntity");
  EXPECT_EQ(not_attachable.message,
            "Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable.");
  AwsError not_attached =
      Err("DetachUserPolicy",
          In({{"UserName", "u"}, {"PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}}));
  EXPECT_EQ(not_attached.code, "NoSuchEntity");
  EXPECT_EQ(Value(Ok("ListPolicies", In({{"OnlyAttached", true}, {"Scope", "Local"}})))
                .Find("Policies")
                ->as_list()
                .size(),
            1u);
}

TEST_F(IamServiceTest, AtMostTenManagedPoliciesPerEntity) {
  Ok("CreateUser", In({{"UserName", "many"}}));
  for (int i = 0; i < 11; ++i) {
    std::string name = "p" + std::to_string(i);
    Ok("CreatePolicy", In({{"PolicyName", name}, {"PolicyDocument", std::string(kAllowS3)}}));
    auto out = Call("AttachUserPolicy", In({{"UserName", "many"}, {"PolicyArn", PolicyArn(name)}}));
    if (i < 10) {
      EXPECT_TRUE(out);
    } else {
      ASSERT_FALSE(out);
      EXPECT_EQ(out.error().code, "LimitExceeded");
      EXPECT_EQ(out.error().message, "Cannot exceed quota for PoliciesPerUser: 10");
    }
  }
}

TEST_F(IamServiceTest, AwsManagedPoliciesAreListedAndReadOnly) {
  std::string admin = "arn:aws:iam::aws:policy/AdministratorAccess";
  Value got = Ok("GetPolicy", In({{"PolicyArn", admin}}));
  EXPECT_EQ(got.Find("Policy")->GetString("PolicyId"), "ANPAIWMBCKSKIEE64ZLYK");
  Value version = Ok("GetPolicyVersion", In({{"PolicyArn", admin}, {"VersionId", "v1"}}));
  EXPECT_EQ(
      Decode(version.Find("PolicyVersion")->GetString("Document")),
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})");
  Value aws = Ok("ListPolicies", In({{"Scope", "AWS"}}));
  EXPECT_EQ(aws.Find("Policies")->as_list().size(),
            ManagedPolicyCatalog::Embedded().policies().size());
  Value local = Ok("ListPolicies", In({{"Scope", "Local"}}));
  EXPECT_EQ(local.Find("Policies")->as_list().size(), 0u);
  EXPECT_EQ(Err("DeletePolicy", In({{"PolicyArn", admin}})).code, "AccessDenied");
  EXPECT_EQ(Err("CreatePolicyVersion",
                In({{"PolicyArn", admin}, {"PolicyDocument", std::string(kAllowS3)}}))
                .http_status,
            403);
}

TEST(ManagedPolicyCatalogTest, EveryEmbeddedPolicyParsesAndValidates) {
  const auto& policies = ManagedPolicyCatalog::Embedded().policies();
  ASSERT_EQ(policies.size(), 10u);
  for (const AwsManagedPolicy& policy : policies) {
    EXPECT_TRUE(policy.id.starts_with("ANPA")) << policy.name;
    EXPECT_EQ(policy.id.size(), 21u) << policy.name;
    Status valid = ::tw::iam::policy::ValidatePolicyDocument(
        policy.document, ::tw::iam::policy::PolicyKind::kIdentity);
    EXPECT_TRUE(valid) << policy.name << ": " << (valid ? "" : valid.error().message);
  }
}

TEST_F(IamServiceTest, PolicyTags) {
  std::string arn = PolicyArn("tagged");
  Value out = Ok("CreatePolicy", In({{"PolicyName", "tagged"},
                                     {"PolicyDocument", std::string(kAllowS3)},
                                     {"Tags", Tags({{"a", "1"}})}}));
  EXPECT_EQ(out.Find("Policy")->Find("Tags")->as_list().size(), 1u);
  Ok("TagPolicy", In({{"PolicyArn", arn}, {"Tags", Tags({{"b", "2"}})}}));
  EXPECT_EQ(Ok("ListPolicyTags", In({{"PolicyArn", arn}})).Find("Tags")->as_list().size(), 2u);
  Ok("UntagPolicy", In({{"PolicyArn", arn}, {"TagKeys", Strings({"a", "b"})}}));
  EXPECT_EQ(Ok("ListPolicyTags", In({{"PolicyArn", arn}})).Find("Tags")->as_list().size(), 0u);
}

}  // namespace
}  // namespace tw::services::iam::testing
