// SPDX-License-Identifier: Apache-2.0
// PolicyAuthorizer through the real request path: identity policies and their cache
// invalidation, explicit denies, permissions boundaries, bucket policies as resource policies,
// and the request's global condition keys.
#include <gtest/gtest.h>

#include "authz_fixture.h"

namespace tw::server {
namespace {

class PolicyAuthorizerTest : public testing::AuthzTest {
 protected:
  void PutBobPolicy(std::string_view document) {
    Root("Action=PutUserPolicy&UserName=bob&PolicyName=p&PolicyDocument=" + Encode(document));
  }
};

TEST_F(PolicyAuthorizerTest, IdentityPolicyAllowsAndItsRemovalIsSeenAtOnce) {
  auto denied = Send(Query("Action=ListUsers"), "iam");
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.body.find("User: arn:aws:iam::000000000000:user/bob is not authorized to "
                             "perform: iam:ListUsers on resource: arn:aws:iam::000000000000:user/ "
                             "because no identity-based policy allows the iam:ListUsers action"),
            std::string::npos)
      << denied.body;
  PutBobPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:List*",
                   "Resource":"*"}]})");
  EXPECT_EQ(Send(Query("Action=ListUsers"), "iam").status, 200);
  EXPECT_EQ(Send(Query("Action=CreateGroup&GroupName=g"), "iam").status, 403);
  Root("Action=DeleteUserPolicy&UserName=bob&PolicyName=p");
  EXPECT_EQ(Send(Query("Action=ListUsers"), "iam").status, 403);
}

TEST_F(PolicyAuthorizerTest, GroupAndManagedPoliciesCount) {
  Root("Action=CreateGroup&GroupName=readers");
  Root("Action=AddUserToGroup&GroupName=readers&UserName=bob");
  Root("Action=AttachGroupPolicy&GroupName=readers&PolicyArn=" +
       Encode("arn:aws:iam::aws:policy/AdministratorAccess"));
  EXPECT_EQ(Send(Query("Action=CreateGroup&GroupName=g2"), "iam").status, 200);
  Root("Action=RemoveUserFromGroup&GroupName=readers&UserName=bob");
  EXPECT_EQ(Send(Query("Action=CreateGroup&GroupName=g3"), "iam").status, 403);
}

TEST_F(PolicyAuthorizerTest, ExplicitDenyWins) {
  PutBobPolicy(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"iam:*","Resource":"*"},
      {"Effect":"Deny","Action":"iam:CreateUser","Resource":"arn:aws:iam::*:user/admin*"}]})");
  EXPECT_EQ(Send(Query("Action=CreateUser&UserName=someone"), "iam").status, 200);
  auto r = Send(Query("Action=CreateUser&UserName=admin1"), "iam");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("iam:CreateUser on resource: arn:aws:iam::000000000000:user/admin1 with "
                        "an explicit deny in an identity-based policy"),
            std::string::npos)
      << r.body;
}

TEST_F(PolicyAuthorizerTest, PermissionsBoundaryCaps) {
  Root("Action=AttachUserPolicy&UserName=bob&PolicyArn=" +
       Encode("arn:aws:iam::aws:policy/AdministratorAccess"));
  Root("Action=PutUserPermissionsBoundary&UserName=bob&PermissionsBoundary=" +
       Encode("arn:aws:iam::aws:policy/AmazonS3FullAccess"));
  EXPECT_EQ(S3("GET", "/").status, 200);
  auto r = Send(Query("Action=ListUsers"), "iam");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("because no permissions boundary allows the iam:ListUsers action"),
            std::string::npos)
      << r.body;
}

TEST_F(PolicyAuthorizerTest, BucketPolicyGrantsAUserWithoutPolicies) {
  ASSERT_EQ(S3("PUT", "/shared", "", "", testing::kRoot).status, 200);
  ASSERT_EQ(S3("PUT", "/private", "", "", testing::kRoot).status, 200);
  EXPECT_EQ(S3("GET", "/shared", "list-type=2").status, 403);
  std::string policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::000000000000:user/bob"},"Action":"s3:ListBucket",
      "Resource":"arn:aws:s3:::shared","Condition":{"StringEquals":{"s3:prefix":"public/"}}}]})";
  ASSERT_LT(S3("PUT", "/shared", "policy", policy, testing::kRoot).status, 300);
  EXPECT_EQ(S3("GET", "/shared", "list-type=2&prefix=public%2F").status, 200);
  auto other_prefix = S3("GET", "/shared", "list-type=2&prefix=secret%2F");
  EXPECT_EQ(other_prefix.status, 403);
  auto other = S3("GET", "/private", "list-type=2&prefix=public%2F");
  EXPECT_EQ(other.status, 403);
  EXPECT_NE(other.body.find("s3:ListBucket on resource: \"arn:aws:s3:::private\" because no "
                            "identity-based policy allows the s3:ListBucket action"),
            std::string::npos)
      << other.body;
}

TEST_F(PolicyAuthorizerTest, BucketPolicyDenyStopsEvenTheRoot) {
  ASSERT_EQ(S3("PUT", "/locked", "", "", testing::kRoot).status, 200);
  std::string policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",
      "Action":"s3:ListBucket","Resource":"arn:aws:s3:::locked"}]})";
  ASSERT_LT(S3("PUT", "/locked", "policy", policy, testing::kRoot).status, 300);
  auto r = S3("GET", "/locked", "list-type=2", "", testing::kRoot);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("with an explicit deny in a resource-based policy"), std::string::npos)
      << r.body;
}

