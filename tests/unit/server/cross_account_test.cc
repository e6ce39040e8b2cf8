// SPDX-License-Identifier: Apache-2.0
// Cross-account access through the real request path: two accounts' ServiceSets over one store
// (as two trailwatch servers would share it), each with its own dispatcher; account B's IAM user
// bob calls account A's server. AWS's rule ("Cross-account policy evaluation logic"): bob's own
// identity policies (in B) and A's resource-based policy must both allow; an explicit deny in
// either refuses; A's identity policies never apply to B's principals, and resources without a
// resource-based policy (IAM's) are out of reach.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "auth/sigv4/signer.h"
#include "server/app.h"
#include "server/authorizer.h"
#include "server/credential_store.h"
#include "server/dispatcher.h"
#include "store/accounts_repository.h"
#include "store/database.h"
#include "testing/fake_clock.h"
#include "testing/fixed_random.h"
#include "unit/store/temp_dir.h"

namespace tw::server {
namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

constexpr std::int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr char kA[] = "000000000000";
constexpr char kB[] = "111111111111";
constexpr char kRootA[] = "AKIAROOTAEXAMPLE0000";
constexpr char kRootB[] = "AKIAROOTBEXAMPLE0000";
constexpr char kSecret[] = "root-secret";

std::string Encode(std::string_view text) {
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

std::string Between(const std::string& text, const std::string& open, const std::string& close) {
  auto start = text.find(open);
  if (start == std::string::npos) return "";
  start += open.size();
  auto end = text.find(close, start);
  return end == std::string::npos ? "" : text.substr(start, end - start);
}

struct Key {
  std::string id, secret;
};

class CrossAccountTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open(dir_a_.path());
    ASSERT_TRUE(db);
    database_ = std::move(db).value();
    accounts_ = std::make_unique<store::AccountsRepository>(*database_);
    for (const char* account : {kA, kB}) ASSERT_TRUE(accounts_->EnsureAccount(account, kNow));
    ASSERT_TRUE(accounts_->PutRootAccessKey(kA, kRootA, kSecret, kNow));
    ASSERT_TRUE(accounts_->PutRootAccessKey(kB, kRootB, kSecret, kNow));
    credentials_ = std::make_unique<StoreCredentialProvider>(*accounts_, database_.get());
    auto b = ServiceSet::Create(ServiceDeps{.database = *database_,
                                            .data_dir = dir_b_.path(),
                                            .account_id = kB,
                                            .clock = clock_,
                                            .random = random_});
    ASSERT_TRUE(b) << b.error().message;
    services_b_ = std::move(b).value();
    auto a = ServiceSet::Create(ServiceDeps{.database = *database_,
                                            .data_dir = dir_a_.path(),
                                            .account_id = kA,
                                            .clock = clock_,
                                            .random = random_});
    ASSERT_TRUE(a) << a.error().message;
    services_a_ = std::move(a).value();
    // A's server knows B's IAM store (bob's policies live there); B's server knows only B.
    authorizer_a_ = services_a_->MakePolicyAuthorizer(kA, clock_, {{kB, services_b_.get()}});
    authorizer_b_ = services_b_->MakePolicyAuthorizer(kB, clock_);
    server_a_ = MakeDispatcher(*services_a_, *authorizer_a_, kA);
    server_b_ = MakeDispatcher(*services_b_, *authorizer_b_, kB);

    // A's bucket with one object; B's user bob (no policies yet) with a key.
    ASSERT_EQ(S3(*server_a_, "PUT", "/shared", "", "", {kRootA, kSecret}).status, 200);
    ASSERT_EQ(S3(*server_a_, "PUT", "/shared/doc.txt", "", "hello", {kRootA, kSecret}).status, 200);
    IamB("Action=CreateUser&UserName=bob");
    bob_ = CreateKey(*server_b_, "bob", {kRootB, kSecret});
  }

  std::unique_ptr<Dispatcher> MakeDispatcher(ServiceSet& services, Authorizer& authorizer,
                                             const char* account) {
    return std::make_unique<Dispatcher>(
        DispatcherDeps{.catalog = protocol::ServiceCatalog::Embedded(),
                       .operations = services.operations(),
                       .credentials = *credentials_,
                       .authorizer = authorizer,
                       .clock = clock_,
                       .random = random_,
                       .account_id = account});
  }

