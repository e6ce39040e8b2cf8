// SPDX-License-Identifier: Apache-2.0
// Temporary credentials through the real request path: session policies (AssumeRole /
// GetFederationToken Policy and PolicyArns) intersect the role's or user's permissions,
// resource-based policies naming the session ARN are not capped by them while those naming the
// role are, federated users, the context keys only temporary credentials carry
// (aws:TokenIssueTime, aws:MultiFactorAuthAge) and the principal keys (aws:PrincipalType,
// aws:userid), aws:SecureTransport, aws:CurrentTime / aws:EpochTime, and DeleteObjects'
// per-key authorization.
#include <gtest/gtest.h>

#include "authz_fixture.h"

namespace tw::server {
namespace {

constexpr char kSession[] = "ASIASESSIONEXAMPLE00";
constexpr char kRoleArn[] = "arn:aws:iam::000000000000:role/worker";
constexpr char kSessionArn[] = "arn:aws:sts::000000000000:assumed-role/worker/s1";

class SessionPolicyTest : public testing::AuthzTest {
 protected:
  void SetUp() override {
    AuthzTest::SetUp();
    Root("Action=CreateRole&RoleName=worker&AssumeRolePolicyDocument=" +
         Encode(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]})"));
    Root("Action=AttachRolePolicy&RoleName=worker&PolicyArn=" +
         Encode("arn:aws:iam::aws:policy/AdministratorAccess"));
  }

  static http::HttpRequest Query(std::string body) {
    http::HttpRequest r;
    r.method = "POST";
    r.path = "/";
    r.body = "Version=2010-05-08&" + std::move(body);
    r.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    return r;
  }
  static std::string Encode(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
      if (std::isalnum(c)) {
        out.push_back(static_cast<char>(c));
      } else {
        char hex[4];
        std::snprintf(hex, sizeof(hex), "%%%02X", c);
        out += hex;
      }
    }
    return out;
  }
  void Root(std::string body) {
    auto r = Send(Query(std::move(body)), "iam", testing::kRoot);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  http::HttpResponse S3(std::string method, std::string path, std::string query = "",
                        std::string body = "", const std::string& key = kSession) {
    http::HttpRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.raw_query = std::move(query);
    r.body = std::move(body);
    return Send(r, "s3", key);
  }

  // A session of role "worker", as credential_store.cc builds it from sts_sessions.
  auth::Principal RoleSession() {
    auth::Principal p;
    p.type = auth::PrincipalType::kAssumedRole;
    p.account_id = testing::kAccount;
    p.arn = kSessionArn;
    p.user_id = "AROAWORKEREXAMPLE000:s1";
    p.user_name = "worker";
    p.access_key_id = kSession;
    p.session_issued_millis = testing::kNow - 60'000;
    p.session_expires_millis = testing::kNow + 3'600'000;
    return p;
  }
  void AddSession(auth::Principal p) { keys_.Add(kSession, std::move(p)); }
};

TEST_F(SessionPolicyTest, WithoutSessionPolicyTheRoleDecides) {
  AddSession(RoleSession());
  EXPECT_EQ(Send(Query("Action=ListUsers"), "iam", kSession).status, 200);
  EXPECT_EQ(Send(Query("Action=ListRoles"), "iam", kSession).status, 200);
}

TEST_F(SessionPolicyTest, InlineSessionPolicyNarrowsTheRole) {
  auth::Principal p = RoleSession();
  p.session_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"iam:ListUsers","Resource":"*"}]})";
  AddSession(p);
  EXPECT_EQ(Send(Query("Action=ListUsers"), "iam", kSession).status, 200);
  auto r = Send(Query("Action=ListRoles"), "iam", kSession);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("User: arn:aws:sts::000000000000:assumed-role/worker/s1 is not "
                        "authorized to perform: iam:ListRoles on resource: "
                        "arn:aws:iam::000000000000:role/ because no session policy allows the "
                        "iam:ListRoles action"),
            std::string::npos)
      << r.body;
}