TEST_F(PolicyAuthorizerTest, GlobalConditionKeys) {
  Root("Action=TagUser&UserName=bob&Tags.member.1.Key=team&Tags.member.1.Value=blue");
  PutBobPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers",
      "Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},
      "StringEquals":{"aws:PrincipalTag/team":"blue","aws:username":"bob",
                      "aws:RequestedRegion":"us-east-1"},
      "Bool":{"aws:SecureTransport":"false"},
      "StringLike":{"aws:UserAgent":"test-agent/*"}}}]})");
  auto call = [&](std::string ip) {
    http::HttpRequest r = Query("Action=ListUsers");
    r.remote_ip = std::move(ip);
    r.headers.Add("User-Agent", "test-agent/1.0");
    return Send(r, "iam").status;
  };
  EXPECT_EQ(call("10.1.2.3"), 200);
  EXPECT_EQ(call("192.168.1.1"), 403);
}

TEST_F(PolicyAuthorizerTest, MultiFactorAuthPresentIsAbsentForLongTermKeys) {
  // "Bool": false does not match an absent key; BoolIfExists does (IAM User Guide,
  // aws:MultiFactorAuthPresent).
  PutBobPolicy(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"iam:*","Resource":"*"},
      {"Effect":"Deny","Action":"iam:ListUsers","Resource":"*",
       "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}},
      {"Effect":"Deny","Action":"iam:ListGroups","Resource":"*",
       "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]})");
  EXPECT_EQ(Send(Query("Action=ListUsers"), "iam").status, 200);
  EXPECT_EQ(Send(Query("Action=ListGroups"), "iam").status, 403);
}

// CloudTrail's documented bucket policy (CloudTrail User Guide, "Amazon S3 bucket policy for
// CloudTrail"): the service principal may read the bucket ACL and write under AWSLogs/<account>/
// with bucket-owner-full-control, nothing else. A service principal has no identity policies,
// so only the bucket policy can grant it anything, and S3 tells it no more than "Access Denied".
TEST_F(PolicyAuthorizerTest, BucketPolicyForTheCloudTrailServicePrincipal) {
  auth::Principal cloudtrail;
  cloudtrail.type = auth::PrincipalType::kAwsService;
  cloudtrail.arn = "cloudtrail.amazonaws.com";
  cloudtrail.user_id = "cloudtrail.amazonaws.com";
  keys_.Add("AKIACLOUDTRAILSVC000", cloudtrail);
  ASSERT_EQ(S3("PUT", "/trail-bucket", "", "", testing::kRoot).status, 200);
  std::string policy = R"({"Version":"2012-10-17","Statement":[
      {"Sid":"AWSCloudTrailAclCheck","Effect":"Allow",
       "Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl",
       "Resource":"arn:aws:s3:::trail-bucket"},
      {"Sid":"AWSCloudTrailWrite","Effect":"Allow",
       "Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",
       "Resource":"arn:aws:s3:::trail-bucket/AWSLogs/000000000000/*",
       "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]})";
  auto put_policy = S3("PUT", "/trail-bucket", "policy", policy, testing::kRoot);
  ASSERT_EQ(put_policy.status, 204) << put_policy.body;

  auto put = [&](std::string key, bool with_acl) {
    http::HttpRequest r;
    r.method = "PUT";
    r.path = "/trail-bucket/" + key;
    r.body = "{}";
    if (with_acl) r.headers.Add("x-amz-acl", "bucket-owner-full-control");
    return Send(r, "s3", "AKIACLOUDTRAILSVC000");
  };
  auto ok = put("AWSLogs/000000000000/CloudTrail/us-east-1/2026/01/01/x.json.gz", true);
  EXPECT_EQ(ok.status, 200) << ok.body;
  auto no_acl = put("AWSLogs/000000000000/CloudTrail/us-east-1/2026/01/01/y.json.gz", false);
  EXPECT_EQ(no_acl.status, 403) << no_acl.body;
  auto elsewhere = put("other/x.json.gz", true);
  EXPECT_EQ(elsewhere.status, 403);
  EXPECT_NE(elsewhere.body.find("<Code>AccessDenied</Code><Message>Access Denied</Message>"),
            std::string::npos)
      << elsewhere.body;
  auto other_account = put("AWSLogs/111111111111/CloudTrail/x.json.gz", true);
  EXPECT_EQ(other_account.status, 403);
  EXPECT_EQ(S3("GET", "/trail-bucket", "acl", "", "AKIACLOUDTRAILSVC000").status, 200);
  EXPECT_EQ(S3("GET", "/trail-bucket", "policy", "", "AKIACLOUDTRAILSVC000").status, 403);
  EXPECT_EQ(S3("GET",
               "/trail-bucket/AWSLogs/000000000000/CloudTrail/us-east-1/2026/01/01/"
               "x.json.gz",
               "", "", "AKIACLOUDTRAILSVC000")
                .status,
            403);
  // The object CloudTrail wrote belongs to the bucket owner.
  EXPECT_EQ(S3("GET",
               "/trail-bucket/AWSLogs/000000000000/CloudTrail/us-east-1/2026/01/01/"
               "x.json.gz",
               "", "", testing::kRoot)
                .status,
            200);
}

TEST_F(PolicyAuthorizerTest, CreateBucketWithoutPermissionIsS3sAccessDenied) {
  auto r = S3("PUT", "/bobs-bucket");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("<Code>AccessDenied</Code><Message>User: "
                        "arn:aws:iam::000000000000:user/bob is not authorized to perform: "
                        "s3:CreateBucket on resource: \"arn:aws:s3:::bobs-bucket\" "
                        "because no identity-based policy allows the s3:CreateBucket "
                        "action</Message>"),
            std::string::npos)
      << r.body;
}

}  // namespace
}  // namespace tw::server