  static http::HttpResponse Send(Dispatcher& server, http::HttpRequest request,
                                 const std::string& service, const Key& key) {
    request.headers.Add("Host", "127.0.0.1:4566");
    auth::SigningParams params;
    params.access_key_id = key.id;
    params.secret_access_key = key.secret;
    params.region = "us-east-1";
    params.service = service;
    params.now_millis = kNow;
    params.s3 = service == "s3";
    auth::SignRequest(request, params);
    return server.Handle(request);
  }
  static http::HttpResponse Query(Dispatcher& server, const std::string& service, std::string body,
                                  const Key& key) {
    http::HttpRequest r;
    r.method = "POST";
    r.path = "/";
    r.body = (service == "sts" ? "Version=2011-06-15&" : "Version=2010-05-08&") + body;
    r.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    return Send(server, std::move(r), service, key);
  }
  static http::HttpResponse S3(Dispatcher& server, std::string method, std::string path,
                               std::string query, std::string body, const Key& key) {
    http::HttpRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.raw_query = std::move(query);
    r.body = std::move(body);
    return Send(server, std::move(r), "s3", key);
  }
  static Key CreateKey(Dispatcher& server, const std::string& user, const Key& root) {
    auto r = Query(server, "iam", "Action=CreateAccessKey&UserName=" + user, root);
    EXPECT_EQ(r.status, 200) << r.body;
    return {Between(r.body, "<AccessKeyId>", "</AccessKeyId>"),
            Between(r.body, "<SecretAccessKey>", "</SecretAccessKey>")};
  }
  void IamA(std::string body) {
    auto r = Query(*server_a_, "iam", std::move(body), {kRootA, kSecret});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void IamB(std::string body) {
    auto r = Query(*server_b_, "iam", std::move(body), {kRootB, kSecret});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void PutBobPolicy(std::string_view document) {
    IamB("Action=PutUserPolicy&UserName=bob&PolicyName=p&PolicyDocument=" + Encode(document));
  }
  void PutBucketPolicy(const std::string& document) {
    auto r = S3(*server_a_, "PUT", "/shared", "policy", document, {kRootA, kSecret});
    ASSERT_LT(r.status, 300) << r.body;
  }
  http::HttpResponse BobGets() { return S3(*server_a_, "GET", "/shared/doc.txt", "", "", bob_); }

  static constexpr char kBobMayRead[] = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]})";
  static constexpr char kBucketGrantsBob[] = R"({"Version":"2012-10-17","Statement":[{
      "Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/bob"},
      "Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]})";

  store::testutil::TempDir dir_a_, dir_b_;
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<store::AccountsRepository> accounts_;
  std::unique_ptr<StoreCredentialProvider> credentials_;
  tw::testing::FakeClock clock_{kNow};
  tw::testing::FixedRandom random_;
  std::unique_ptr<ServiceSet> services_b_, services_a_;
  std::unique_ptr<Authorizer> authorizer_a_, authorizer_b_;
  std::unique_ptr<Dispatcher> server_a_, server_b_;
  Key bob_;
};

TEST_F(CrossAccountTest, BobIsAnotherAccountsUser) {
  auto who = Query(*server_a_, "sts", "Action=GetCallerIdentity", bob_);
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_NE(who.body.find("<Arn>arn:aws:iam::111111111111:user/bob</Arn>"), std::string::npos)
      << who.body;
}

TEST_F(CrossAccountTest, ReadingNeedsBothTheIdentityPolicyAndTheBucketPolicy) {
  // Neither.
  auto neither = BobGets();
  EXPECT_EQ(neither.status, 403);
  // S3 tells callers of other accounts no more than this.
  EXPECT_NE(neither.body.find("<Code>AccessDenied</Code><Message>Access Denied</Message>"),
            std::string::npos)
      << neither.body;
  // Only bob's own policy: no resource-based policy allows it.
  PutBobPolicy(kBobMayRead);
  EXPECT_EQ(BobGets().status, 403);
  // Both.
  PutBucketPolicy(kBucketGrantsBob);
  auto both = BobGets();
  EXPECT_EQ(both.status, 200) << both.body;
  EXPECT_EQ(both.body, "hello");
  // Only the bucket policy: within one account that would do, across accounts it does not.
  IamB("Action=DeleteUserPolicy&UserName=bob&PolicyName=p");
  EXPECT_EQ(BobGets().status, 403);
}