TEST_F(SessionPolicyTest, SessionPolicyCannotGrantMoreThanTheRole) {
  Root("Action=DetachRolePolicy&RoleName=worker&PolicyArn=" +
       Encode("arn:aws:iam::aws:policy/AdministratorAccess"));
  Root("Action=PutRolePolicy&RoleName=worker&PolicyName=list&PolicyDocument=" +
       Encode(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
          "Action":"iam:ListUsers","Resource":"*"}]})"));
  auth::Principal p = RoleSession();
  p.session_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"iam:*","Resource":"*"}]})";
  AddSession(p);
  EXPECT_EQ(Send(Query("Action=ListUsers"), "iam", kSession).status, 200);
  auto r = Send(Query("Action=ListGroups"), "iam", kSession);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("because no identity-based policy allows the iam:ListGroups action"),
            std::string::npos)
      << r.body;
}

TEST_F(SessionPolicyTest, ManagedSessionPolicyArns) {
  auth::Principal p = RoleSession();
  p.session_policy_arns = {"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"};
  AddSession(p);
  EXPECT_EQ(S3("GET", "/").status, 200);
  EXPECT_EQ(Send(Query("Action=ListUsers"), "iam", kSession).status, 403);
  EXPECT_EQ(S3("PUT", "/new-bucket").status, 403);
}

TEST_F(SessionPolicyTest, InlineAndManagedSessionPoliciesAreOneUnion) {
  auth::Principal p = RoleSession();
  p.session_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"iam:ListUsers","Resource":"*"}]})";
  p.session_policy_arns = {"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"};
  AddSession(p);
  EXPECT_EQ(S3("GET", "/").status, 200);
  EXPECT_EQ(Send(Query("Action=ListUsers"), "iam", kSession).status, 200);
  EXPECT_EQ(Send(Query("Action=ListRoles"), "iam", kSession).status, 403);
}

TEST_F(SessionPolicyTest, ExplicitDenyInSessionPolicy) {
  auth::Principal p = RoleSession();
  p.session_policy = R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"iam:*","Resource":"*"},
      {"Effect":"Deny","Action":"iam:ListUsers","Resource":"*"}]})";
  AddSession(p);
  auto r = Send(Query("Action=ListUsers"), "iam", kSession);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("with an explicit deny in a session policy"), std::string::npos) << r.body;
}

TEST_F(SessionPolicyTest, BucketPolicyNamingTheSessionIsNotCappedNamingTheRoleIs) {
  ASSERT_EQ(S3("PUT", "/by-session", "", "", testing::kRoot).status, 200);
  ASSERT_EQ(S3("PUT", "/by-role", "", "", testing::kRoot).status, 200);
  auto grant = [](std::string_view principal, std::string_view bucket) {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" +
           std::string(principal) + R"("},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::)" +
           std::string(bucket) + R"("}]})";
  };
  ASSERT_LT(
      S3("PUT", "/by-session", "policy", grant(kSessionArn, "by-session"), testing::kRoot).status,
      300);
  ASSERT_LT(S3("PUT", "/by-role", "policy", grant(kRoleArn, "by-role"), testing::kRoot).status,
            300);
  auth::Principal p = RoleSession();
  p.session_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"iam:ListUsers","Resource":"*"}]})";
  AddSession(p);
  EXPECT_EQ(S3("GET", "/by-session", "list-type=2").status, 200);
  auto r = S3("GET", "/by-role", "list-type=2");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("because no session policy allows the s3:ListBucket action"),
            std::string::npos)
      << r.body;
}

TEST_F(SessionPolicyTest, FederatedUserGetsTheIntersectionAndNoIam) {
  Root("Action=PutUserPolicy&UserName=bob&PolicyName=p&PolicyDocument=" +
       Encode(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
          "Action":["s3:ListAllMyBuckets","iam:*"],"Resource":"*"}]})"));
  auth::Principal p;
  p.type = auth::PrincipalType::kFederatedUser;
  p.account_id = testing::kAccount;
  p.arn = "arn:aws:sts::000000000000:federated-user/carol";
  p.user_id = "000000000000:carol";
  p.user_name = "bob";
  p.access_key_id = kSession;
  p.session_issued_millis = testing::kNow;
  p.session_expires_millis = testing::kNow + 3'600'000;
  p.session_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":["s3:*","iam:*"],"Resource":"*"}]})";
  AddSession(p);
  EXPECT_EQ(S3("GET", "/").status, 200);
  auto create = S3("PUT", "/fed-bucket");
  EXPECT_EQ(create.status, 403);
  // IAM is closed to federated users whatever the policies say.
  EXPECT_EQ(Send(Query("Action=ListUsers"), "iam", kSession).status, 403);

  // Without a session policy a federated user may do nothing.
  p.session_policy.reset();
  p.access_key_id = "ASIAOTHERSESSION0000";
  keys_.Add("ASIAOTHERSESSION0000", p);
  auto none = S3("GET", "/", "", "", "ASIAOTHERSESSION0000");
  EXPECT_EQ(none.status, 403);
  EXPECT_NE(none.body.find("because no session policy allows the s3:ListAllMyBuckets action"),
            std::string::npos)
      << none.body;
}

TEST_F(SessionPolicyTest, FederatedUserOfTheRootIsCappedBySessionPolicy) {
  auth::Principal p;
  p.type = auth::PrincipalType::kFederatedUser;
  p.account_id = testing::kAccount;
  p.arn = "arn:aws:sts::000000000000:federated-user/dave";
  p.user_id = "000000000000:dave";
  p.access_key_id = kSession;
  p.session_expires_millis = testing::kNow + 3'600'000;
  p.session_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"s3:ListAllMyBuckets","Resource":"*"}]})";
  AddSession(p);
  EXPECT_EQ(S3("GET", "/").status, 200);
  EXPECT_EQ(S3("PUT", "/dave-bucket").status, 403);
}

// One statement per key: each call is allowed only when its key's condition holds.
class ContextKeyTest : public SessionPolicyTest {
 protected:
  void Allow(std::string_view condition) {
    Root("Action=PutRolePolicy&RoleName=worker&PolicyName=cond&PolicyDocument=" +
         Encode(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Action":"iam:ListUsers","Resource":"*","Condition":)" +
                std::string(condition) + "}]}"));
    Root("Action=DetachRolePolicy&RoleName=worker&PolicyArn=" +
         Encode("arn:aws:iam::aws:policy/AdministratorAccess"));
  }
  int ListUsers(const std::string& key = kSession, bool tls = false) {
    http::HttpRequest r = Query("Action=ListUsers");
    r.tls = tls;
    return Send(r, "iam", key).status;
  }
};

TEST_F(ContextKeyTest, TokenIssueTime) {
  Allow(R"({"DateGreaterThan":{"aws:TokenIssueTime":"2025-12-31T23:58:00Z"}})");
  auth::Principal p = RoleSession();  // issued 2025-12-31T23:59:00Z
  AddSession(p);
  EXPECT_EQ(ListUsers(), 200);
  p.session_issued_millis = testing::kNow - 3'600'000;
  AddSession(p);
  EXPECT_EQ(ListUsers(), 403);
}

TEST_F(ContextKeyTest, TokenIssueTimeIsAbsentForLongTermKeys) {
  Root("Action=PutUserPolicy&UserName=bob&PolicyName=p&PolicyDocument=" +
       Encode(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers",
          "Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"true",
          "aws:MultiFactorAuthAge":"true"}}}]})"));
  EXPECT_EQ(ListUsers(testing::kBob), 200);
}

TEST_F(ContextKeyTest, MultiFactorAuthAge) {
  Allow(R"({"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}})");
  auth::Principal p = RoleSession();
  AddSession(p);  // no MFA: the key is absent and NumericLessThan fails
  EXPECT_EQ(ListUsers(), 403);
  p.mfa_authenticated = true;
  p.mfa_authenticated_millis = testing::kNow - 600'000;  // ten minutes ago
  AddSession(p);
  EXPECT_EQ(ListUsers(), 200);
  p.mfa_authenticated_millis = testing::kNow - 7'200'000;  // two hours ago
  AddSession(p);
  EXPECT_EQ(ListUsers(), 403);
}

TEST_F(ContextKeyTest, MultiFactorAuthPresentForSessions) {
  Allow(R"({"Bool":{"aws:MultiFactorAuthPresent":"true"}})");
  auth::Principal p = RoleSession();
  AddSession(p);
  EXPECT_EQ(ListUsers(), 403);
  p.mfa_authenticated = true;
  p.mfa_authenticated_millis = testing::kNow;
  AddSession(p);
  EXPECT_EQ(ListUsers(), 200);
}

TEST_F(ContextKeyTest, PrincipalTypeAndUserId) {
  Allow(R"({"StringEquals":{"aws:PrincipalType":"AssumedRole",
            "aws:PrincipalArn":"arn:aws:iam::000000000000:role/worker"},
            "StringLike":{"aws:userid":"AROA*:s1"}})");
  AddSession(RoleSession());
  EXPECT_EQ(ListUsers(), 200);
  auth::Principal other = RoleSession();
  other.user_id = "AROAWORKEREXAMPLE000:s2";
  AddSession(other);
  EXPECT_EQ(ListUsers(), 403);
}