TEST_F(CrossAccountTest, ABucketPolicyNamingTheAccountDelegatesToItsIdentityPolicies) {
  PutBucketPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"AWS":"111111111111"},"Action":"s3:GetObject",
      "Resource":"arn:aws:s3:::shared/*"}]})");
  EXPECT_EQ(BobGets().status, 403);
  PutBobPolicy(kBobMayRead);
  EXPECT_EQ(BobGets().status, 200);
  // B's root user needs no identity policy of its own.
  EXPECT_EQ(S3(*server_a_, "GET", "/shared/doc.txt", "", "", {kRootB, kSecret}).status, 200);
}

TEST_F(CrossAccountTest, AnExplicitDenyOnEitherSideRefuses) {
  PutBobPolicy(kBobMayRead);
  PutBucketPolicy(kBucketGrantsBob);
  ASSERT_EQ(BobGets().status, 200);
  IamB("Action=PutUserPolicy&UserName=bob&PolicyName=deny&PolicyDocument=" +
       Encode(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*",
           "Resource":"*"}]})"));
  EXPECT_EQ(BobGets().status, 403);
  IamB("Action=DeleteUserPolicy&UserName=bob&PolicyName=deny");
  ASSERT_EQ(BobGets().status, 200);
  PutBucketPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::111111111111:user/bob"},"Action":"s3:GetObject",
      "Resource":"arn:aws:s3:::shared/*"},{"Effect":"Deny","Principal":{"AWS":"111111111111"},
      "Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]})");
  EXPECT_EQ(BobGets().status, 403);
}

TEST_F(CrossAccountTest, ASameNamedUserOfTheResourceAccountLendsNoPolicies) {
  // A's own bob may read everything; B's bob has no policy of its own.
  IamA("Action=CreateUser&UserName=bob");
  IamA("Action=AttachUserPolicy&UserName=bob&PolicyArn=" +
       Encode("arn:aws:iam::aws:policy/AdministratorAccess"));
  PutBucketPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"AWS":"111111111111"},"Action":"s3:GetObject",
      "Resource":"arn:aws:s3:::shared/*"}]})");
  EXPECT_EQ(BobGets().status, 403);
  Key a_bob = CreateKey(*server_a_, "bob", {kRootA, kSecret});
  EXPECT_EQ(S3(*server_a_, "GET", "/shared/doc.txt", "", "", a_bob).status, 200);
}

TEST_F(CrossAccountTest, ResourcesWithoutAResourcePolicyAreOutOfReach) {
  // Even with every permission in its own account, bob cannot act on A's IAM.
  IamB("Action=AttachUserPolicy&UserName=bob&PolicyArn=" +
       Encode("arn:aws:iam::aws:policy/AdministratorAccess"));
  auto r = Query(*server_a_, "iam", "Action=ListUsers", bob_);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("User: arn:aws:iam::111111111111:user/bob is not authorized to perform: "
                        "iam:ListUsers on resource: arn:aws:iam::000000000000:user/ because no "
                        "resource-based policy allows the iam:ListUsers action"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(Query(*server_a_, "iam", "Action=CreateUser&UserName=mallory", bob_).status, 403);
}

TEST_F(CrossAccountTest, AssumingARoleOfAnotherAccountNeedsTheTrustPolicyAndBobsOwnPolicy) {
  IamA("Action=CreateRole&RoleName=reader&AssumeRolePolicyDocument=" +
       Encode(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
           "Principal":{"AWS":"arn:aws:iam::111111111111:user/bob"},"Action":"sts:AssumeRole"}]})"));
  const std::string assume = "Action=AssumeRole&RoleSessionName=sess&RoleArn=" +
                             Encode("arn:aws:iam::000000000000:role/reader");
  auto refused = Query(*server_a_, "sts", assume, bob_);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("because no identity-based policy allows the sts:AssumeRole action"),
            std::string::npos)
      << refused.body;
  PutBobPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"sts:AssumeRole","Resource":"arn:aws:iam::000000000000:role/reader"}]})");
  auto assumed = Query(*server_a_, "sts", assume, bob_);
  EXPECT_EQ(assumed.status, 200) << assumed.body;
  EXPECT_NE(assumed.body.find("arn:aws:sts::000000000000:assumed-role/reader/sess"),
            std::string::npos)
      << assumed.body;
  // A trust policy that names someone else refuses bob whatever his own policy says.
  IamA("Action=UpdateAssumeRolePolicy&RoleName=reader&PolicyDocument=" +
       Encode(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
           "Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]})"));
  EXPECT_EQ(Query(*server_a_, "sts", assume, bob_).status, 403);
}

#pragma GCC diagnostic pop

}  // namespace
}  // namespace tw::server