TEST_F(ContextKeyTest, PrincipalTypeOfUsersAndRoot) {
  Root("Action=PutUserPolicy&UserName=bob&PolicyName=p&PolicyDocument=" +
       Encode(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers",
          "Resource":"*","Condition":{"StringEquals":{"aws:PrincipalType":"User",
          "aws:userid":"AIDAEXAMPLEEXAMPLE00"}}}]})"));
  EXPECT_EQ(ListUsers(testing::kBob), 200);
}

TEST_F(ContextKeyTest, SecureTransportFollowsTheConnection) {
  Allow(R"({"Bool":{"aws:SecureTransport":"true"}})");
  AddSession(RoleSession());
  EXPECT_EQ(ListUsers(kSession, /*tls=*/false), 403);
  EXPECT_EQ(ListUsers(kSession, /*tls=*/true), 200);
}

TEST_F(ContextKeyTest, CurrentTimeAndEpochTime) {
  // The fixture's clock reads 2026-01-01T00:00:00Z = 1767225600.
  Allow(R"({"DateGreaterThanEquals":{"aws:CurrentTime":"2026-01-01T00:00:00Z"},
            "DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:01Z"},
            "NumericEquals":{"aws:EpochTime":"1767225600"}})");
  AddSession(RoleSession());
  EXPECT_EQ(ListUsers(), 200);
  clock_.Advance(5000);
  EXPECT_EQ(ListUsers(), 403);
}

TEST_F(SessionPolicyTest, DeleteObjectsRefusesKeysOneByOne) {
  ASSERT_EQ(S3("PUT", "/mixed", "", "", testing::kRoot).status, 200);
  for (const char* key : {"/mixed/public/a", "/mixed/private/b", "/mixed/public/c"}) {
    ASSERT_EQ(S3("PUT", key, "", "x", testing::kRoot).status, 200);
  }
  Root("Action=PutUserPolicy&UserName=bob&PolicyName=p&PolicyDocument=" +
       Encode(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:DeleteObject",
          "Resource":"arn:aws:s3:::mixed/public/*"}]})"));
  std::string body =
      "<Delete><Object><Key>public/a</Key></Object><Object><Key>private/b</Key></Object>"
      "<Object><Key>public/c</Key></Object></Delete>";
  http::HttpRequest r;
  r.method = "POST";
  r.path = "/mixed";
  r.raw_query = "delete";
  r.body = body;
  auto response = Send(r, "s3", testing::kBob);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_NE(response.body.find("<Deleted><Key>public/a</Key></Deleted>"), std::string::npos)
      << response.body;
  EXPECT_NE(response.body.find("<Deleted><Key>public/c</Key></Deleted>"), std::string::npos)
      << response.body;
  EXPECT_NE(response.body.find("<Error><Key>private/b</Key><Code>AccessDenied</Code><Message>"
                               "Access Denied</Message></Error>"),
            std::string::npos)
      << response.body;
  // The refused key is still there; the others are gone.
  EXPECT_EQ(S3("HEAD", "/mixed/private/b", "", "", testing::kRoot).status, 200);
  EXPECT_EQ(S3("HEAD", "/mixed/public/a", "", "", testing::kRoot).status, 404);
}

TEST_F(SessionPolicyTest, DeleteObjectsWithoutPoliciesDeletesNothing) {
  ASSERT_EQ(S3("PUT", "/guarded", "", "", testing::kRoot).status, 200);
  ASSERT_EQ(S3("PUT", "/guarded/a", "", "x", testing::kRoot).status, 200);
  http::HttpRequest r;
  r.method = "POST";
  r.path = "/guarded";
  r.raw_query = "delete";
  r.body = "<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object></Delete>";
  auto response = Send(r, "s3", testing::kBob);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body.find("<Deleted>"), std::string::npos) << response.body;
  EXPECT_NE(response.body.find("<Error><Key>a</Key><Code>AccessDenied</Code>"), std::string::npos)
      << response.body;
  EXPECT_EQ(S3("HEAD", "/guarded/a", "", "", testing::kRoot).status, 200);
}

}  // namespace
}  // namespace tw::server
